/**
 * Listener lifecycle, knowing nothing about protocols: HTTPS (or plain HTTP for IMDS) on host:port,
 * port 0 aware, with a `close()` that also ends keep-alive and streaming connections, and the guard
 * every request runs under (a handler's throw or rejection is a bug: reported, answered 500, never the
 * end of the process).
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { report, type ErrorSink } from '../kernel/guard.js'

/** A request handler; a returned promise is awaited by the guard (its rejection is a bug, as a throw is). */
export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown

export interface Listener {
  url: string
  port: number
  close(): Promise<void>
}

export interface ListenOptions {
  host: string
  port: number
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean }
  /** Where a handler's unexpected error goes (default: nowhere but the 500 answer). */
  onUnexpected?: ErrorSink
}

/**
 * The answer to a bug that escaped a surface's own error renderer (each renders its own 5xx for bugs it
 * catches): a bare 500 with no internal detail, or the end of the connection once headers are out.
 */
function answerBug(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = JSON.stringify({
    error: { code: 'server_error', message: 'unexpected error; see the simulator log' },
  })
  res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

/** Runs `handler` under the guard: a synchronous throw or a rejected promise is reported and answered 500. */
export function guardHandler(handler: Handler, onUnexpected: ErrorSink = () => {}): Handler {
  const fail = (res: ServerResponse, err: unknown) => {
    report(onUnexpected, err)
    try {
      answerBug(res)
    } catch {
      res.destroy()
    }
  }
  return (req, res) => {
    try {
      const result = handler(req, res)
      if (result instanceof Promise) result.catch((err: unknown) => fail(res, err))
    } catch (err) {
      fail(res, err)
    }
  }
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
    return undefined
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
  const guarded = guardHandler(handler, opts.onUnexpected)
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
        guarded,
      )
    : createHttpServer(guarded)
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  // A server-level error after start (a socket failure) is reported, never an uncaught 'error' event.
  server.on('error', (err) => report(opts.onUnexpected ?? (() => {}), err))
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
