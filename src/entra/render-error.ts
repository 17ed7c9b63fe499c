/**
 * The one place Entra answers are written: errors become `{error, error_description, error_codes,
 * timestamp, trace_id, correlation_id, error_uri}` with Entra's headers; unknown errors become a generic
 * `server_error` without their message (internals never reach the wire). The writers take a bare
 * node:http ServerResponse (express's response is one), so the express routes and the token endpoint's
 * fast path send the same bytes: the headers in the order express's `res.json` set them, then
 * `Content-Type: application/json; charset=utf-8` and `Content-Length`.
 */
import type { ServerResponse } from 'node:http'
import { parse as parseQuery } from 'node:querystring'
import type { ErrorRequestHandler } from 'express'
import { expressClientErrorMessage, expressClientErrorStatus } from '../http/index.js'
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

/** Headers real Entra sends on token-endpoint answers, in the order it sends them. */
function entraHeaders(traceId: string, clientRequestId: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
    Expires: '-1',
    'x-ms-request-id': traceId,
  }
  if (clientRequestId) headers['client-request-id'] = clientRequestId
  return headers
}

export function setEntraHeaders(
  res: ServerResponse,
  traceId: string,
  clientRequestId: string | undefined,
): void {
  for (const [name, value] of Object.entries(entraHeaders(traceId, clientRequestId)))
    res.setHeader(name, value)
}

/** The JSON body of an answer whose Entra headers are set: as express's `res.json` (HEAD: no body). */
export function sendEntraJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Content-Length', String(Buffer.byteLength(text)))
  if (res.req.method === 'HEAD') res.end()
  else res.end(text)
}

/**
 * A success answer whole: the bytes `setEntraHeaders` then `sendEntraJson` write, handed to one
 * `writeHead` with every header in a plain object. Node then writes them as they are, without the
 * per-header bookkeeping of `setHeader` (a lower-cased copy of each name, a map entry): the token
 * endpoint answers every sign-in. (A response that already has headers set gets them merged by Node's
 * `setHeader` path, so the bytes are the same either way.)
 */
export function sendEntraAnswer(
  res: ServerResponse,
  body: unknown,
  traceId: string,
  clientRequestId: string | undefined,
): void {
  const text = JSON.stringify(body)
  const headers = entraHeaders(traceId, clientRequestId)
  headers['Content-Type'] = 'application/json; charset=utf-8'
  headers['Content-Length'] = String(Buffer.byteLength(text))
  res.writeHead(200, headers)
  if (res.req.method === 'HEAD') res.end()
  else res.end(text)
}

/** Maps body-reader failures (src/http/form.ts, body-parser's `type`) to Entra errors. */
function fromParserError(err: unknown): EntraError | undefined {
  const e = err as { type?: string; limit?: number }
  if (e.type === 'entity.too.large') return new RequestTooLarge(e.limit ?? 0)
  if (typeof e.type === 'string') return new InvalidRequest(`The request body could not be read (${e.type}).`)
  // express's own client errors (a path that is not valid percent-encoding): OAuth errors are 400s.
  const status = expressClientErrorStatus(err)
  if (status !== undefined) return new InvalidRequest(`${expressClientErrorMessage(err, status)}.`)
  return undefined
}

export interface EntraErrorDeps {
  now: () => number
  authority: () => string
  onUnexpected: (err: unknown) => void
}

/**
 * Writes `err` as Entra's error answer. `log` is the request log's record: it gets the rejection
 * reason (express: `res.locals`).
 */
export function sendEntraError(
  res: ServerResponse,
  err: unknown,
  ctx: { traceId: string | undefined; clientRequestId: string | undefined; log: { reason?: unknown } },
  deps: EntraErrorDeps,
): void {
  const known = err instanceof EntraError ? err : fromParserError(err)
  if (!known) deps.onUnexpected(err)
  const traceId = ctx.traceId ?? newGuid()
  const clientRequestId = ctx.clientRequestId
  const correlationId = clientRequestId ?? newGuid()
  ctx.log.reason = known ? `${known.code}: ${known.message}` : 'server_error'
  setEntraHeaders(res, traceId, clientRequestId)
  if (known) {
    for (const [k, v] of Object.entries(known.headers)) res.setHeader(k, String(v))
    sendEntraJson(
      res,
      known.status,
      toEntraErrorBody(known, { now: deps.now(), traceId, correlationId, authority: deps.authority() }),
    )
    return
  }
  sendEntraJson(res, 500, {
    error: 'server_error',
    error_description: `AADSTS50000: There was an error issuing a token or an issue with our sign-in service. Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${entraTimestamp(deps.now())}`,
    error_codes: [50000],
    timestamp: entraTimestamp(deps.now()),
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${deps.authority()}/error?code=50000`,
  })
}

export function entraErrorHandler(deps: EntraErrorDeps): ErrorRequestHandler {
  return (err: unknown, req, res, _next) =>
    sendEntraError(
      res,
      err,
      {
        traceId: res.locals.traceId as string | undefined,
        clientRequestId: clientRequestIdOf(req.headers, req.query),
        log: res.locals,
      },
      deps,
    )
}

const GUIDISH = /^[0-9A-Za-z-]{1,64}$/
export function clientRequestIdOf(
  headers: Record<string, unknown>,
  query: Record<string, unknown>,
): string | undefined {
  const v = headers['client-request-id'] ?? headers['x-ms-client-request-id'] ?? query['client-request-id']
  return typeof v === 'string' && GUIDISH.test(v) ? v : undefined
}

const NO_QUERY: Record<string, unknown> = {}
/** `clientRequestIdOf` for a bare request: the query parsed as express's default ("simple") parser does. */
export function clientRequestIdOfUrl(headers: Record<string, unknown>, url: string): string | undefined {
  const q = url.indexOf('?')
  return clientRequestIdOf(headers, q < 0 ? NO_QUERY : parseQuery(url.slice(q + 1)))
}
