/**
 * The one place Entra errors become wire bodies: `{error, error_description, error_codes, timestamp,
 * trace_id, correlation_id, error_uri}` with Entra's headers. Unknown errors become a generic
 * `server_error` without their message (internals never reach the wire).
 */
import type { ErrorRequestHandler, Response } from 'express'
import { newGuid } from '../kernel/ids.js'
import { EntraError, InvalidRequest, RequestTooLarge } from './errors.js'

export interface EntraErrorBody {
  error: string
  error_description: string
  error_codes: number[]
  timestamp: string
  trace_id: string
  correlation_id: string
  error_uri: string
  suberror?: string
}

const pad = (n: number) => String(n).padStart(2, '0')
/** Entra's `YYYY-MM-DD HH:MM:SSZ`. */
export function entraTimestamp(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`
}

export function toEntraErrorBody(
  err: EntraError,
  ctx: { now: number; traceId: string; correlationId: string; authority: string },
): EntraErrorBody {
  const timestamp = entraTimestamp(ctx.now)
  return {
    error: err.code,
    error_description: `AADSTS${err.aadsts}: ${err.message} Trace ID: ${ctx.traceId} Correlation ID: ${ctx.correlationId} Timestamp: ${timestamp}`,
    error_codes: [err.aadsts],
    timestamp,
    trace_id: ctx.traceId,
    correlation_id: ctx.correlationId,
    error_uri: `${ctx.authority}/error?code=${err.aadsts}`,
    ...(err.suberror && { suberror: err.suberror }),
  }
}

/** Headers real Entra sends on token-endpoint answers. */
export function setEntraHeaders(res: Response, traceId: string, clientRequestId: string | undefined): void {
  res.set({
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
    Expires: '-1',
    'x-ms-request-id': traceId,
    ...(clientRequestId && { 'client-request-id': clientRequestId }),
  })
}

/** Maps express body-parser failures to Entra errors. */
function fromParserError(err: unknown): EntraError | undefined {
  const e = err as { type?: string; limit?: number }
  if (e.type === 'entity.too.large') return new RequestTooLarge(e.limit ?? 0)
  if (typeof e.type === 'string') return new InvalidRequest(`The request body could not be read (${e.type}).`)
  return undefined
}

export function entraErrorHandler(deps: {
  now: () => number
  authority: () => string
  onUnexpected: (err: unknown) => void
}): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof EntraError ? err : fromParserError(err)
    if (!known) deps.onUnexpected(err)
    const traceId = (res.locals.traceId as string | undefined) ?? newGuid()
    const clientRequestId = clientRequestIdOf(req.headers, req.query)
    const correlationId = clientRequestId ?? newGuid()
    res.locals.reason = known ? `${known.code}: ${known.message}` : 'server_error'
    setEntraHeaders(res, traceId, clientRequestId)
    if (known) {
      for (const [k, v] of Object.entries(known.headers)) res.set(k, v)
      res
        .status(known.status)
        .json(
          toEntraErrorBody(known, { now: deps.now(), traceId, correlationId, authority: deps.authority() }),
        )
      return
    }
    res.status(500).json({
      error: 'server_error',
      error_description: `AADSTS50000: There was an error issuing a token or an issue with our sign-in service. Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${entraTimestamp(deps.now())}`,
      error_codes: [50000],
      timestamp: entraTimestamp(deps.now()),
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${deps.authority()}/error?code=50000`,
    })
  }
}

const GUIDISH = /^[0-9A-Za-z-]{1,64}$/
export function clientRequestIdOf(
  headers: Record<string, unknown>,
  query: Record<string, unknown>,
): string | undefined {
  const v = headers['client-request-id'] ?? headers['x-ms-client-request-id'] ?? query['client-request-id']
  return typeof v === 'string' && GUIDISH.test(v) ? v : undefined
}
