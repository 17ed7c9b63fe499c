/**
 * A `fetch` over node:https that trusts the simulator's CA (besides the public roots and
 * NODE_EXTRA_CA_CERTS), so the CLI works from a plain shell without any trust setting. No keep-alive:
 * a credential plugin must exit as soon as it has printed its answer. openid-client takes it as its
 * `customFetch`; the ARM calls use it directly.
 */
import { readFileSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import { sendHttps, type HttpsAnswer } from '../http/index.js'

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>

/** The failure of a request that got no HTTP answer (refused, reset, TLS, timeout). */
export class NetworkError extends Error {
  readonly code: string | undefined
  readonly url: string
  constructor(url: string, cause: Error & { code?: string }) {
    super(`${cause.message}`, { cause })
    this.name = 'NetworkError'
    this.code = cause.code
    this.url = url
  }
}

export function trustedCas(extra: string[] = []): string[] {
  const cas = [...rootCertificates, ...extra]
  const file = process.env.NODE_EXTRA_CA_CERTS
  if (file) {
    try {
      cas.push(readFileSync(file, 'utf8'))
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we (by ignoring it).
    }
  }
  return cas
}

function bodyOf(body: RequestInit['body'], headers: Headers): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) {
    if (!headers.has('content-type'))
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8')
    return body.toString()
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  throw new TypeError('unsupported request body type')
}

export function createHttpsFetch(o: { ca: string[]; timeoutMs?: number }): Fetch {
  const timeoutMs = o.timeoutMs ?? 30_000
  return async (url, init = {}) => {
    const headers = new Headers(init.headers)
    const body = bodyOf(init.body, headers)
    if (body !== undefined) headers.set('content-length', String(Buffer.byteLength(body)))
    const signal = init.signal ?? undefined
    const method = init.method ?? 'GET'
    let answer: HttpsAnswer
    try {
      answer = await sendHttps(url, {
        method,
        headers: Object.fromEntries(headers),
        ...(body !== undefined && { body }),
        ca: o.ca,
        agent: false,
        timeoutMs,
        timeoutError: () =>
          Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
        ...(signal && { signal }),
      })
    } catch (err) {
      throw signal?.aborted ? err : new NetworkError(url, err as Error & { code?: string })
    }
    const out = new Headers()
    for (const [k, v] of Object.entries(answer.headers)) {
      if (Array.isArray(v)) for (const x of v) out.append(k, x)
      else if (v !== undefined) out.set(k, v)
    }
    const status = answer.status ?? 502
    const noBody = status === 204 || status === 304 || method === 'HEAD'
    return new Response(noBody ? null : answer.body, {
      status,
      statusText: answer.statusMessage ?? '',
      headers: out,
    })
  }
}
