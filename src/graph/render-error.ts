/**
 * The one place Graph errors become wire bodies: `{"error":{"code","message","innerError":{"date",
 * "request-id","client-request-id"}}}` (learn.microsoft.com/graph/errors) with Graph's headers, and
 * `WWW-Authenticate` on 401s. Unknown errors become a generic 500 without their message.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ErrorRequestHandler, Request, Response } from 'express'
import { expressClientErrorMessage, expressClientErrorStatus, type RequestRecord } from '../http/index.js'
import { GRAPH_APP_ID } from '../kernel/first-party.js'
import {
  BadRequest,
  GraphError,
  RequestEntityTooLarge,
  UnknownError,
  UnsupportedMediaType,
} from './errors.js'

/** Graph's innerError date: `2024-01-01T00:00:00` (UTC, no fraction, no zone). */
export const graphDate = (ms: number) => new Date(ms).toISOString().slice(0, 19)

const GUIDISH = /^[0-9A-Za-z-]{1,64}$/

/** Sets `request-id` / `client-request-id` (echoed, or the request id when none was sent). */
export function setGraphHeaders(req: Request, res: Response): { requestId: string; clientRequestId: string } {
  return writeGraphHeaders(req, res, res.locals.traceId as string)
}

/** setGraphHeaders over node:http (the membership fast path), in the same order and spelling. */
export function writeGraphHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): { requestId: string; clientRequestId: string } {
  const sent = req.headers['client-request-id']
  const clientRequestId = typeof sent === 'string' && GUIDISH.test(sent) ? sent : requestId
  res.setHeader('request-id', requestId)
  res.setHeader('client-request-id', clientRequestId)
  res.setHeader('x-ms-ags-diagnostic', DIAGNOSTIC)
  res.setHeader('Strict-Transport-Security', 'max-age=31536000')
  res.setHeader('Cache-Control', 'no-cache')
  return { requestId, clientRequestId }
}

const DIAGNOSTIC = JSON.stringify({
  ServerInfo: {
    DataCenter: 'Local',
    Slice: 'E',
    Ring: '0',
    ScaleUnit: '000',
    RoleInstance: 'aks-auth-sim',
  },
})

export function toGraphErrorBody(
  err: GraphError,
  ctx: { now: number; requestId: string; clientRequestId: string },
): Record<string, unknown> {
  return {
    error: {
      code: err.code,
      message: err.message,
      innerError: {
        date: graphDate(ctx.now),
        'request-id': ctx.requestId,
        'client-request-id': ctx.clientRequestId,
      },
    },
  }
}

function fromParserError(err: unknown): GraphError | undefined {
  const e = err as { type?: string; status?: number; encoding?: unknown }
  if (e.type === 'entity.too.large') return new RequestEntityTooLarge()
  if (e.type === 'encoding.unsupported')
    return new UnsupportedMediaType(typeof e.encoding === 'string' ? e.encoding : 'unknown')
  if (typeof e.type === 'string' && typeof e.status === 'number' && e.status < 500)
    return BadRequest.unreadableJson()
  const status = expressClientErrorStatus(err)
  if (status !== undefined) return new BadRequest(`${expressClientErrorMessage(err, status)}.`)
  return undefined
}

export interface GraphErrorDeps {
  now: () => number
  authority: () => string
  onUnexpected: (err: unknown) => void
}

/**
 * Writes `err` as Graph answers it, over node:http (express's error handler and the membership fast
 * path both end here). `record` is the request log's record: its trace id, and the reason it gets.
 */
export function sendGraphError(
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
  err: unknown,
  deps: GraphErrorDeps,
): void {
  const known = err instanceof GraphError ? err : fromParserError(err)
  if (!known) deps.onUnexpected(err)
  const ids = writeGraphHeaders(req, res, record.traceId)
  const error = known ?? new UnknownError()
  record.reason = known ? `${known.code}: ${known.message}` : 'UnknownError'
  for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, String(v))
  if (error.status === 401)
    res.setHeader(
      'WWW-Authenticate',
      `Bearer realm="", authorization_uri="${deps.authority()}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
    )
  res.statusCode = error.status
  res.setHeader('Content-Type', 'application/json')
  const body = Buffer.from(JSON.stringify(toGraphErrorBody(error, { now: deps.now(), ...ids })))
  res.setHeader('Content-Length', String(body.length))
  // As express's res.send: a HEAD answer has the headers only.
  if (req.method === 'HEAD') res.end()
  else res.end(body)
}

export function graphErrorHandler(deps: GraphErrorDeps): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => sendGraphError(req, res, res.locals as RequestRecord, err, deps)
}
