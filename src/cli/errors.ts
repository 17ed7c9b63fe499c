/** A user-facing CLI failure: printed as one line on stderr, exit code 1 (or `exitCode`). */
export class CliError extends Error {
  readonly exitCode: number
  constructor(message: string, exitCode = 1) {
    super(message)
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}

/** The admin API answered with an error status. */
export class AdminApiError extends CliError {
  readonly status: number
  constructor(message: string, status: number) {
    super(message, 1)
    this.name = 'AdminApiError'
    this.status = status
  }
}
