/**
 * Listener lifecycle, knowing nothing about protocols: HTTPS (or plain HTTP for IMDS) on host:port,
 * port 0 aware, with a `close()` that also ends keep-alive and streaming connections.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

export type Handler = (req: IncomingMessage, res: ServerResponse) => void

export interface Listener {
  url: string
  port: number
  close(): Promise<void>
}

export interface ListenOptions {
  host: string
  port: number
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean }
}

/**
 * A listener opened before its application exists, so the URLs of every service are known when the
 * applications are built. Until `serve` is called it answers 503; `serve` may be called once.
 */
export interface OpenListener extends Listener {
  serve(handler: Handler): void
}

export async function openListener(opts: ListenOptions): Promise<OpenListener> {
  let current: Handler | undefined
  const listener = await listen((req, res) => {
    if (current) return current(req, res)
    res.statusCode = 503
    res.end()
  }, opts)
  return {
    ...listener,
    serve(handler) {
      if (current) throw new TypeError(`${listener.url} already has its application`)
      current = handler
    },
  }
}

export async function listen(handler: Handler, opts: ListenOptions): Promise<Listener> {
  const server = opts.tls
    ? createHttpsServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ...(opts.tls.ca && { ca: opts.tls.ca }),
          // Verify a client certificate when one is offered; routes decide whether one is required.
          requestCert: opts.tls.requestCert ?? false,
          rejectUnauthorized: false,
          minVersion: 'TLSv1.2',
        },
        handler,
      )
    : createHttpServer(handler)
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const host =
    opts.host === '0.0.0.0' || opts.host === '::'
      ? '127.0.0.1'
      : opts.host.includes(':')
        ? `[${opts.host}]`
        : opts.host
  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
