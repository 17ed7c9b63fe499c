/**
 * The UI API's errors and its one renderer: `{"error":{"code","message"}}` with a 4xx status for
 * anything the caller can fix, a generic 500 only for bugs (reported through onUnexpected).
 * Errors of the services the UI drives (admin controls, ARM role assignments, the API server's
 * object store) keep their status and code.
 */
import type { ErrorRequestHandler } from 'express'
import { HttpError, jsonErrorHandler } from '../http/index.js'

export class UiError extends HttpError {}

export const badRequest = (message: string) => new UiError(400, 'invalid_request', message)
export const notFound = (message: string) => new UiError(404, 'not_found', message)

/** Typed errors of 5xx are bugs here: the UI never means to fail that way. */
export const uiErrorHandler = (onUnexpected: (err: unknown) => void): ErrorRequestHandler =>
  jsonErrorHandler(onUnexpected, { exposeServerErrors: false })
