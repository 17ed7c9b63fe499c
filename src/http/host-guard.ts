/**
 * The guard in front of every listener, before any route: a request must name this simulator in its
 * `Host` header (a page on a foreign name that resolves to 127.0.0.1 — DNS rebinding — gets nothing), and
 * a browser request that changes state must come from this listener's own origin. Real clients (kubectl,
 * az, MSAL, @azure/identity, the UI's own pages) send no `Origin`, or their own one, and pass.
 *
 * The guard knows no surface: each listener gives it `refuse`, which writes the surface's own error shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Handler } from './listen.js'

/** Why a request was refused; `status` is 421 (Misdirected Request) for a foreign Host, 403 for a foreign origin. */
export interface Refusal {
  status: 421 | 403
  code: 'misdirected_request' | 'cross_origin'
  message: string
}

export type Refuse = (req: IncomingMessage, res: ServerResponse, refusal: Refusal) => void

export interface HostGuardOptions {
  /** Host names and addresses this listener answers to (lower case, IPv6 without brackets). */
  names: ReadonlySet<string>
  /** This listener's scheme and port: an `Origin` is ours when it is `scheme://<one of names>:port`. */
  scheme: 'http' | 'https'
  port: number
  refuse: Refuse
}

/** Methods that never change state (RFC 9110 §9.2.1): a cross-site GET is harmless, the browser hides the answer. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The host name of a `Host` header or of an origin's authority, lower case, without port, brackets or a final dot. */
export function hostName(authority: string): string | undefined {
  const a = authority.trim().toLowerCase()
  if (a === '') return undefined
  if (a.startsWith('[')) {
    const end = a.indexOf(']')
    const rest = a.slice(end + 1)
    if (end < 0 || (rest !== '' && !/^:\d{1,5}$/.test(rest))) return undefined
    return a.slice(1, end)
  }
  const colon = a.indexOf(':')
  if (colon >= 0 && (a.indexOf(':', colon + 1) >= 0 || !/^:\d{1,5}$/.test(a.slice(colon)))) return undefined
  const name = colon >= 0 ? a.slice(0, colon) : a
  return name.endsWith('.') ? name.slice(0, -1) : name
}

function ownOrigin(origin: string, o: HostGuardOptions): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
  const name = hostName(url.host)
  return url.protocol === `${o.scheme}:` && port === o.port && name !== undefined && o.names.has(name)
}

/**
 * Why `req` must be refused, or undefined when it may go on. `acceptedHost` is a `Host` value this
 * listener has already accepted: the same text is not parsed again.
 */
export function refusalOf(
  req: IncomingMessage,
  o: HostGuardOptions,
  acceptedHost?: string,
): Refusal | undefined {
  const host = req.headers.host
  if (host === undefined || host !== acceptedHost) {
    const name = host === undefined ? undefined : hostName(host)
    if (name === undefined || !o.names.has(name))
      return {
        status: 421,
        code: 'misdirected_request',
        message: `this server does not answer to the host name '${host ?? ''}'; use one of ${[...o.names].join(', ')} (start the simulator with --public-host NAME for another name)`,
      }
  }
  if (SAFE_METHODS.has(req.method ?? 'GET')) return undefined
  const origin = req.headers.origin
  const site = req.headers['sec-fetch-site']
  // `Origin: null` is what a browser sends for a form post from a page with `Referrer-Policy: no-referrer`
  // (the UI's own device login page) — and from sandboxed or cross-origin-redirected pages: only the
  // browser's own `Sec-Fetch-Site: same-origin` tells them apart.
  const ours =
    origin === undefined
      ? site === undefined || site === 'same-origin' || site === 'none'
      : origin === 'null'
        ? site === 'same-origin'
        : ownOrigin(origin, o) && (site === undefined || site === 'same-origin' || site === 'none')
  if (ours) return undefined
  return {
    status: 403,
    code: 'cross_origin',
    message: `requests that change state are refused from other origins (Origin: ${origin ?? 'none'}, Sec-Fetch-Site: ${typeof site === 'string' ? site : 'none'})`,
  }
}

/** Wraps a listener's handler with the guard. */
export function hostGuard(handler: Handler, o: HostGuardOptions): Handler {
  // A client sends the same Host on every request (a listener's names never change): the last one
  // accepted is compared instead of parsed again. This guard runs before every request of every surface.
  let acceptedHost: string | undefined
  return (req, res) => {
    const refusal = refusalOf(req, o, acceptedHost)
    if (refusal?.status !== 421) acceptedHost = req.headers.host
    if (!refusal) return handler(req, res)
    // The body is not read: the connection may not be reused for the next request.
    res.setHeader('connection', 'close')
    o.refuse(req, res, refusal)
    return undefined
  }
}

/** Writes `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('content-length', Buffer.byteLength(text))
  res.end(text)
}
