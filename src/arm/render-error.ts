/**
 * The one place ARM errors become wire bodies: `{"error":{"code","message"}}` with ARM's request-id
 * headers, and `WWW-Authenticate` on 401s (what az and the Azure SDKs read to re-authenticate).
 * Unknown errors become InternalServerError without their message.
 */
import type { ErrorRequestHandler, Response } from 'express'
import { expressClientErrorMessage, expressClientErrorStatus } from '../http/index.js'
import { newGuid } from '../kernel/ids.js'
import { ArmError, BadRequest, InvalidRequestContent, UnsupportedMediaType } from './errors.js'

export function setArmHeaders(res: Response, requestId: string, correlationId: string): void {
  res.set({
    'Cache-Control': 'no-cache',
    Pragma: 'no-cache',
    Expires: '-1',
    'x-ms-request-id': requestId,
    'x-ms-correlation-request-id': correlationId,
    'x-ms-routing-request-id': `EASTUS:${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}Z:${requestId}`,
  })
}

/** body-parser failures (bad JSON, wrong type, too large) in ARM's words. */
function fromParserError(err: unknown): ArmError | undefined {
  const e = err as { type?: string; message?: string; status?: number }
  if (e.type === 'entity.parse.failed') return new InvalidRequestContent(e.message ?? 'invalid JSON')
  if (e.type === 'entity.too.large') return new InvalidRequestContent('the request body is too large')
  if (e.type === 'encoding.invalid')
    return new InvalidRequestContent(e.message ?? 'the request body cannot be decoded')
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported')
    return new UnsupportedMediaType(e.message ?? 'unsupported')
  if (typeof e.type === 'string' && typeof e.status === 'number' && e.status < 500)
    return new InvalidRequestContent(e.type)
  const status = expressClientErrorStatus(err)
  if (status !== undefined) return new BadRequest(`${expressClientErrorMessage(err, status)}.`)
  return undefined
}

export function armErrorHandler(deps: {
  authority: () => string
  onUnexpected: (err: unknown) => void
}): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof ArmError ? err : fromParserError(err)
    const requestId = (res.locals.traceId as string | undefined) ?? newGuid()
    const correlationId = (req.headers['x-ms-correlation-request-id'] as string | undefined) ?? requestId
    setArmHeaders(res, requestId, correlationId)
    if (!known) {
      deps.onUnexpected(err)
      res.locals.reason = 'InternalServerError'
      res.status(500).json({
        error: {
          code: 'InternalServerError',
          message: `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', tracking id '${requestId}', request correlation id '${correlationId}'.`,
        },
      })
      return
    }
    res.locals.reason = `${known.code}: ${known.message}`
    for (const [k, v] of Object.entries(known.headers)) res.set(k, v)
    if (known.status === 401)
      res.set(
        'WWW-Authenticate',
        `Bearer authorization_uri="${deps.authority()}/", error="invalid_token", error_description="${known.message.replace(/"/g, "'")}"`,
      )
    res.status(known.status).json(known.toArmBody())
  }
}
