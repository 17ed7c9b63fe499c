/**
 * Client authentication with a JWT assertion (RFC 7523 §2.2, `private_key_jwt`), as Entra checks it
 * (learn.microsoft.com/entra/identity-platform/certificate-credentials; msal-node ClientAssertion.ts):
 *  - an assertion the app signed itself (`iss` = `sub` = client_id) must name a certificate registered
 *    on the app by `x5t#S256` (SHA-256) or `x5t` (SHA-1), be signed RS256/PS256 with its key, have a
 *    single `aud` equal to this tenant's token endpoint, and be inside its `nbf`/`exp` window;
 *  - any other issuer is a federated assertion (workload identity, issue 9): it goes to the
 *    `federated` hook, or fails with AADSTS700211 when none is plugged in.
 * A replayed `jti` is accepted, as Entra does: msal-node reuses its signed assertion for ten minutes.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto'
import { compactVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose'
import { parseCompactJws } from '../kernel/jws.js'
import type { Application } from '../kernel/directory.js'
import {
  AssertionAudienceInvalid,
  AssertionClientIdMismatch,
  AssertionKeyNotFound,
  AssertionMalformed,
  AssertionNoThumbprint,
  AssertionOutOfTimeRange,
  AssertionSignatureInvalid,
  AssertionTooManyAudiences,
  NoMatchingFederatedCredential,
  PublicClientCredential,
} from './app-errors.js'
import type { EntraDeps } from './deps.js'
import { InvalidRequest } from './errors.js'
import type { ClientAuthenticator } from './token-endpoint.js'

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
/** Tolerance on `nbf`/`exp`, like Entra's. */
const SKEW_SECONDS = 300
const ALGORITHMS = ['RS256', 'PS256']

export interface ParsedAssertion {
  jwt: string
  header: ProtectedHeaderParameters
  payload: JWTPayload
}

/**
 * Verifies an assertion whose issuer is not the app itself, e.g. a Kubernetes service-account token
 * matched against the app's federated identity credentials. Throws an EntraError to refuse it.
 */
export type FederatedAssertionVerifier = (
  client: Application,
  assertion: ParsedAssertion,
  deps: EntraDeps,
) => Promise<void>

interface RegisteredCert {
  sha1: string
  sha256: string
  publicKey: KeyObject
  validFrom: number
  validTo: number
}

function parseAssertion(jwt: string): ParsedAssertion {
  try {
    const { header, payload } = parseCompactJws(jwt)
    return { jwt, header: header as ProtectedHeaderParameters, payload: payload }
  } catch {
    throw new AssertionMalformed()
  }
}

/** Token endpoints of this tenant, by GUID and by domain, v2 and v1: the accepted `aud` values. */
function tokenEndpoints(deps: EntraDeps): string[] {
  const a = deps.authority()
  const t = deps.directory.tenant
  return [t.id, t.domain].flatMap((x) => [`${a}/${x}/oauth2/v2.0/token`, `${a}/${x}/oauth2/token`])
}

function checkAudienceAndTime(payload: JWTPayload, deps: EntraDeps): void {
  const auds = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud]
  if (auds.length > 1) throw new AssertionTooManyAudiences(auds.length)
  const endpoints = tokenEndpoints(deps)
  const aud = auds[0]
  if (typeof aud !== 'string' || !endpoints.some((e) => e.toLowerCase() === aud.toLowerCase()))
    throw new AssertionAudienceInvalid(String(aud ?? ''), endpoints[0]!)
  const now = deps.clock.nowSeconds()
  if (typeof payload.exp !== 'number') throw new AssertionMalformed("The 'exp' claim is missing.")
  const nbf = typeof payload.nbf === 'number' ? payload.nbf : undefined
  if (now > payload.exp + SKEW_SECONDS || (nbf !== undefined && now + SKEW_SECONDS < nbf))
    throw new AssertionOutOfTimeRange(deps.clock.now(), nbf, payload.exp)
}

