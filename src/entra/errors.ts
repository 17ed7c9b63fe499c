/**
 * Entra ID (AADSTS) errors. Protocol code throws these; `render-error.ts` turns them into Entra's JSON
 * error body. Class names follow the wire `error` code; `aadsts` goes into `error_codes` and the
 * `AADSTSnnnnn:` prefix of `error_description`. Codes and texts: Microsoft Learn reference-error-codes.
 */
import { SimulatorError } from '../kernel/errors.js'

export abstract class EntraError extends SimulatorError {
  abstract readonly aadsts: number
  /** Optional `suberror` (`bad_token` makes MSAL drop its cached refresh token). */
  suberror: string | undefined
}

const entraError = (code: string, status: number, aadsts: number) =>
  class extends EntraError {
    readonly code = code
    readonly status = status
    readonly aadsts = aadsts
  }

export class AuthorizationPending extends entraError('authorization_pending', 400, 70016) {
  constructor() {
    super('OAuth 2.0 device flow error. Authorization is pending. Continue polling.')
  }
}
export class AuthorizationDeclined extends entraError('authorization_declined', 400, 65004) {
  constructor() {
    super('User declined to consent to access the app.')
  }
}
export class ExpiredToken extends entraError('expired_token', 400, 70020) {
  constructor() {
    super(
      "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
    )
  }
}
/** The v1 endpoint's spelling of expired_token (go-autorest adal expects it). */
export class CodeExpired extends entraError('code_expired', 400, 70020) {
  constructor() {
    super("The provided value for the input parameter 'code' is not valid. This device code has expired.")
  }
}
export class BadVerificationCode extends entraError('bad_verification_code', 400, 70018) {
  constructor(parameter = 'device_code') {
    super(
      `The provided value for the input parameter '${parameter}' is not valid. The device code was not recognized.`,
    )
  }
}
export class InvalidGrant extends entraError('invalid_grant', 400, 70000) {}
export class UserAccountDisabled extends entraError('invalid_grant', 400, 50057) {
  constructor() {
    super('The user account is disabled.')
  }
}
export class RefreshTokenExpired extends entraError('invalid_grant', 400, 700082) {
  override suberror = 'bad_token'
}
export class RefreshTokenRevoked extends entraError('invalid_grant', 400, 50173) {
  override suberror = 'bad_token'
  constructor() {
    super(
      'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password, or the refresh token was already redeemed.',
    )
  }
}
export class MalformedGrant extends entraError('invalid_grant', 400, 9002313) {
  constructor(what: string) {
    super(`Invalid request. Request is malformed or invalid. The ${what} is not in a recognised format.`)
  }
}
export class SlowDown extends entraError('slow_down', 400, 70016) {
  constructor() {
    super('OAuth 2.0 device flow error. The client is polling too frequently; slow down.')
  }
}
export class InvalidRequest extends entraError('invalid_request', 400, 900144) {
  static missing(parameter: string): InvalidRequest {
    return new InvalidRequest(`The request body must contain the following parameter: '${parameter}'.`)
  }
}
export class DuplicateParameter extends entraError('invalid_request', 400, 90015) {
  constructor(parameter: string) {
    super(`Requested query string is too long or contains a duplicate parameter: '${parameter}'.`)
  }
}
export class PostRequired extends entraError('invalid_request', 400, 900561) {
  constructor(method: string) {
    super(`The endpoint only accepts POST requests. Received a ${method} request.`)
  }
}
export class RequestTooLarge extends entraError('invalid_request', 413, 90011) {
  constructor(limit: number) {
    super(`Request body exceeds the maximum length of ${limit} bytes.`)
  }
}
export class EndpointNotFound extends entraError('invalid_request', 404, 90027) {
  constructor(path: string) {
    super(`The endpoint '${path}' does not exist on this authority.`)
  }
}
export class TenantNotFound extends entraError('invalid_request', 400, 90002) {
  constructor(tenant: string) {
    super(
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    )
  }
}
export class UnauthorizedClient extends entraError('unauthorized_client', 400, 700016) {
  static unknownApp(clientId: string, tenant: string): UnauthorizedClient {
    return new UnauthorizedClient(
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    )
  }
}
export class InvalidClient extends entraError('invalid_client', 401, 7000215) {
  static badSecret(): InvalidClient {
    return new InvalidClient(
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.',
    )
  }
}
export class ClientSecretRequired extends entraError('invalid_client', 401, 7000218) {
  constructor() {
    super("The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
  }
}
export class UnsupportedGrantType extends entraError('unsupported_grant_type', 400, 70003) {
  constructor(grantType: string) {
    super(`The app requested an unsupported grant type '${grantType}'.`)
  }
}
export class InvalidScope extends entraError('invalid_scope', 400, 70011) {
  constructor(scope: string, why = '') {
    super(
      `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid.${why ? ` ${why}` : ''}`,
    )
  }
}
export class MultipleResources extends entraError('invalid_scope', 400, 28000) {
  constructor(scope: string) {
    super(
      `Provided value for the input parameter scope '${scope}' is not valid because it contains more than one resource.`,
    )
  }
}
export class InvalidResource extends entraError('invalid_resource', 400, 500011) {
  constructor(resource: string, tenant: string) {
    super(
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    )
  }
}
export class TemporarilyUnavailable extends entraError('temporarily_unavailable', 503, 90033) {
  constructor() {
    super('A transient error has occurred. Please try again.')
  }
}
export class Throttled extends entraError('temporarily_unavailable', 429, 90055) {
  /** `retryAfterSeconds`: when the caller may try again, sent as `Retry-After` (msal and azure-identity honour it). */
  constructor(retryAfterSeconds?: number) {
    super('There are too many incoming requests. Please try again later.')
    if (retryAfterSeconds !== undefined) this.headers['Retry-After'] = String(retryAfterSeconds)
  }
}
/** A fault injected through the admin API with an arbitrary status and error code. */
export class InjectedFault extends EntraError {
  readonly aadsts = 90033
  readonly status: number
  readonly code: string
  constructor(status: number, code: string) {
    super(`Injected fault: ${code} (HTTP ${status}).`)
    this.status = status
    this.code = code
  }
}
