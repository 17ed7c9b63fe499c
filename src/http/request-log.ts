/**
 * Per-service request log: a trace id for every request and one `request.completed` event when the
 * response is finished, with the outcome and the reason for a rejection (set by the error renderer in
 * `res.locals.reason`, or on the record a bare node:http handler keeps).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RequestHandler } from 'express'
import type { EventBus, SimEvent } from '../kernel/events.js'
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

/** The events the printed request log shows: every answered request, and the webhook's reviews. */
const LOGGED = new Set(['request.completed', 'token_review.completed', 'subject_access_review.completed'])

/**
 * A JWT (three base64url parts, the first a JSON header) or one of Entra's opaque refresh tokens. The
 * events are built never to hold one; this is the second lock on the printed log.
 */
const SECRET_SHAPED = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|1\.ASIAQ[A-Za-z0-9._-]+/g
/** Member names whose values are never printed, whatever they look like. */
const SECRET_NAMES =
  /^(access_token|refresh_token|id_token|client_secret|assertion|client_assertion|password|secret|authorization|device_code)$/i

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(SECRET_SHAPED, '<redacted>')
  if (typeof value !== 'object' || value === null || depth > 8) return value
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_NAMES.test(k) ? '<redacted>' : scrub(v, depth + 1)]),
  )
}

/**
 * One line of the printed request log (`logFormat` text or json) for an event, or undefined for an
 * event the request log does not show. JSON lines carry `time`, `level`, `msg`, `service` and the
 * event's data, with anything token- or secret-shaped redacted.
 */
export function requestLogLine(event: SimEvent, format: 'text' | 'json'): string | undefined {
  if (!LOGGED.has(event.type)) return undefined
  const data = scrub(event.data) as Record<string, unknown>
  if (format === 'json')
    return JSON.stringify({
      time: event.time,
      level: 'info',
      msg: event.type,
      service: event.service,
      ...data,
    })
  const s = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '-')
  const what =
    event.type === 'request.completed'
      ? `${s(data.method)} ${s(data.path)}`
      : event.type === 'token_review.completed'
        ? `TokenReview ${s(data.outcome)}${data.user ? ` ${s(data.user)}` : ''}`
        : `SubjectAccessReview ${s(data.outcome)}`
  const ms = typeof data.durationMs === 'number' ? ` ${data.durationMs.toFixed(1)}ms` : ''
  const reason = typeof data.reason === 'string' ? ` ${data.reason}` : ''
  return `${event.time} ${event.service} ${what} ${s(data.status)}${ms}${reason}`
}
