/**
 * A simulated cluster's service-account issuer (k8s serviceaccount/openidmetadata.go): RSA keys whose `kid` is
 * base64url(SHA-256(SPKI DER)) as kube-apiserver derives it, the AKS-style issuer URL
 * `https://<host>/<tenant>/<uuid>/` (trailing slash included), the OIDC discovery document and JWKS
 * bodies, and key rotation that keeps the previous key listed for a grace window (AKS: 24 h; rotating
 * twice drops it). Switches make the public endpoints unreachable or the JWKS unparseable, for the
 * AADSTS90061 and 900612 scenarios. With the OIDC issuer disabled, tokens carry the in-cluster issuer.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { SignJWT } from 'jose'
import type { Clock } from '../kernel/clock.js'
import { IN_CLUSTER_ISSUER } from './constants.js'

const generate = promisify(generateKeyPair)

export interface IssuerKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  createdAt: number
  retiredAt?: number
}

export interface IssuerSwitches {
  /** Discovery and JWKS connections are reset (Entra: AADSTS90061). */
  offline: boolean
  /** The JWKS body is not parseable (Entra: AADSTS900612). */
  brokenJwks: boolean
}

export interface ServiceAccountIssuer {
  readonly cluster: string
  /** The `iss` of new tokens: the public issuer URL (with trailing slash), or the in-cluster issuer. */
  issuer(): string
  /** The public OIDC issuer URL, whether or not it is enabled. */
  readonly publicIssuer: string
  /** Path prefix of the public endpoints on the OIDC listener, e.g. `/<tenant>/<uuid>/`. */
  readonly pathPrefix: string
  oidcEnabled(): boolean
  setOidcEnabled(enabled: boolean): void
  current(): IssuerKey
  /** The current key and the previous one while inside the grace window. */
  published(): IssuerKey[]
  rotate(): Promise<IssuerKey>
  sign(claims: Record<string, unknown>): Promise<string>
  discovery(): Record<string, unknown>
  jwks(): { keys: Record<string, string>[] }
  readonly switches: IssuerSwitches
}

/** kube-apiserver's keyIDFromPublicKey: base64url (unpadded) of SHA-256 over the PKIX DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url')
}

interface StoredKey {
  keyPem: string
  createdAt: number
  retiredAt?: number
}

function hydrate(k: StoredKey): IssuerKey {
  const privateKey = createPrivateKey(k.keyPem)
  const publicKey = createPublicKey(privateKey)
  return {
    kid: keyIdOf(publicKey),
    privateKey,
    publicKey,
    createdAt: k.createdAt,
    ...(k.retiredAt !== undefined && { retiredAt: k.retiredAt }),
  }
}

async function newKey(now: number): Promise<StoredKey> {
  const { privateKey } = await generate('rsa', { modulusLength: 2048 })
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), createdAt: now }
}

export async function createServiceAccountIssuer(opts: {
  cluster: string
  /** Origin of the OIDC listener, e.g. `https://127.0.0.1:8448`. */
  origin: string
  tenantId: string
  /** The issuer's random-but-immutable path segment. */
  uuid: string
  clock: Clock
  oidcEnabled: boolean
  rotationGraceSeconds: number
  /** Where keys persist across restarts (token files stay valid); omit for memory only. */
  stateDir?: string
}): Promise<ServiceAccountIssuer> {
  const pathPrefix = `/${opts.tenantId}/${opts.uuid}/`
  const publicIssuer = `${opts.origin}${pathPrefix}`
  const file = opts.stateDir
    ? join(opts.stateDir, 'pod-identity', `issuer-${opts.cluster.replace(/[^\w.-]/g, '_')}.json`)
    : undefined
  let stored: StoredKey[] =
    file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredKey[]) : []
  if (stored.length === 0) stored = [await newKey(opts.clock.now())]
  const save = () => {
    if (!file) return
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 })
    writeFileSync(`${file}.tmp`, JSON.stringify(stored), { mode: 0o600 })
    renameSync(`${file}.tmp`, file)
  }
  save()
  let keys = stored.map(hydrate)
  let oidcEnabled = opts.oidcEnabled
  const switches: IssuerSwitches = { offline: false, brokenJwks: false }
  const graceMs = opts.rotationGraceSeconds * 1000

  const published = () => {
    const now = opts.clock.now()
    const current = keys[keys.length - 1]!
    const previous = keys[keys.length - 2]
    return previous && previous.retiredAt !== undefined && previous.retiredAt + graceMs > now
      ? [current, previous]
      : [current]
  }
  const issuer = () => (oidcEnabled ? publicIssuer : IN_CLUSTER_ISSUER)

  return {
    cluster: opts.cluster,
    issuer,
    publicIssuer,
    pathPrefix,
    oidcEnabled: () => oidcEnabled,
    setOidcEnabled(enabled) {
      oidcEnabled = enabled
    },
    current: () => keys[keys.length - 1]!,
    published,
    async rotate() {
      const now = opts.clock.now()
      const next = await newKey(now)
      // Only the key being replaced survives (for the grace window); older ones are dropped.
      stored = stored.slice(-1).map((k) => ({ ...k, retiredAt: k.retiredAt ?? now }))
      stored.push(next)
      save()
      keys = stored.map(hydrate)
      return keys[keys.length - 1]!
    },
    async sign(claims) {
      const key = keys[keys.length - 1]!
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey)
    },
    discovery: () => ({
      issuer: publicIssuer,
      jwks_uri: `${publicIssuer}openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    }),
    jwks: () => ({
      keys: published().map((k) => {
        const { n, e } = k.publicKey.export({ format: 'jwk' })
        return { use: 'sig', kty: 'RSA', kid: k.kid, alg: 'RS256', n: n!, e: e! }
      }),
    }),
    switches,
  }
}
