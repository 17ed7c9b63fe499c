/**
 * Verifies an Entra access token the way guard does (go-oidc), in guard's order and words: structure,
 * distributed-claims sanity, issuer, audience, expiry (no leeway), not-before (1 minute leeway), then
 * the RS256 signature against the tenant's JWKS. Stricter than guard where it costs nothing: `none`,
 * HMAC and header-supplied keys are refused outright, and the tenant must be this cluster's.
 */
import { verify, type KeyObject } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { JwsMalformed, parseCompactJws } from '../kernel/jws.js'
import { TokenRejected } from './errors.js'
import type { KeySource } from './key-source.js'

const PREFIX = 'failed to verify token for azure: '
const NBF_LEEWAY_SECONDS = 60
const MAX_TOKEN_BYTES = 16 * 1024

export interface VerifyOptions {
  keys: KeySource
  issuer: string
  /** Required `aud`; undefined turns the audience check off (guard's --azure.verify-clientID=false). */
  audience: string | undefined
  tenantId: string
  nowSeconds: number
}

/** go-oidc prints times as Go's time.Time: `2026-03-05 15:42:37 +0000 UTC`. */
const goTime = (s: number) => {
  const t = new Date(s * 1000)
  // A forged exp/nbf can lie outside what a Date holds (±8.64e15 ms): print the number, never throw.
  if (Number.isNaN(t.getTime())) return `${s} (seconds since the epoch)`
  return t
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' +0000 UTC')
}

const reject = (reason: string, message: string) => new TokenRejected(reason, PREFIX + message)

/**
 * RSASSA-PKCS1-v1_5 with SHA-256 on the bytes as sent, with a key imported once per JWKS fetch. node:crypto's
 * callback form runs on libuv's thread pool, as WebCrypto does, without WebCrypto's per-call algorithm
 * normalisation and promise plumbing (the main thread is what limits the webhook's throughput).
 */
function rs256Verify(signingInput: string, key: KeyObject, signature: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verify('sha256', Buffer.from(signingInput, 'latin1'), key, signature, (err, ok) => resolve(!err && ok))
    } catch {
      resolve(false)
    }
  })
}

export async function verifyAzureToken(token: string, o: VerifyOptions): Promise<JWTPayload> {
  if (token.length > MAX_TOKEN_BYTES)
    throw reject('malformed', `oidc: malformed jwt: token is larger than ${MAX_TOKEN_BYTES} bytes`)
  let header: Record<string, unknown>
  let claims: JWTPayload
  let signingInput: string
  let signature: Buffer
  try {
    ;({ header, payload: claims, signingInput, signature } = parseCompactJws(token))
  } catch (err) {
    if (err instanceof JwsMalformed) throw reject(err.reason, `oidc: malformed jwt: ${err.message}`)
    throw err
  }
  if (header.alg !== 'RS256')
    throw reject(
      'bad_algorithm',
      `oidc: id token signed with unsupported algorithm, expected ["RS256"] got ${JSON.stringify(header.alg)}`,
    )
  for (const field of ['jwk', 'jku', 'x5u', 'x5c'] as const) {
    if (header[field] !== undefined)
      throw reject(
        'header_key',
        `the token header carries its own key (${field}); keys are only taken from the tenant's published JWKS`,
      )
  }
  const names = claims._claim_names as Record<string, unknown> | undefined
  const sources = claims._claim_sources as Record<string, unknown> | undefined
  if (names && typeof names === 'object') {
    for (const src of Object.values(names)) {
      if (typeof src !== 'string' || !sources || typeof sources !== 'object' || !(src in sources))
        throw reject('malformed', 'oidc: source does not exist')
    }
  }
  if (claims.iss !== o.issuer)
    throw reject(
      'wrong_issuer',
      `oidc: id token issued by a different provider, expected ${JSON.stringify(o.issuer)} got ${JSON.stringify(claims.iss ?? '')}`,
    )
  if (o.audience !== undefined) {
    const aud = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud]
    if (!aud.includes(o.audience))
      throw reject(
        'wrong_audience',
        `oidc: expected audience ${JSON.stringify(o.audience)} got ${JSON.stringify(aud)}`,
      )
  }
  if (typeof claims.exp !== 'number' || claims.exp <= o.nowSeconds)
    throw reject(
      'expired',
      `oidc: token is expired (Token Expiry: ${goTime(typeof claims.exp === 'number' ? claims.exp : 0)})`,
    )
  if (typeof claims.nbf === 'number' && o.nowSeconds + NBF_LEEWAY_SECONDS < claims.nbf)
    throw reject(
      'not_yet_valid',
      `oidc: current time ${goTime(o.nowSeconds)} before the nbf (not before) time: ${goTime(claims.nbf)}`,
    )
  if (claims.tid !== o.tenantId)
    throw reject(
      'wrong_tenant',
      `token tenant ${JSON.stringify(claims.tid ?? '')} is not this cluster's tenant ${o.tenantId}`,
    )
  if (typeof header.kid !== 'string' || header.kid === '')
    throw reject('unknown_key', 'failed to verify signature: the token has no kid')
  const key = await o.keys.key(header.kid)
  if (!key)
    throw reject(
      'unknown_key',
      `failed to verify signature: signing key ${JSON.stringify(header.kid)} is not in the tenant's JWKS`,
    )
  // As jose does, keys under 2048 bits are refused.
  const valid =
    (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 &&
    (await rs256Verify(signingInput, key, signature))
  if (!valid) throw reject('bad_signature', 'failed to verify signature: failed to verify id token signature')
  return claims
}
