/**
 * Per-service request log: a trace id for every request and one `request.completed` event when the
 * response is finished, with the outcome and the reason for a rejection (set by the error renderer in
 * `res.locals.reason`, or on the record a bare node:http handler keeps).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RequestHandler } from 'express'
import type { EventBus } from '../kernel/events.js'
import { newGuid } from '../kernel/ids.js'

/** What a handler tells the log about a request; read when the response finishes. */
export interface RequestRecord {
  traceId: string
  reason?: unknown
  detail?: unknown
}

/** Logs one request of a bare node:http handler: `url` as received, `record` as filled in by then. */
export function logRequest(
  service: string,
  events: EventBus,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  record: RequestRecord,
): void {
  const started = process.hrtime.bigint()
  res.on('finish', () => {
    events.emit('request.completed', service, {
      method: req.method,
      path: url.split('?')[0],
      status: res.statusCode,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      traceId: record.traceId,
      ...(typeof record.reason === 'string' && { reason: record.reason }),
      ...(typeof record.detail === 'object' && { detail: record.detail }),
    })
  })
}

export function requestLog(service: string, events: EventBus): RequestHandler {
  return (req, res, next) => {
    res.locals.traceId = newGuid()
    logRequest(service, events, req, res, req.originalUrl, res.locals as RequestRecord)
    next()
  }
}
