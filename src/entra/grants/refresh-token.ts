/** refresh_token grant with rotation; the new token may be for another resource (Entra RTs are multi-resource). */
import type { EntraDeps } from '../deps.js'
import {
  InvalidGrant,
  InvalidRequest,
  MalformedGrant,
  RefreshTokenExpired,
  RefreshTokenRevoked,
} from '../errors.js'
import { parseScopes, parseV1Resource, type ResourceRequest } from '../scopes.js'
import { assertCanSignIn, issueUserTokens } from '../tokens.js'
import type { GrantHandler, TokenRequest } from './types.js'

function resourceFor(req: TokenRequest, deps: EntraDeps): { resource: ResourceRequest; oidc: string[] } {
  if (req.protocol === 'v1') {
    if (!req.params.resource) throw InvalidRequest.missing('resource')
    return {
      resource: parseV1Resource(req.params.resource, req.client, deps.directory, deps.graphHost()),
      oidc: ['openid', 'offline_access'],
    }
  }
  if (!req.params.scope) throw InvalidRequest.missing('scope')
  const parsed = parseScopes(req.params.scope, req.client, deps.directory, deps.graphHost())
  return { resource: parsed.resource, oidc: parsed.oidc }
}

export const refreshTokenGrant: GrantHandler = {
  grantTypes: ['refresh_token'],
  allowsPublicClients: true,
  async handle(req, deps) {
    const token = req.params.refresh_token
    if (!token) throw InvalidRequest.missing('refresh_token')
    const { resource, oidc } = resourceFor(req, deps)
    const result = deps.refreshTokens.redeem(token, req.client.appId)
    if (!result.ok) {
      if (result.reason === 'malformed') throw new MalformedGrant('refresh_token')
      if (result.reason === 'unknown') throw new RefreshTokenRevoked()
      if (result.reason === 'wrong_client')
        throw new InvalidGrant(
          `The refresh token was issued to a different client ('${result.grant!.clientId}').`,
        )
      const issued = new Date(result.grant!.issuedAt).toISOString()
      throw new RefreshTokenExpired(
        `The refresh token has expired due to inactivity. The token was issued on ${issued} and was inactive for ${deps.config.tokens.refreshTokenLifetime} seconds.`,
      )
    }
    const user = deps.directory.user(result.grant.userId)
    if (!user) throw new RefreshTokenRevoked()
    assertCanSignIn(user)
    // A refresh always yields a new refresh token (rotation), even if offline_access was not repeated.
    const oidcScopes = oidc.includes('offline_access') ? oidc : [...oidc, 'offline_access']
    return issueUserTokens(deps, {
      user,
      client: req.client,
      resource,
      oidcScopes,
      wantClientInfo: req.params.client_info === '1',
      grant: 'refresh_token',
    })
  },
}
