/**
 * The plain "HTTP status + wire code + message" error. Surfaces whose wire error is just
 * `{"error":{"code","message"}}` (admin API, UI API, pod-identity admin routes, the device-code decision)
 * extend it with a name of their own; surfaces with richer wire formats subclass SimulatorError directly.
 */
import { SimulatorError } from '../kernel/errors.js'

export class HttpError extends SimulatorError {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}
