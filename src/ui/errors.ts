/**
 * The UI API's errors and its one renderer: `{"error":{"code","message"}}` with a 4xx status for
 * anything the caller can fix, a generic 500 only for bugs (reported through onUnexpected).
 * Errors of the services the UI drives (admin controls, ARM role assignments, the API server's
 * object store) keep their status and code.
 */
import type { ErrorRequestHandler } from 'express'
import { HttpError } from '../http/index.js'
import { SimulatorError } from '../kernel/errors.js'

export class UiError extends HttpError {}

export const badRequest = (message: string) => new UiError(400, 'invalid_request', message)
export const notFound = (message: string) => new UiError(404, 'not_found', message)

export function uiErrorHandler(onUnexpected: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const e = err as { type?: string; status?: number; code?: unknown; message?: string }
    if (res.headersSent) {
      res.destroy()
      return
    }
    if (err instanceof SimulatorError && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ error: { code: err.code, message: err.message } })
    } else if (typeof e.type === 'string' && typeof e.status === 'number' && e.status < 500) {
      // body-parser's errors (malformed JSON, too large).
      res
        .status(e.status)
        .json({ error: { code: 'invalid_body', message: `the request body could not be read (${e.type})` } })
    } else {
      onUnexpected(err)
      res
        .status(500)
        .json({ error: { code: 'server_error', message: 'unexpected error; see the simulator log' } })
    }
  }
}
