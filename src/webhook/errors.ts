/**
 * Why a token was not authenticated. The message is what goes into `status.error` and the log, in
 * guard's words where guard has words (`failed to verify token for azure: oidc: …`).
 */
/** Who the token was for, once its signature and claims were verified (for the event stream). */
export interface VerifiedSubject {
  user: string
  oid: string
}

export class TokenRejected extends Error {
  subject: VerifiedSubject | undefined
  /** Short machine-readable reason for the event stream and the UI. */
  readonly reason: string
  /** HTTP status of the answer: 200 for a rejection the API server should log and cache. */
  readonly httpStatus: number
  constructor(reason: string, message: string, httpStatus = 200) {
    super(message)
    this.reason = reason
    this.httpStatus = httpStatus
  }
}

/** A dependency (Graph, Entra metadata) failed: fail closed with a status the API server retries. */
export class UpstreamFailure extends Error {
  readonly reason: string
  subject: VerifiedSubject | undefined
  constructor(reason: string, message: string) {
    super(message)
    this.reason = reason
  }
}

/** The request itself is unusable (not JSON, not a TokenReview, too large): 400, as guard answers. */
export class BadReview extends Error {
  readonly httpStatus: number
  constructor(message: string, httpStatus = 400) {
    super(message)
    this.httpStatus = httpStatus
  }
}
