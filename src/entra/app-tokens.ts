/**
 * App-only access tokens (client_credentials today; workload identity and managed identity later),
 * shaped as Entra issues them (Microsoft Learn, access-token-claims-reference): `roles` holds the application
 * permissions granted on the resource and is absent when none are, `idtyp: app`, `oid` = `sub` = the
 * service principal, no `scp`/`upn`/`name`. v1 for resources that accept v1 (Graph, ARM, the AKS
 * server app), v2 otherwise. The response carries no refresh token, ID token or `scope`.
 */
import type { Application } from '../kernel/directory.js'
import { opaque } from '../kernel/ids.js'
import type { Claims, Issuers } from './claims.js'
import type { EntraDeps } from './deps.js'
import type { ResourceRequest } from './scopes.js'
import { signToken } from './signer.js'
import type { IssuedTokens } from './tokens.js'

/** Application permissions (app roles) `client` holds on `resource`, with the resource's spelling. */
export function grantedAppRoles(client: Application, resource: Application): string[] {
  const granted =
    client.permissions.find((p) => p.resourceAppId === resource.appId)?.applicationPermissions ?? []
  // A resource that declares its roles only grants those; one that declares none takes the grant as is.
  if (resource.appRoles.length === 0) return granted
  const declared = new Map(resource.appRoles.map((r) => [r.toLowerCase(), r]))
  return [
    ...new Set(
      granted.flatMap((g) => (declared.has(g.toLowerCase()) ? [declared.get(g.toLowerCase())!] : [])),
    ),
  ]
}

export interface AppTokenRequest {
  client: Application
  resource: ResourceRequest
  /** `appidacr`/`azpacr`: 1 for a secret, 2 for a certificate or federated assertion. */
  clientAuth: 'secret' | 'assertion'
  /** Claims a later grant adds (managed identity `xms_mirid`, …). */
  extraClaims?: Claims
}

export function appAccessTokenClaims(
  a: AppTokenRequest & { tenantId: string; issuers: Issuers; now: number; lifetime: number },
): Claims {
  const { client, resource, now } = a
  const v1 = resource.app.accessTokenVersion === 1
  const acr = a.clientAuth === 'assertion' ? '2' : '1'
  const roles = resource.permissions
  // Field by field, in Entra's order: spreading one literal into another gave V8 a new hidden class for
  // every token (map creation showed in the token endpoint's CPU profile). Object.assign keeps the
  // spread's semantics for `extraClaims`: a claim already set keeps its place, a new one goes last.
  const claims: Claims = {
    aud: resource.audience,
    iss: v1 ? a.issuers.v1 : a.issuers.v2,
    iat: now,
    nbf: now,
    exp: now + a.lifetime,
    aio: opaque(24),
  }
  if (v1) {
    claims.app_displayname = client.name
    claims.appid = client.appId
    claims.appidacr = acr
    claims.idp = a.issuers.v1
  } else {
    claims.azp = client.appId
    claims.azpacr = acr
  }
  claims.idtyp = 'app'
  claims.oid = client.servicePrincipalId
  claims.rh = `0.${opaque(30)}.`
  if (roles.length > 0) claims.roles = roles
  claims.sub = client.servicePrincipalId
  claims.tid = a.tenantId
  claims.uti = opaque(16)
  claims.ver = v1 ? '1.0' : '2.0'
  if (a.extraClaims) Object.assign(claims, a.extraClaims)
  return claims
}

export async function issueAppTokens(
  deps: EntraDeps,
  a: AppTokenRequest & { grant: string },
): Promise<IssuedTokens> {
  const now = deps.clock.nowSeconds()
  const lifetime = deps.config.tokens.accessTokenLifetime
  const claims = appAccessTokenClaims({
    client: a.client,
    resource: a.resource,
    clientAuth: a.clientAuth,
    extraClaims: a.extraClaims,
    tenantId: deps.directory.tenant.id,
    issuers: deps.issuers(),
    now,
    lifetime,
  })
  const { jwt, kid } = await signToken(deps.keys, claims, { v1: a.resource.app.accessTokenVersion === 1 })
  deps.events.emit('token.issued', 'entra', {
    grant: a.grant,
    clientId: a.client.appId,
    client: a.client.name,
    oid: a.client.servicePrincipalId,
    aud: claims.aud,
    ver: claims.ver,
    kid,
    roles: a.resource.permissions,
    clientAuth: a.clientAuth,
  })
  // No `scope` (Entra omits it for app tokens; MSAL then caches under the requested scope).
  return {
    accessToken: jwt,
    expiresIn: lifetime - 1,
    expiresOn: now + lifetime,
    notBefore: now,
    resource: a.resource,
  }
}
