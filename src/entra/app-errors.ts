/**
 * Entra errors of the app grants: client assertions (certificate credentials), client_credentials
 * scopes and on-behalf-of user assertions. Same shape as `errors.ts` (wire `error`, HTTP status,
 * AADSTS number); texts follow real Entra answers quoted in public issues (and Microsoft Learn
 * reference-error-codes). Texts marked [unverified] in docs/graph.md are best knowledge.
 */
import { EntraError } from './errors.js'

const CERT_DOCS =
  'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .'

const entraError = (code: string, status: number, aadsts: number) =>
  class extends EntraError {
    readonly code = code
    readonly status = status
    readonly aadsts = aadsts
  }

/** .NET round-trip time format Entra prints in assertion errors: `2024-10-02T22:05:03.6755165Z`. */
export const roundTripTime = (ms: number) => `${new Date(ms).toISOString().slice(0, -1)}0000Z`

// --- client assertions (RFC 7523 client authentication) -------------------------------------------

export class AssertionMalformed extends entraError('invalid_client', 401, 50027) {
  constructor(why = 'JWT token is invalid or malformed.') {
    super(`Invalid JWT token. ${why}`)
  }
}
export class AssertionNoThumbprint extends entraError('invalid_client', 401, 50027) {
  constructor() {
    super('Invalid JWT token. No certificate thumbprint specified in token header.')
  }
}
export class AssertionClientIdMismatch extends entraError('invalid_client', 401, 700021) {
  constructor() {
    super(`Client assertion application identifier doesn't match 'client_id' parameter. ${CERT_DOCS}`)
  }
}
export class AssertionAudienceInvalid extends entraError('invalid_client', 401, 700023) {
  constructor(aud: string, expected: string) {
    super(
      `Client assertion audience claim does not match Realm issuer. The audience in the assertion was '${aud}'; expected the token endpoint '${expected}'. ${CERT_DOCS}`,
    )
  }
}
export class AssertionTooManyAudiences extends entraError('invalid_client', 401, 5002741) {
  constructor(count: number) {
    super(
      `Number of audience values in the provided client credential exceed maximum allowed. ${count} audience values provided, maximum allowed is 1.`,
    )
  }
}
export class AssertionOutOfTimeRange extends entraError('invalid_client', 401, 700024) {
  constructor(nowMs: number, nbf: number | undefined, exp: number) {
    super(
      `Client assertion is not within its valid time range. Current time: ${roundTripTime(nowMs)}, assertion valid from ${roundTripTime((nbf ?? 0) * 1000)}, expiry time of assertion ${roundTripTime(exp * 1000)}. ${CERT_DOCS}`,
    )
  }
}

const keyHelp = (appId: string) =>
  `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${appId}'`

export class AssertionKeyNotFound extends entraError('invalid_client', 401, 700027) {
  constructor(thumbprint: string, appId: string) {
    super(
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', ${keyHelp(appId)}].`,
    )
  }
}
export class AssertionSignatureInvalid extends entraError('invalid_client', 401, 700027) {
  constructor(reason: string, thumbprint: string, validity: { start: string; end: string }) {
    super(
      `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprint}', Found key 'Start=${validity.start}, End=${validity.end}'].`,
    )
  }
}
export class PublicClientCredential extends entraError('invalid_client', 401, 700025) {
  constructor() {
    super("Client is public so neither 'client_assertion' nor 'client_secret' should be presented.")
  }
}
/** An assertion not issued by the app itself and no federated credential matches (workload identity, issue 9). */
export class NoMatchingFederatedCredential extends entraError('invalid_client', 401, 700211) {
  constructor(issuer: string) {
    super(
      `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    )
  }
}

// --- client_credentials ------------------------------------------------------------------------------

export class ClientCredentialsScopeInvalid extends entraError('invalid_scope', 400, 1002012) {
  constructor(scope: string) {
    super(
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    )
  }
}

// --- on-behalf-of ------------------------------------------------------------------------------------

export class UserAssertionMalformed extends entraError('invalid_grant', 400, 50027) {
  constructor() {
    super('JWT token is invalid or malformed.')
  }
}
export class UserAssertionSignatureInvalid extends entraError('invalid_grant', 400, 50013) {
  constructor(reason: string, kid: string) {
    super(
      `Assertion failed signature validation. [Reason - ${reason}, Thumbprint of key used by client: '${kid}']`,
    )
  }
}
export class UserAssertionIssuerInvalid extends entraError('invalid_grant', 400, 50013) {
  constructor(issuer: string) {
    super(`Assertion failed issuer validation. The assertion was issued by '${issuer}', not by this tenant.`)
  }
}
export class UserAssertionExpired extends entraError('invalid_grant', 400, 500133) {
  constructor(nowMs: number, exp: number) {
    super(
      `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${roundTripTime(nowMs)}, expiry time of assertion ${roundTripTime(exp * 1000)}.`,
    )
  }
}
export class UserAssertionAudienceMismatch extends entraError('invalid_grant', 400, 500131) {
  constructor(aud: string, appId: string, name: string) {
    super(
      `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${aud}' and the expected audience is '${appId}' or one of the Application Uris of this application with App ID '${appId}'(${name}). The downstream client must request a token for the expected audience (the application that made the OBO request) and this application should use that token as the assertion.`,
    )
  }
}
export class AppOnlyUserAssertion extends entraError('invalid_grant', 400, 7000113) {
  constructor() {
    super(
      'The on-behalf-of flow requires a user token as the assertion; an application-only token was presented.',
    )
  }
}
export class ConsentRequired extends entraError('invalid_grant', 400, 65001) {
  override suberror = 'consent_required'
  constructor(appId: string, name: string, permissions: string) {
    super(
      `The user or administrator has not consented to use the application with ID '${appId}' named '${name}'. Send an interactive authorization request for this user and resource. Missing: ${permissions}.`,
    )
  }
}
