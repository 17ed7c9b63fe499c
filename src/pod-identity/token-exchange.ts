/**
 * The workload identity token exchange, plugged into the token endpoint as the `federated` hook of
 * `createAssertionAuthenticator` (docs/pod-identity.md): the client's federated identity
 * credentials are matched exactly and case-sensitively — issuer (AADSTS700211), subject (700213, or
 * 7002138 when only the case differs), audience (700212), or the generic 70021 in legacy mode or while
 * a new credential propagates — then the time window (700024), then the signature against the
 * issuer's keys fetched over HTTPS (90061 / 900612 / 700027). Success returns; the token endpoint
 * then issues the app-only token (managed identities: see mi-tokens.ts).
 */
import { compactVerify } from 'jose'
import {
  AssertionMalformed,
  AssertionOutOfTimeRange,
  type FederatedAssertionVerifier,
} from '../entra/index.js'
import type { FederatedCredential, FederatedCredentialStore } from './federated-credentials.js'
import {
  FederatedAudienceMismatch,
  FederatedChainingRefused,
  FederatedIssuerMismatch,
  FederatedSignatureInvalid,
  FederatedSubjectCaseMismatch,
  FederatedSubjectMismatch,
  NoMatchingFederatedRecord,
} from './federation-errors.js'
import type { IssuerMetadataCache } from './issuer-metadata.js'

/** Clock skew allowed on `nbf`/`exp` [unverified: Entra's value]; the same as for certificate assertions. */
export const ASSERTION_SKEW_SECONDS = 300
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']

export interface FederationSettings {
  /** Seconds a new credential stays invisible (answering AADSTS70021). */
  propagationDelaySeconds: number
  /** Answer every mismatch with the legacy 400 AADSTS70021. */
  legacyErrors: boolean
}

export function createFederatedVerifier(deps: {
  credentials: FederatedCredentialStore
  metadata: IssuerMetadataCache
  settings: () => FederationSettings
}): FederatedAssertionVerifier {
  return async (client, assertion, entra) => {
    const { payload, header } = assertion
    const settings = deps.settings()
    const iss = typeof payload.iss === 'string' ? payload.iss : ''
    const sub = typeof payload.sub === 'string' ? payload.sub : ''
    const auds = Array.isArray(payload.aud)
      ? payload.aud
      : typeof payload.aud === 'string'
        ? [payload.aud]
        : []
    const audText = auds.join(',')
    const now = entra.clock.now()
    const all = deps.credentials.list(client.appId)
    const propagated = (f: FederatedCredential) =>
      f.createdAt + settings.propagationDelaySeconds * 1000 <= now
    const visible = all.filter(propagated)
    const emit = (outcome: string, extra: Record<string, unknown> = {}) =>
      entra.events.emit('federation.exchange', 'entra', {
        clientId: client.appId,
        iss,
        sub,
        aud: auds,
        outcome,
        ...extra,
      })
    /** Records the refusal; the caller throws what it returns. */
    const refuse = (err: Error, outcome: string): Error => {
      emit(outcome, { error: err.message.slice(0, 160) })
      return err
    }
    const generic = () =>
      new NoMatchingFederatedRecord({
        issuer: iss,
        subject: sub,
        audience: audText,
        legacy: settings.legacyErrors,
      })
    // A credential that would match but has not propagated yet: "cache populated with old data".
    const pending = all.some((f) => !propagated(f) && f.issuer === iss && f.subject === sub)

    // Without an issuer there is nothing to match against [unverified: Entra's code for this].
    if (!iss) throw refuse(new AssertionMalformed("The 'iss' claim is missing."), 'malformed')
    const byIssuer = visible.filter((f) => f.issuer === iss)
    if (byIssuer.length === 0)
      throw refuse(
        pending || settings.legacyErrors ? generic() : new FederatedIssuerMismatch(iss),
        pending ? 'propagating' : 'issuer_mismatch',
      )
    const bySubject = byIssuer.filter((f) => f.subject === sub)
    if (bySubject.length === 0) {
      if (pending || settings.legacyErrors)
        throw refuse(generic(), pending ? 'propagating' : 'subject_mismatch')
      const caseOnly = byIssuer.some((f) => f.subject.toLowerCase() === sub.toLowerCase())
      throw refuse(
        caseOnly ? new FederatedSubjectCaseMismatch(sub) : new FederatedSubjectMismatch(sub),
        caseOnly ? 'subject_case_mismatch' : 'subject_mismatch',
      )
    }
    const match = bySubject.find((f) => f.audiences.some((a) => auds.includes(a)))
    if (!match)
      throw refuse(
        settings.legacyErrors ? generic() : new FederatedAudienceMismatch(audText),
        'audience_mismatch',
      )
    if (typeof payload.exp !== 'number')
      throw refuse(new AssertionMalformed("The 'exp' claim is missing."), 'malformed')
    const nowS = Math.floor(now / 1000)
    const nbf = typeof payload.nbf === 'number' ? payload.nbf : undefined
    if (
      nowS > payload.exp + ASSERTION_SKEW_SECONDS ||
      (nbf !== undefined && nowS + ASSERTION_SKEW_SECONDS < nbf)
    )
      throw refuse(new AssertionOutOfTimeRange(now, nbf, payload.exp), 'expired')
    const own = entra.issuers()
    if (iss === own.v1 || iss === own.v2) throw refuse(new FederatedChainingRefused(), 'chaining')
    const kid = typeof header.kid === 'string' ? header.kid : undefined
    const alg = typeof header.alg === 'string' ? header.alg : ''
    if (!ALGORITHMS.includes(alg))
      throw refuse(
        new FederatedSignatureInvalid(`The algorithm '${alg}' is not supported.`, kid ?? ''),
        'signature',
      )
    let key
    try {
      key = await deps.metadata.key(iss, kid)
    } catch (err) {
      throw refuse(err as Error, 'issuer_metadata')
    }
    if (!key)
      throw refuse(new FederatedSignatureInvalid('The key was not found.', kid ?? ''), 'key_not_found')
    try {
      await compactVerify(assertion.jwt, key, { algorithms: [alg] })
    } catch {
      throw refuse(
        new FederatedSignatureInvalid(
          'The provided signature value did not match the expected signature value.',
          kid ?? '',
        ),
        'signature',
      )
    }
    emit('accepted', { credential: match.name })
  }
}
