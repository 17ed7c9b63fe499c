/**
 * On-behalf-of (jwt-bearer grant with `requested_token_use=on_behalf_of`), as Entra serves it
 * (Microsoft Learn v2-oauth2-on-behalf-of-flow): a confidential middle tier presents a user's access
 * token whose audience is itself and gets a token for the same user (same oid, tid, upn) for another resource,
 * limited to the delegated permissions consented for the middle tier. guard's `obo` mode uses it.
 */
import type { Application } from '../../kernel/directory.js'
import {
  AppOnlyUserAssertion,
  ConsentRequired,
  UserAssertionAudienceMismatch,
  UserAssertionExpired,
  UserAssertionIssuerInvalid,
  UserAssertionMalformed,
  UserAssertionSignatureInvalid,
} from '../app-errors.js'
import type { EntraDeps } from '../deps.js'
import { InvalidGrant, InvalidRequest } from '../errors.js'
import { parseScopes, parseV1Resource, type ResourceRequest } from '../scopes.js'
import { verifyIssuedToken } from '../token-verifier.js'
import { assertCanSignIn, issueUserTokens } from '../tokens.js'
import type { GrantHandler, TokenRequest } from './types.js'

const trimSlash = (s: string) => s.replace(/\/+$/, '')

/** The assertion's audience must be the calling app: its appId or one of its identifier URIs. */
function isAudienceOf(aud: unknown, client: Application): boolean {
  if (typeof aud !== 'string') return false
  if (aud.toLowerCase() === client.appId) return true
  return client.identifierUris.some((u) => trimSlash(u) === trimSlash(aud))
}

async function verifyUserAssertion(jwt: string, client: Application, deps: EntraDeps) {
  const result = await verifyIssuedToken(jwt, {
    keys: deps.keys,
    clock: deps.clock,
    issuers: deps.issuers,
    tenantId: deps.directory.tenant.id,
  })
  if (!result.ok) {
    switch (result.reason) {
      case 'malformed':
        throw new UserAssertionMalformed()
      case 'key_not_found':
        throw new UserAssertionSignatureInvalid('The key was not found.', result.kid ?? '')
      case 'signature':
        throw new UserAssertionSignatureInvalid(
          'The provided signature value did not match the expected signature value.',
          result.kid ?? '',
        )
      case 'issuer':
        throw new UserAssertionIssuerInvalid(String(result.payload?.iss ?? ''))
      default:
        throw new UserAssertionExpired(deps.clock.now(), Number(result.payload?.exp ?? 0))
    }
  }
  const p = result.payload
  if (p.idtyp === 'app' || typeof p.scp !== 'string') throw new AppOnlyUserAssertion()
  if (!isAudienceOf(p.aud, client))
    throw new UserAssertionAudienceMismatch(String(p.aud), client.appId, client.name)
  return p
}

function resourceFor(req: TokenRequest, deps: EntraDeps): { resource: ResourceRequest; oidc: string[] } {
  if (req.protocol === 'v1') {
    if (!req.params.resource) throw InvalidRequest.missing('resource')
    return {
      resource: parseV1Resource(req.params.resource, req.client, deps.directory, deps.graphHost()),
      oidc: [],
    }
  }
  if (!req.params.scope) throw InvalidRequest.missing('scope')
  const parsed = parseScopes(req.params.scope, req.client, deps.directory, deps.graphHost())
  return { resource: parsed.resource, oidc: parsed.oidc }
}

/** No user is in the loop to consent, so every permission must already be consented for the app. */
function assertConsented(client: Application, resource: ResourceRequest): void {
  const consented =
    client.permissions.find((p) => p.resourceAppId === resource.app.appId)?.delegatedPermissions ?? []
  const have = new Set(consented.map((s) => s.toLowerCase()))
  const missing = resource.isDefault
    ? consented.length === 0
      ? ['(any delegated permission)']
      : []
    : resource.permissions.filter((s) => !have.has(s.toLowerCase()))
  if (missing.length > 0) throw new ConsentRequired(client.appId, client.name, missing.join(' '))
}

export const onBehalfOfGrant: GrantHandler = {
  grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
  allowsPublicClients: false,
  async handle(req, deps) {
    const use = req.params.requested_token_use
    if (use === undefined) throw InvalidRequest.missing('requested_token_use')
    if (use !== 'on_behalf_of')
      throw new InvalidRequest(
        `The provided value for the input parameter 'requested_token_use' is not valid. Expected 'on_behalf_of'.`,
      )
    if (!req.params.assertion) throw InvalidRequest.missing('assertion')
    const { resource, oidc } = resourceFor(req, deps)
    const assertion = await verifyUserAssertion(req.params.assertion, req.client, deps)
    const user = typeof assertion.oid === 'string' ? deps.directory.user(assertion.oid) : undefined
    if (!user) throw new InvalidGrant('The user in the assertion no longer exists in the directory.')
    assertCanSignIn(user)
    assertConsented(req.client, resource)
    return issueUserTokens(deps, {
      user,
      client: req.client,
      resource,
      oidcScopes: oidc,
      wantClientInfo: req.params.client_info === '1',
      grant: 'on_behalf_of',
    })
  },
}
