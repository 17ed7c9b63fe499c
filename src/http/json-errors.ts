/**
 * The simulator's own JSON APIs (admin, UI) answer errors as `{"error":{"code","message"}}`: a typed
 * error keeps its status and code, a body express could not read is `invalid_body` with its status,
 * and anything else is a bug — reported through `onUnexpected` and answered as a generic 500 that
 * carries no internal detail.
 */
import type { ErrorRequestHandler, Response } from 'express'
import { SimulatorError } from '../kernel/errors.js'
import { expressClientErrorMessage, expressClientErrorStatus } from './client-errors.js'

export interface JsonErrorOptions {
  /** Typed errors of status 5xx are answered as they are (the admin API) rather than as bugs (the UI). */
  exposeServerErrors: boolean
}

function send(res: Response, status: number, code: string, message: string, reason: string): void {
  // The request log's `reason` for the rejection.
  res.locals.reason = reason
  res.status(status).json({ error: { code, message } })
}

export function jsonErrorHandler(
  onUnexpected: (err: unknown) => void,
  opts: JsonErrorOptions,
): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (res.headersSent) return void res.destroy()
    const e = err as { type?: unknown; status?: unknown }
    const clientStatus = expressClientErrorStatus(err)
    if (err instanceof SimulatorError && (opts.exposeServerErrors || err.status < 500)) {
      send(res, err.status, err.code, err.message, `${err.code}: ${err.message}`)
    } else if (typeof e.type === 'string' && typeof e.status === 'number' && e.status < 500) {
      // body-parser's errors: malformed JSON, too large, an encoding it cannot decode.
      const message = `the request body could not be read (${e.type})`
      send(res, e.status, 'invalid_body', message, `invalid_body: ${e.type}`)
    } else if (clientStatus !== undefined) {
      const message = expressClientErrorMessage(err, clientStatus)
      const code =
        clientStatus === 400
          ? 'invalid_request'
          : clientStatus === 412
            ? 'precondition_failed'
            : 'invalid_request'
      send(res, clientStatus, code, message, `${code}: ${message}`)
    } else {
      onUnexpected(err)
      const message = 'unexpected error; see the simulator log'
      send(res, 500, 'server_error', message, `server_error: ${message}`)
    }
  }
}
