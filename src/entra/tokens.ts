/**
 * Builds a user sign-in result (access token, ID token, refresh token, client_info) once a grant has
 * established who the user is and which resource they asked for.
 */
import type { Application, User } from '../kernel/directory.js'
import { clientInfo, idTokenClaims, userAccessTokenClaims } from './claims.js'
import type { EntraDeps } from './deps.js'
import { UserAccountDisabled } from './errors.js'
import type { ResourceRequest } from './scopes.js'
import { signToken } from './signer.js'

/** Version-neutral token result; routes render it as a v2 or v1 body. */
export interface IssuedTokens {
  accessToken: string
  expiresIn: number
  expiresOn: number
  notBefore: number
  /** Response `scope`: what MSAL caches the token under. Absent for app-only tokens, as in Entra. */
  scope?: string
  resource: ResourceRequest
  refreshToken?: string
  idToken?: string
  clientInfo?: string
}

export function assertCanSignIn(user: User): void {
  if (!user.accountEnabled) throw new UserAccountDisabled()
}

export async function issueUserTokens(
  deps: EntraDeps,
  a: {
    user: User
    client: Application
    resource: ResourceRequest
    oidcScopes: string[]
    wantClientInfo: boolean
    grant: string
  },
): Promise<IssuedTokens> {
  const { user, client, resource } = a
  const now = deps.clock.nowSeconds()
  const lifetime = deps.config.tokens.accessTokenLifetime
  const issuers = deps.issuers()
  const claims = userAccessTokenClaims({
    user,
    client,
    resource,
    directory: deps.directory,
    issuers,
    now,
    lifetime,
  })
  const oidc = new Set(a.oidcScopes.map((s) => s.toLowerCase()))
  // Both tokens are signed concurrently: RSA signing runs off the event loop.
  const [{ jwt, kid }, idToken] = await Promise.all([
    signToken(deps.keys, claims, { v1: resource.app.accessTokenVersion === 1 }),
    oidc.has('openid')
      ? signToken(
          deps.keys,
          idTokenClaims({ user, client, directory: deps.directory, issuers, now, lifetime }),
          { v1: false },
        )
      : undefined,
  ])
  const out: IssuedTokens = {
    accessToken: jwt,
    expiresIn: lifetime - 1,
    expiresOn: now + lifetime,
    notBefore: now,
    scope: [
      ...(resource.requestedScopes.length > 0 ? resource.requestedScopes : resource.permissions),
      ...a.oidcScopes.filter((s) => s !== 'offline_access'),
    ].join(' '),
    resource,
  }
  if (idToken) out.idToken = idToken.jwt
  if (oidc.has('offline_access'))
    out.refreshToken = deps.refreshTokens.issue({ clientId: client.appId, userId: user.id })
  if (a.wantClientInfo) out.clientInfo = clientInfo(user.id, deps.directory.tenant.id)
  deps.events.emit('token.issued', 'entra', {
    grant: a.grant,
    clientId: client.appId,
    client: client.name,
    user: user.userPrincipalName,
    oid: user.id,
    aud: claims.aud,
    ver: claims.ver,
    kid,
    groups: Array.isArray(claims.groups) ? claims.groups.length : claims._claim_names ? 'overage' : 0,
  })
  return out
}
