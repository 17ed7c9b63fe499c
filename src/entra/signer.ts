/**
 * JWT signing: RS256 with the current key, `kid`, and `x5t` on v1 tokens as Entra does.
 *
 * Signed with node:crypto's asynchronous `sign` (libuv thread pool) rather than jose: jose signs
 * through WebCrypto, which on Node 20 spends ~0.1 ms of main-thread time per signature (three times
 * the rest of the signing), and base64url-encodes through `btoa`. The token is byte for byte what
 * jose's `SignJWT` produces — base64url(JSON header) . base64url(JSON claims) . base64url(RSASSA-
 * PKCS1-v1_5 SHA-256 signature), which is deterministic (test/entra/fast-path-signer.test.ts).
 */
import { sign, type KeyObject } from 'node:crypto'
import type { KeyStore } from '../kernel/keys.js'
import type { Claims } from './claims.js'

const b64url = (json: string) => Buffer.from(json, 'utf8').toString('base64url')

function rs256(input: string, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    sign('sha256', Buffer.from(input, 'latin1'), key, (err, signature) =>
      err ? reject(err) : resolve(signature),
    ),
  )
}

export async function signToken(
  keys: KeyStore,
  claims: Claims,
  opts: { v1: boolean },
): Promise<{ jwt: string; kid: string }> {
  const key = keys.current()
  const header = { typ: 'JWT', alg: 'RS256', ...(opts.v1 && { x5t: key.kid }), kid: key.kid }
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
  const signature = await rs256(input, key.privateKey)
  return { jwt: `${input}.${signature.toString('base64url')}`, kid: key.kid }
}
