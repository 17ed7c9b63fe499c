/**
 * The last line of defence against bugs: a callback that throws (or whose promise rejects) is reported
 * to one error sink and goes no further. Node turns a throw inside an event handler, a timer or a
 * `res.on('finish')` callback into an uncaught exception that ends the process; every such callback of
 * the simulator runs through `guard`, so one bad request or event can never take the simulator down.
 */

/** Where bugs go: the kernel's `onUnexpected` (an event and one line on stderr). */
export type ErrorSink = (err: unknown) => void

/** Reports `err` to `sink`; a sink that itself throws is ignored (there is nothing safer left to call). */
export function report(sink: ErrorSink, err: unknown): void {
  try {
    sink(err)
  } catch {
    // The sink failed too: swallowing is the only answer that keeps the process alive.
  }
}

/** `fn`, but a throw or a rejected promise goes to `sink` instead of up the stack. */
export function guard<A extends unknown[]>(
  sink: ErrorSink,
  fn: (...args: A) => unknown,
): (...args: A) => void {
  return (...args) => {
    try {
      const result = fn(...args)
      if (result instanceof Promise) result.catch((err: unknown) => report(sink, err))
    } catch (err) {
      report(sink, err)
    }
  }
}

const JWT = /eyJ[\w-]{2,}\.[\w-]{2,}\.[\w-]*/g
const BEARER = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi
const SECRET_FIELD =
  /("?(?:client_secret|password|refresh_token|access_token|id_token|assertion|code|token)"?\s*[:=]\s*"?)[^"&\s,}]+/gi

/**
 * An error as one log line without secrets: tokens, Authorization values and secret-looking fields
 * (client_secret=…, "password":"…") that a message could quote are replaced by `[redacted]`.
 */
export function describeError(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown; stack?: unknown }
  const text =
    typeof e?.stack === 'string'
      ? e.stack
      : typeof e?.message === 'string'
        ? `${typeof e.name === 'string' ? e.name : 'Error'}: ${e.message}`
        : String(err)
  return redactSecrets(text)
}

export const redactSecrets = (text: string): string =>
  text.replace(JWT, '[redacted token]').replace(BEARER, '$1 [redacted]').replace(SECRET_FIELD, '$1[redacted]')
