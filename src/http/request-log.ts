/**
 * Per-service request log: a trace id for every request and one `request.completed` event when the
 * response is finished, with the outcome and the reason for a rejection (set by the error renderer in
 * `res.locals.reason`).
 */
import type { RequestHandler } from 'express'
import type { EventBus } from '../kernel/events.js'
import { newGuid } from '../kernel/ids.js'

export function requestLog(service: string, events: EventBus): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint()
    res.locals.traceId = newGuid()
    res.on('finish', () => {
      events.emit('request.completed', service, {
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        traceId: res.locals.traceId,
        ...(typeof res.locals.reason === 'string' && { reason: res.locals.reason }),
        ...(typeof res.locals.detail === 'object' && { detail: res.locals.detail as unknown }),
      })
    })
    next()
  }
}
