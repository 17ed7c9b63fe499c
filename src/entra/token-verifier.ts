/**
 * Verifies an access token issued by this simulator: RS256 signature against a key still published in
 * the JWKS, issuer (v1 or v2 of this tenant), `tid`, and the `nbf`/`exp` window with a clock skew.
 * Used where Entra or a resource reads its own tokens back: the on-behalf-of grant and mock Graph.
 * Returns a reason instead of throwing, so each surface maps it to its own wire error.
 */
import { compactVerify, type JWTPayload } from 'jose'
import { parseCompactJws, type CompactJws } from '../kernel/jws.js'
import type { Clock } from '../kernel/clock.js'
import type { KeyStore } from '../kernel/keys.js'
import type { Issuers } from './claims.js'

export type VerifyFailure =
  'malformed' | 'key_not_found' | 'signature' | 'issuer' | 'expired' | 'not_yet_valid'

export type VerifyResult =
  | { ok: true; payload: JWTPayload & Record<string, unknown>; kid: string }
  | { ok: false; reason: VerifyFailure; kid?: string; payload?: JWTPayload & Record<string, unknown> }

export interface VerifierDeps {
  keys: KeyStore
  clock: Clock
  issuers: () => Issuers
  tenantId: string
}

/** Microsoft.IdentityModel's default clock skew: five minutes either side. */
export const DEFAULT_SKEW_SECONDS = 300

type Payload = JWTPayload & Record<string, unknown>

/**
 * Tokens whose signature already verified, so a resource called many times with one token (guard, the
 * Graph SDK) pays for RSA once. Time, issuer and key publication are still checked on every use.
 */
export interface VerifiedTokenCache {
  get(jwt: string): { payload: Payload; kid: string } | undefined
  set(jwt: string, entry: { payload: Payload; kid: string }): void
}

export function createVerifiedTokenCache(max = 1000): VerifiedTokenCache {
  const entries = new Map<string, { payload: Payload; kid: string }>()
  return {
    get: (jwt) => entries.get(jwt),
    set(jwt, entry) {
      if (entries.size >= max) entries.delete(entries.keys().next().value!)
      entries.set(jwt, entry)
    },
  }
}

async function verifySignature(
  jwt: string,
  deps: VerifierDeps,
): Promise<{ ok: true; payload: Payload; kid: string } | { ok: false; reason: VerifyFailure; kid?: string }> {
  let parsed: CompactJws
  try {
    parsed = parseCompactJws(jwt)
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  const kid = parsed.header.kid
  if (parsed.header.alg !== 'RS256' || typeof kid !== 'string') return { ok: false, reason: 'malformed' }
  const key = deps.keys.published().find((k) => k.kid === kid)
  if (!key) return { ok: false, reason: 'key_not_found', kid }
  try {
    await compactVerify(jwt, key.publicKey, { algorithms: ['RS256'] })
  } catch {
    return { ok: false, reason: 'signature', kid }
  }
  return { ok: true, payload: parsed.payload, kid }
}

export async function verifyIssuedToken(
  jwt: string,
  deps: VerifierDeps,
  opts: { skewSeconds?: number; cache?: VerifiedTokenCache } = {},
): Promise<VerifyResult> {
  const skewSeconds = opts.skewSeconds ?? DEFAULT_SKEW_SECONDS
  let verified = opts.cache?.get(jwt)
  if (verified) {
    const kid = verified.kid
    // The signing key may have left the JWKS since (rotation grace over).
    if (!deps.keys.published().some((k) => k.kid === kid)) return { ok: false, reason: 'key_not_found', kid }
  } else {
    const r = await verifySignature(jwt, deps)
    if (!r.ok) return r
    verified = { payload: r.payload, kid: r.kid }
    opts.cache?.set(jwt, verified)
  }
  const { payload, kid } = verified
  const issuers = deps.issuers()
  if ((payload.iss !== issuers.v1 && payload.iss !== issuers.v2) || payload.tid !== deps.tenantId)
    return { ok: false, reason: 'issuer', kid, payload }
  const now = deps.clock.nowSeconds()
  if (typeof payload.exp !== 'number' || now > payload.exp + skewSeconds)
    return { ok: false, reason: 'expired', kid, payload }
  if (typeof payload.nbf === 'number' && now + skewSeconds < payload.nbf)
    return { ok: false, reason: 'not_yet_valid', kid, payload }
  return { ok: true, payload, kid }
}
