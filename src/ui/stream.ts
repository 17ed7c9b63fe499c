/**
 * Server-sent events for the web UI, built to run for a whole workshop: each frame is serialised once
 * and written to every client; a client whose unsent bytes pass a limit (a paused tab, a dead network)
 * is dropped rather than buffered without end; a comment line every few seconds keeps proxies and
 * browsers from timing the stream out and finds dead connections; the number of clients is capped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface StreamLimits {
  /** Connected clients at most; the next one gets 503 with Retry-After. */
  maxClients: number
  /** Bytes written but not yet taken by a client's connection before the client is dropped. */
  maxBufferedBytes: number
  /** Interval of the keep-alive comment. */
  heartbeatMs: number
}

export const DEFAULT_STREAM_LIMITS: Readonly<StreamLimits> = Object.freeze({
  maxClients: 256,
  maxBufferedBytes: 2 * 1024 * 1024,
  heartbeatMs: 15_000,
})

export interface StreamFrame {
  /** The `id:` line: browsers send the last one back as Last-Event-ID when they reconnect. */
  id?: number
  event: string
  data: unknown
}

export interface StreamStats {
  clients: number
  /** Clients dropped for falling behind, since the hub started. */
  dropped: number
  /** Clients refused because the hub was full. */
  refused: number
  framesSent: number
  /** The largest buffered byte count of any connected client right now. */
  maxBuffered: number
}

export interface StreamHub {
  /**
   * Turns the response into an event stream and sends `initial` to it alone. Answers 503 and returns
   * false when the hub is full.
   */
  attach(req: IncomingMessage, res: ServerResponse, initial: StreamFrame[]): boolean
  broadcast(frame: StreamFrame): void
  /** Streams open now. */
  clientCount(): number
  stats(): StreamStats
  /** Ends every stream and stops the heartbeat. */
  close(): void
}

export function encodeFrame(frame: StreamFrame): string {
  // JSON never contains a raw newline, so the data fits on one `data:` line.
  const id = frame.id === undefined ? '' : `id: ${frame.id}\n`
  return `${id}event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`
}

export function createStreamHub(limits: Partial<StreamLimits> = {}): StreamHub {
  const lim: StreamLimits = { ...DEFAULT_STREAM_LIMITS, ...limits }
  const clients = new Set<ServerResponse>()
  let dropped = 0
  let refused = 0
  let framesSent = 0

  const drop = (res: ServerResponse) => {
    if (!clients.delete(res)) return
    dropped++
    // destroy, not end: a client that does not read would never receive the end of the stream.
    res.destroy()
  }
  const send = (res: ServerResponse, text: string) => {
    if (res.destroyed || res.writableEnded) {
      clients.delete(res)
      return
    }
    res.write(text)
    framesSent++
    if (res.writableLength > lim.maxBufferedBytes) drop(res)
  }

  const heartbeat = setInterval(() => {
    for (const res of clients) send(res, ': keep-alive\n\n')
  }, lim.heartbeatMs)
  heartbeat.unref()

  return {
    attach(req, res, initial) {
      if (clients.size >= lim.maxClients) {
        refused++
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' })
        res.end(
          JSON.stringify({ error: { code: 'too_many_streams', message: 'too many open event streams' } }),
        )
        return false
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      })
      // Idle streams must not be closed by the server's request timeouts.
      req.socket.setTimeout(0)
      req.socket.setKeepAlive(true, lim.heartbeatMs)
      clients.add(res)
      const forget = () => void clients.delete(res)
      res.on('close', forget)
      res.on('error', forget)
      send(res, `retry: 2000\n\n`)
      for (const frame of initial) {
        if (!clients.has(res)) break
        send(res, encodeFrame(frame))
      }
      return clients.has(res)
    },
    broadcast(frame) {
      if (clients.size === 0) return
      const text = encodeFrame(frame)
      for (const res of clients) send(res, text)
    },
    clientCount: () => clients.size,
    stats() {
      let maxBuffered = 0
      for (const res of clients) maxBuffered = Math.max(maxBuffered, res.writableLength)
      return { clients: clients.size, dropped, refused, framesSent, maxBuffered }
    },
    close() {
      clearInterval(heartbeat)
      for (const res of clients) res.destroy()
      clients.clear()
    },
  }
}
