/**
 * A `fetch` over node:https that trusts the simulator's CA (besides the public roots and
 * NODE_EXTRA_CA_CERTS), so the CLI works from a plain shell without any trust setting. No keep-alive:
 * a credential plugin must exit as soon as it has printed its answer. openid-client takes it as its
 * `customFetch`; the ARM calls use it directly.
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import { rootCertificates } from 'node:tls'

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
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const headers = new Headers(init.headers)
      let body: string | Buffer | undefined
      try {
        body = bodyOf(init.body, headers)
      } catch (err) {
        reject(err instanceof Error ? err : new TypeError(String(err)))
        return
      }
      if (body !== undefined) headers.set('content-length', String(Buffer.byteLength(body)))
      const signal = init.signal ?? undefined
      if (signal?.aborted) {
        reject(signal.reason as Error)
        return
      }
      const req = request(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(headers),
        ca: o.ca,
        agent: false,
        timeout: o.timeoutMs ?? 30_000,
      })
      const onAbort = () => req.destroy(signal?.reason as Error)
      signal?.addEventListener('abort', onAbort, { once: true })
      req.on('timeout', () =>
        req.destroy(
          Object.assign(new Error(`no answer within ${o.timeoutMs ?? 30_000} ms`), { code: 'ETIMEDOUT' }),
        ),
      )
      req.on('error', (err: Error & { code?: string }) => {
        signal?.removeEventListener('abort', onAbort)
        if (signal?.aborted) reject(signal.reason as Error)
        else reject(new NetworkError(url, err))
      })
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', (err: Error) => reject(new NetworkError(url, err)))
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort)
          const out = new Headers()
          for (const [k, v] of Object.entries(res.headers)) {
            if (Array.isArray(v)) for (const x of v) out.append(k, x)
            else if (v !== undefined) out.set(k, v)
          }
          const status = res.statusCode ?? 502
          const noBody = status === 204 || status === 304 || (init.method ?? 'GET') === 'HEAD'
          resolve(
            new Response(noBody ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: out,
            }),
          )
        })
      })
      req.end(body)
    })
}
