/**
 * ACR-shaped JWTs (Azure/acr docs/AAD-OAuth.md and docs/Token.md): refresh tokens from `/oauth2/exchange`, access tokens from
 * `/oauth2/token`, both `iss: "Azure Container Registry"`, `aud: <login server>`, `version: "1.0"`,
 * signed with the registry's own key (ES256, kept in its state dir so tokens survive restarts). No
 * client checks the signature; the registry does.
 */
import { existsSync, readFileSync } from 'node:fs'
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose'
import { newGuid } from '../kernel/ids.js'
import type { AccessEntry } from './scopes.js'
import { writeFileAtomic } from './files.js'

export const ACR_ISSUER = 'Azure Container Registry'

export interface RegistryKey {
  sign(payload: JWTPayload): Promise<string>
  verify(jwt: string, audience: string, nowSeconds: number): Promise<JWTPayload | undefined>
}

/** Loads `<dir>/signing-key.json` or creates it. */
export async function loadRegistryKey(file: string): Promise<RegistryKey> {
  let jwk: JWK
  if (existsSync(file)) jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK
  else {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    jwk = { ...(await exportJWK(privateKey)), kid: newGuid(), alg: 'ES256' }
    writeFileAtomic(file, JSON.stringify(jwk), 0o600)
  }
  const privateKey = await importJWK(jwk, 'ES256')
  const { d: _d, ...publicJwk } = jwk
  const publicKey = await importJWK(publicJwk, 'ES256')
  return {
    sign: (payload) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwk.kid ?? '' })
        .sign(privateKey),
    async verify(jwt, audience, nowSeconds) {
      try {
        const { payload } = await jwtVerify(jwt, publicKey, {
          issuer: ACR_ISSUER,
          audience,
          currentDate: new Date(nowSeconds * 1000),
          clockTolerance: 60,
        })
        return payload
      } catch {
        return undefined
      }
    },
  }
}

export interface TokenTimes {
  nowSeconds: number
  lifetimeSeconds: number
}

export function refreshTokenClaims(o: {
  loginServer: string
  subject: string
  tenant: string
  times: TokenTimes
  /** ABAC registries add `aad_identity` (acr-cli switches to per-repository scopes on it). */
  aadIdentity?: { oid: string; tid: string }
}): JWTPayload {
  const now = o.times.nowSeconds
  return {
    jti: newGuid(),
    sub: o.subject,
    nbf: now,
    exp: now + o.times.lifetimeSeconds,
    iat: now,
    iss: ACR_ISSUER,
    aud: o.loginServer,
    version: '1.0',
    rid: newGuid().replace(/-/g, ''),
    grant_type: 'refresh_token',
    tenant: o.tenant,
    permissions: { actions: ['*'], notActions: [] },
    roles: [],
    ...(o.aadIdentity && { aad_identity: JSON.stringify(o.aadIdentity) }),
  }
}

export function accessTokenClaims(o: {
  loginServer: string
  subject: string
  access: AccessEntry[]
  times: TokenTimes
}): JWTPayload {
  const now = o.times.nowSeconds
  return {
    jti: newGuid(),
    sub: o.subject,
    nbf: now,
    exp: now + o.times.lifetimeSeconds,
    iat: now,
    iss: ACR_ISSUER,
    aud: o.loginServer,
    version: '1.0',
    rid: newGuid().replace(/-/g, ''),
    access: o.access,
    roles: [],
    grant_type: 'access_token',
  }
}

/** The `access` claim of a verified access token, shape-checked. */
export function accessOf(payload: JWTPayload): AccessEntry[] | undefined {
  if (payload.grant_type !== 'access_token' || !Array.isArray(payload.access)) return undefined
  const out: AccessEntry[] = []
  for (const e of payload.access as unknown[]) {
    const x = e as Partial<AccessEntry>
    if (
      (x.type === 'repository' || x.type === 'registry') &&
      typeof x.name === 'string' &&
      Array.isArray(x.actions)
    )
      out.push({
        type: x.type,
        name: x.name,
        actions: x.actions.filter((a): a is string => typeof a === 'string'),
      })
  }
  return out
}
