/**
 * How one simulated service calls another: HTTPS with the simulator's CA (and a client certificate
 * where the callee requires one), keep-alive, a timeout, JSON or form bodies. Deliberately small: the
 * services talk over real sockets and TLS as the real system does, without a test-only shortcut.
 */
import { Agent, request } from 'node:https'

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
  const max = o.maxResponseBytes ?? 8 * 1024 * 1024
  return {
    request(url, opts = {}) {
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            agent,
            method: opts.method ?? 'GET',
            headers: {
              ...(opts.body !== undefined && { 'content-length': String(Buffer.byteLength(opts.body)) }),
              ...opts.headers,
            },
            timeout: o.timeoutMs ?? 10_000,
          },
          (res) => {
            const chunks: Buffer[] = []
            let size = 0
            res.on('data', (c: Buffer) => {
              size += c.length
              if (size > max) res.destroy(new Error(`response from ${url} exceeds ${max} bytes`))
              else chunks.push(c)
            })
            res.on('error', reject)
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8')
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                text,
                json: <T>() => JSON.parse(text) as T,
              })
            })
          },
        )
        req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)))
        req.on('error', reject)
        req.end(opts.body)
      })
    },
    close: () => agent.destroy(),
  }
}
