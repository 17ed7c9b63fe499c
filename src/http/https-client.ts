/**
 * The one outbound HTTPS client. `sendHttps` is the single request loop (trust, optional client
 * certificate through an agent, a timeout worded by the caller, an optional cap on the answer, an
 * abort signal); callers shape the answer: `createHttpsClient` is how one simulated service calls
 * another (keep-alive, JSON or form bodies, over real sockets and TLS as the real system does, without
 * a test-only shortcut), the CLI's fetch and admin calls build on `sendHttps` directly.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { Agent, request } from 'node:https'

export interface HttpsCall {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** The connection pool (and with it trust and client certificate); `false` for a one-off socket. */
  agent?: Agent | false
  /** CAs to trust on this call when it brings no agent of its own. */
  ca?: string | Buffer | string[]
  timeoutMs: number
  /** What a timeout is reported as: each caller words its own. */
  timeoutError: () => Error
  /** Upper bound on a response body; a larger answer fails the call. */
  maxResponseBytes?: number
  signal?: AbortSignal
}

export interface HttpsAnswer {
  status: number | undefined
  statusMessage: string | undefined
  headers: IncomingHttpHeaders
  body: Buffer<ArrayBuffer>
}

/** One request, the whole answer read. Fails with the transport's error, `timeoutError()` or the signal's reason. */
export function sendHttps(url: string | URL, call: HttpsCall): Promise<HttpsAnswer> {
  const { signal } = call
  if (signal?.aborted) return Promise.reject(signal.reason as Error)
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: call.method ?? 'GET',
      headers: {
        ...(call.body !== undefined && { 'content-length': String(Buffer.byteLength(call.body)) }),
        ...call.headers,
      },
      ...(call.agent !== undefined && { agent: call.agent }),
      ...(call.ca !== undefined && { ca: call.ca }),
      timeout: call.timeoutMs,
    })
    const onAbort = () => req.destroy(signal?.reason as Error)
    signal?.addEventListener('abort', onAbort, { once: true })
    const fail = (err: Error) => {
      signal?.removeEventListener('abort', onAbort)
      reject(signal?.aborted ? (signal.reason as Error) : err)
    }
    req.on('timeout', () => req.destroy(call.timeoutError()))
    req.on('error', fail)
    req.on('response', (res) => {
      const max = call.maxResponseBytes ?? Infinity
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > max) res.destroy(new Error(`response from ${String(url)} exceeds ${max} bytes`))
        else chunks.push(c)
      })
      res.on('error', fail)
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort)
        resolve({
          status: res.statusCode,
          statusMessage: res.statusMessage,
          headers: res.headers,
          body: Buffer.concat(chunks),
        })
      })
    })
    req.end(call.body)
  })
}

export interface HttpsClientOptions {
  ca: string
  cert?: string
  key?: string
  timeoutMs?: number
  /** Upper bound on a response body; larger answers are treated as an error. */
  maxResponseBytes?: number
}

export interface HttpsResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json<T = unknown>(): T
}

export interface HttpsClient {
  request(
    url: string,
    opts?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<HttpsResponse>
  close(): void
}

export function createHttpsClient(o: HttpsClientOptions): HttpsClient {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 64,
    ca: o.ca,
    ...(o.cert && { cert: o.cert }),
    ...(o.key && { key: o.key }),
  })
  return {
    async request(url, opts = {}) {
      const answer = await sendHttps(url, {
        ...opts,
        agent,
        timeoutMs: o.timeoutMs ?? 10_000,
        timeoutError: () => new Error(`request to ${url} timed out`),
        maxResponseBytes: o.maxResponseBytes ?? 8 * 1024 * 1024,
      })
      const text = answer.body.toString('utf8')
      return {
        status: answer.status ?? 0,
        headers: answer.headers,
        text,
        json: <T>() => JSON.parse(text) as T,
      }
    },
    close: () => agent.destroy(),
  }
}