const hexOf = (b64url: string) => Buffer.from(b64url, 'base64url').toString('hex').toUpperCase()
/** `Start=06/21/2019 00:00:00` as Entra prints key validity. */
const usDate = (ms: number) => {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}

async function verifyCertificateAssertion(
  client: Application,
  a: ParsedAssertion,
  deps: EntraDeps,
  certsOf: (client: Application) => RegisteredCert[],
): Promise<void> {
  const sha256 = typeof a.header['x5t#S256'] === 'string' ? a.header['x5t#S256'] : undefined
  const sha1 = typeof a.header.x5t === 'string' ? a.header.x5t : undefined
  if (!sha256 && !sha1) throw new AssertionNoThumbprint()
  const presented = hexOf((sha256 ?? sha1)!)
  const cert = certsOf(client).find((c) => (sha256 ? c.sha256 === sha256 : c.sha1 === sha1))
  if (!cert) throw new AssertionKeyNotFound(presented, client.appId)
  const validity = { start: usDate(cert.validFrom), end: usDate(cert.validTo) }
  if (deps.clock.now() > cert.validTo || deps.clock.now() < cert.validFrom)
    throw new AssertionSignatureInvalid('The key used is expired.', presented, validity)
  if (typeof a.header.alg !== 'string' || !ALGORITHMS.includes(a.header.alg))
    throw new AssertionSignatureInvalid(
      `The algorithm '${String(a.header.alg)}' is not supported.`,
      presented,
      validity,
    )
  try {
    await compactVerify(a.jwt, cert.publicKey, { algorithms: ALGORITHMS })
  } catch {
    throw new AssertionSignatureInvalid(
      'The provided signature value did not match the expected signature value.',
      presented,
      validity,
    )
  }
}

/**
 * The token endpoint's `client_assertion` authenticator. `federated` is the hook for workload identity
 * federation; without it only certificate assertions are accepted.
 */
export function createAssertionAuthenticator(
  opts: { federated?: FederatedAssertionVerifier } = {},
): ClientAuthenticator {
  // Parsed certificates per application, rebuilt if the scenario's list changes (kept per simulator).
  const parsed = new WeakMap<Application['certificates'], RegisteredCert[]>()
  const certsOf = (client: Application): RegisteredCert[] => {
    let certs = parsed.get(client.certificates)
    if (!certs) {
      certs = client.certificates.flatMap((c) => {
        try {
          const x = new X509Certificate(c.certificatePem)
          return [
            {
              sha1: createHash('sha1').update(x.raw).digest('base64url'),
              sha256: createHash('sha256').update(x.raw).digest('base64url'),
              publicKey: x.publicKey,
              validFrom: Date.parse(x.validFrom),
              validTo: Date.parse(x.validTo),
            },
          ]
        } catch {
          return [] // An unparseable certificate matches no assertion.
        }
      })
      parsed.set(client.certificates, certs)
    }
    return certs
  }
  return async (client, params, deps) => {
    const type = params.client_assertion_type
    if (type === undefined) throw InvalidRequest.missing('client_assertion_type')
    if (type !== CLIENT_ASSERTION_TYPE)
      throw new InvalidRequest(
        `The provided value for the input parameter 'client_assertion_type' is not valid. Expected '${CLIENT_ASSERTION_TYPE}'.`,
      )
    if (client.publicClient) throw new PublicClientCredential()
    const assertion = parseAssertion(params.client_assertion ?? '')
    const { iss, sub } = assertion.payload
    const self = typeof iss === 'string' && iss.toLowerCase() === client.appId
    if (!self) {
      if (!opts.federated) throw new NoMatchingFederatedCredential(String(iss ?? ''))
      await opts.federated(client, assertion, deps)
      return 'assertion'
    }
    if (typeof sub !== 'string' || sub.toLowerCase() !== client.appId) throw new AssertionClientIdMismatch()
    checkAudienceAndTime(assertion.payload, deps)
    await verifyCertificateAssertion(client, assertion, deps, certsOf)
    return 'assertion'
  }
}
