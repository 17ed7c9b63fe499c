import { SignJWT } from 'jose'
import type { KeyStore } from '../kernel/keys.js'
import type { Claims } from './claims.js'

/** Signs with the current key: RS256, `kid`, and `x5t` on v1 tokens as Entra does. */
export async function signToken(
  keys: KeyStore,
  claims: Claims,
  opts: { v1: boolean },
): Promise<{ jwt: string; kid: string }> {
  const key = keys.current()
  const header = { typ: 'JWT', alg: 'RS256', ...(opts.v1 && { x5t: key.kid }), kid: key.kid }
  return { jwt: await new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey), kid: key.kid }
}
