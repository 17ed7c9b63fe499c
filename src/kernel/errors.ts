/**
 * Base of every protocol error. Each surface (Entra, Graph, Kubernetes) subclasses it with the data
 * its wire format needs, and one renderer per surface turns it into a response.
 */
export abstract class SimulatorError extends Error {
  /** HTTP status for the wire. */
  abstract readonly status: number
  /** The wire error code (`invalid_grant`, `Request_ResourceNotFound`, `Forbidden`, …). */
  abstract readonly code: string
  /** Extra response headers (Retry-After, WWW-Authenticate). */
  headers: Record<string, string> = {}
}

/** Bad configuration or scenario: fails fast at start-up, never rendered on the wire. */
export class ConfigError extends TypeError {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.problems = problems
    this.name = 'ConfigError'
  }
}
