/**
 * The one place Graph errors become wire bodies: `{"error":{"code","message","innerError":{"date",
 * "request-id","client-request-id"}}}` (learn.microsoft.com/graph/errors) with Graph's headers, and
 * `WWW-Authenticate` on 401s. Unknown errors become a generic 500 without their message.
 */
import type { ErrorRequestHandler, Request, Response } from 'express'
import { expressClientErrorMessage, expressClientErrorStatus } from '../http/index.js'
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
  const requestId = res.locals.traceId as string
  const sent = req.headers['client-request-id']
  const clientRequestId = typeof sent === 'string' && GUIDISH.test(sent) ? sent : requestId
  res.set({
    'request-id': requestId,
    'client-request-id': clientRequestId,
    'x-ms-ags-diagnostic': JSON.stringify({
      ServerInfo: {
        DataCenter: 'Local',
        Slice: 'E',
        Ring: '0',
        ScaleUnit: '000',
        RoleInstance: 'aks-auth-sim',
      },
    }),
    'Strict-Transport-Security': 'max-age=31536000',
    'Cache-Control': 'no-cache',
  })
  return { requestId, clientRequestId }
}

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

export function graphErrorHandler(deps: {
  now: () => number
  authority: () => string
  onUnexpected: (err: unknown) => void
}): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof GraphError ? err : fromParserError(err)
    if (!known) deps.onUnexpected(err)
    const ids = setGraphHeaders(req, res)
    const error = known ?? new UnknownError()
    res.locals.reason = known ? `${known.code}: ${known.message}` : 'UnknownError'
    for (const [k, v] of Object.entries(error.headers)) res.set(k, v)
    if (error.status === 401)
      res.set(
        'WWW-Authenticate',
        `Bearer realm="", authorization_uri="${deps.authority()}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
      )
    res.status(error.status).setHeader('Content-Type', 'application/json')
    res.send(Buffer.from(JSON.stringify(toGraphErrorBody(error, { now: deps.now(), ...ids }))))
  }
}
