/**
 * The AADSTS errors of the workload identity token exchange (Entra reference-error-codes), as Entra errors
 * so the token endpoint's one renderer writes them. Current Entra answers each mismatch with its own
 * code as 401 `invalid_client`; the legacy generic AADSTS70021 came as 400 `invalid_request` (2022) —
 * `legacy` selects it. Texts marked [unverified] in docs/pod-identity.md are best knowledge.
 */
import { EntraError } from '../entra/index.js'

const FIC_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'
const CHECK =
  'Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.'

abstract class FederationError extends EntraError {}

const fedError = (code: string, status: number, aadsts: number) =>
  class extends FederationError {
    readonly code = code
    readonly status = status
    readonly aadsts = aadsts
  }

/** AADSTS70021, the generic "no matching record" (also what a credential still propagating answers). */
export class NoMatchingFederatedRecord extends FederationError {
  readonly aadsts = 70021
  readonly code: string
  readonly status: number
  constructor(a: { issuer: string; subject: string; audience: string; legacy: boolean }) {
    super(
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${a.issuer}'. Assertion Subject: '${a.subject}'. Assertion Audience: '${a.audience}'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation`,
    )
    this.code = a.legacy ? 'invalid_request' : 'invalid_client'
    this.status = a.legacy ? 400 : 401
  }
}

export class FederatedIssuerMismatch extends fedError('invalid_client', 401, 700211) {
  constructor(issuer: string) {
    super(
      `No matching federated identity record found for presented assertion issuer '${issuer}'. ${CHECK} https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation`,
    )
  }
}
export class FederatedSubjectMismatch extends fedError('invalid_client', 401, 700213) {
  constructor(subject: string) {
    super(
      `No matching federated identity record found for presented assertion subject '${subject}'. ${CHECK.replace('Please check', 'Check')} ${FIC_DOCS}`,
    )
  }
}
export class FederatedSubjectCaseMismatch extends fedError('invalid_client', 401, 7002138) {
  constructor(subject: string) {
    super(
      `No matching federated identity record found for presented assertion subject '${subject}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. ${CHECK.replace('Please check', 'Check')} See documentation at: ${FIC_DOCS} See breaking change notification and remediation at: https://aka.ms/entra/fic-case-sensitivity`,
    )
  }
}
export class FederatedAudienceMismatch extends fedError('invalid_client', 401, 700212) {
  constructor(audience: string) {
    super(
      `No matching federated identity record found for presented assertion audience '${audience}'. ${CHECK} ${FIC_DOCS}`,
    )
  }
}
export class ExternalOidcEndpointFailed extends fedError('invalid_request', 400, 90061) {
  constructor() {
    super('Request to External OIDC endpoint failed.')
  }
}
export class ProviderSigningKeysUnparseable extends fedError('invalid_request', 400, 900612) {
  constructor() {
    super('Failed to parse provider signing keys.')
  }
}
/** [unverified] code: the key named by `kid` is not in the issuer's JWKS, or the signature does not verify. */
export class FederatedSignatureInvalid extends fedError('invalid_client', 401, 700027) {
  constructor(reason: string, kid: string) {
    super(
      `Client assertion failed signature validation. [Reason - ${reason}, Thumbprint of key used by client: '${kid}']`,
    )
  }
}
/** [unverified] code: an Entra-issued token used as the assertion (FIC chaining). */
export class FederatedChainingRefused extends fedError('invalid_client', 401, 700222) {
  constructor() {
    super('AAD-issued tokens may not be used for federated identity flows.')
  }
}
