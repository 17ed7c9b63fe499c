/**
 * Errors express itself raises for a request the client got wrong, outside any body parser: the
 * router's URIError for a path parameter that is not valid percent-encoding (`/users/%zz`, status 400)
 * and `send`'s http-errors for static files (412 for a failed `If-Match`, 416 for a bad `Range`).
 * They carry a 4xx `status`, and every surface's renderer answers them in its own shape as client
 * errors; without this they looked like bugs (a 500).
 */

/** The 4xx status express put on `err`, or undefined when `err` is not such a client error. */
export function expressClientErrorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const e = err as { status?: unknown; expose?: unknown }
  if (typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return undefined
  // The router's URIError, or an http-errors client error (expose is true for every 4xx it makes).
  return err instanceof URIError || e.expose === true ? e.status : undefined
}

/** A short wire message for such an error: the path case names the problem, the rest their status. */
export function expressClientErrorMessage(err: unknown, status: number): string {
  if (err instanceof URIError) return 'the request path is not valid percent-encoding'
  if (status === 412) return 'a precondition of the request failed'
  if (status === 416) return 'the requested range is not satisfiable'
  return `the request could not be served (HTTP ${status})`
}
