/**
 * Token signing keys of the mock Entra ID. Each key is RSA-2048 with a self-signed certificate, because
 * Entra's JWKS publishes `x5c` and uses the certificate's SHA-1 thumbprint as both `kid` and `x5t`.
 * Rotation makes a new key current and keeps the previous one published for a grace period, so tokens
 * signed just before a rotation still verify.
 */
import { createHash, createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadX509 } from './x509.js'
import { exportPkcs8Pem } from './pem.js'
import type { Clock } from './clock.js'

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  /** Base64 (not url) DER of the certificate, as in `x5c`. */
  certDer: string
  createdAt: number
  /** When the key stopped being current; published until `retiredAt + grace`. */
  retiredAt?: number
}

export interface Jwk {
  kty: 'RSA'
  use: 'sig'
  kid: string
  x5t: string
  n: string
  e: string
  x5c: string[]
  issuer?: string
}

export interface KeyStore {
  current(): SigningKey
  /** Keys in the JWKS now: the current one and retired ones still inside the grace period. */
  published(): SigningKey[]
  rotate(): Promise<SigningKey>
  jwks(issuer?: string): { keys: Jwk[] }
}

interface StoredKey {
  kid: string
  keyPem: string
  certDer: string
  createdAt: number
  retiredAt?: number
}

async function generate(now: number): Promise<StoredKey> {
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  }
  const x509 = await loadX509()
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^./, '1'),
    name: 'CN=accounts.aks-auth-sim.local',
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 5 * 365 * 86_400_000),
    signingAlgorithm: alg,
    keys: keys,
  })
  const der = Buffer.from(cert.rawData)
  return {
    kid: createHash('sha1').update(der).digest('base64url'),
    keyPem: await exportPkcs8Pem(keys.privateKey),
    certDer: der.toString('base64'),
    createdAt: now,
  }
}

function hydrate(k: StoredKey): SigningKey {
  const privateKey = createPrivateKey(k.keyPem)
  return {
    kid: k.kid,
    privateKey,
    publicKey: createPublicKey(privateKey),
    certDer: k.certDer,
    createdAt: k.createdAt,
    ...(k.retiredAt !== undefined && { retiredAt: k.retiredAt }),
  }
}

/**
 * Loads the signing keys from `<stateDir>/keys/signing.json` (creating the first key when absent), or
 * keeps them in memory when there is no state dir.
 */
export async function loadOrCreateKeyStore(opts: {
  stateDir: string | undefined
  clock: Clock
  /** How long a retired key stays in the JWKS, in milliseconds. */
  rotationGraceMs: number
}): Promise<KeyStore> {
  const file = opts.stateDir ? join(opts.stateDir, 'keys', 'signing.json') : undefined
  let stored: StoredKey[] =
    file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredKey[]) : []
  if (stored.length === 0) stored = [await generate(opts.clock.now())]
  const save = () => {
    if (!file) return
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 })
    writeFileSync(`${file}.tmp`, JSON.stringify(stored, null, 2), { mode: 0o600 })
    renameSync(`${file}.tmp`, file)
  }
  save()
  let keys = stored.map(hydrate)
  const jwkCache = new Map<string, Jwk>()
  const toJwk = (k: SigningKey): Jwk => {
    let jwk = jwkCache.get(k.kid)
    if (!jwk) {
      const { n, e } = k.publicKey.export({ format: 'jwk' })
      jwk = { kty: 'RSA', use: 'sig', kid: k.kid, x5t: k.kid, n: n!, e: e!, x5c: [k.certDer] }
      jwkCache.set(k.kid, jwk)
    }
    return jwk
  }
  const published = () => {
    const now = opts.clock.now()
    return keys.filter((k) => k.retiredAt === undefined || k.retiredAt + opts.rotationGraceMs > now)
  }
  return {
    current: () => keys[keys.length - 1]!,
    published,
    async rotate() {
      const now = opts.clock.now()
      const next = await generate(now)
      stored = stored.filter((k) => k.retiredAt === undefined || k.retiredAt + opts.rotationGraceMs > now)
      for (const k of stored) k.retiredAt ??= now
      stored.push(next)
      save()
      keys = stored.map(hydrate)
      return keys[keys.length - 1]!
    },
    jwks(issuer) {
      // Newest first, as Entra lists the key in use before the ones being phased out.
      return {
        keys: published()
          .reverse()
          .map((k) => (issuer ? { ...toJwk(k), issuer } : toJwk(k))),
      }
    },
  }
}
