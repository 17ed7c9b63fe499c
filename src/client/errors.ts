/**
 * The client side's one error type and the one place lower-layer failures (openid-client's OAuth
 * errors, network and TLS errors, aborts) become user-facing text. Commands turn a SignInError into
 * a CLI failure: one line on stderr and exit code 1 (2 for usage mistakes).
 */
import { ResponseBodyError } from 'openid-client'
import { NetworkError } from './http.js'

export type SignInErrorKind =
  'usage' | 'timeout' | 'declined' | 'expired' | 'disabled' | 'unreachable' | 'rejected' | 'not-signed-in'

export class SignInError extends Error {
  readonly kind: SignInErrorKind
  constructor(kind: SignInErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SignInError'
    this.kind = kind
  }
  get exitCode(): number {
    return this.kind === 'usage' ? 2 : 1
  }
}

/** Entra's error_description without the Trace ID / Correlation ID / Timestamp tail. */
export function shortDescription(description: string | undefined): string {
  return (description ?? '').split(/\s*(?:\r?\n)?\s*Trace ID:/)[0]!.trim()
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL/

/** Maps any failure of a sign-in step to a SignInError. `what` names the step for the message. */
export function toSignInError(err: unknown, what: string, timeoutSeconds?: number): SignInError {
  if (err instanceof SignInError) return err
  const e = err as Error & { name?: string; code?: string; cause?: unknown }
  if (
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError' ||
    e?.code === 'OAUTH_ABORT' ||
    e?.code === 'OAUTH_TIMEOUT'
  )
    return new SignInError(
      'timeout',
      `${what}: timed out${timeoutSeconds ? ` after ${timeoutSeconds}s (--timeout)` : ''}: context deadline exceeded`,
      { cause: err },
    )
  if (err instanceof ResponseBodyError) {
    const desc = shortDescription(err.error_description)
    const detail = `${err.error}${desc ? `: ${desc}` : ''}`
    if (err.error === 'authorization_declined')
      return new SignInError('declined', `${what}: the sign-in was declined (${detail})`, { cause: err })
    if (err.error === 'expired_token' || err.error === 'code_expired')
      return new SignInError(
        'expired',
        `${what}: the device code expired before anyone signed in (${detail})`,
        {
          cause: err,
        },
      )
    if (/AADSTS50057/.test(err.error_description ?? ''))
      return new SignInError('disabled', `${what}: the user account is disabled (${detail})`, { cause: err })
    return new SignInError('rejected', `${what}: Entra ID refused the request (${detail})`, { cause: err })
  }
  const network = err instanceof NetworkError ? err : e?.cause instanceof NetworkError ? e.cause : undefined
  if (network) {
    const host = (() => {
      try {
        return new URL(network.url).host
      } catch {
        return network.url
      }
    })()
    const hint = TLS_CODES.test(network.code ?? '')
      ? " (the simulator's CA is not trusted: check --state-dir or NODE_EXTRA_CA_CERTS)"
      : ' (is the simulator running?)'
    return new SignInError('unreachable', `${what}: cannot reach ${host}: ${network.message}${hint}`, {
      cause: err,
    })
  }
  return new SignInError('rejected', `${what}: ${e?.message ?? String(err)}`, { cause: err })
}
