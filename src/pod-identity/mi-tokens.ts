/**
 * Tokens for managed identities (Microsoft Learn, "How to use managed identities for Azure resources on
 * an Azure VM to acquire an access token"; docs/pod-identity.md): a v1/v2 app-only token (as the resource
 * dictates) for the identity's service principal, `appidacr: "2"`, `xms_mirid` = the identity's ARM id
 * with lower-case `resourcegroups`, and a lifetime of about a day. IMDS issues them directly; on the
 * token endpoint, `withManagedIdentityTokens` wraps client_credentials so a federated exchange for a
 * managed identity gets the same token.
 */
import {
  grantedAppRoles,
  InvalidRequest,
  InvalidResource,
  issueAppTokens,
  parseAppScope,
  type EntraDeps,
  type GrantHandler,
  type IssuedTokens,
  type ResourceRequest,
} from '../entra/index.js'
import type { Application } from '../kernel/directory.js'
import { MANAGED_IDENTITY_TOKEN_LIFETIME } from './constants.js'
import type { ManagedIdentity } from './managed-identities.js'

export function resourceRequest(client: Application, app: Application, named: string): ResourceRequest {
  return {
    app,
    audience: app.accessTokenVersion === 2 ? app.appId : named,
    permissions: grantedAppRoles(client, app),
    requestedScopes: [],
    isDefault: true,
  }
}

export async function issueManagedIdentityToken(
  entra: EntraDeps,
  mi: ManagedIdentity,
  client: Application,
  resource: ResourceRequest,
  grant: string,
): Promise<IssuedTokens> {
  // A managed identity's token lives ~24 h whatever the tenant's configured lifetime is.
  const deps: EntraDeps = {
    ...entra,
    config: {
      ...entra.config,
      tokens: { ...entra.config.tokens, accessTokenLifetime: MANAGED_IDENTITY_TOKEN_LIFETIME },
    },
  }
  return issueAppTokens(deps, {
    client,
    resource,
    clientAuth: 'assertion',
    extraClaims: { xms_mirid: mi.mirid },
    grant,
  })
}

/** Replaces client_credentials in `grants` so managed identities get managed-identity tokens. */
export function withManagedIdentityTokens(
  grants: Map<string, GrantHandler>,
  identityByClientId: (clientId: string) => ManagedIdentity | undefined,
): Map<string, GrantHandler> {
  const base = grants.get('client_credentials')
  if (!base) return grants
  const wrapped: GrantHandler = {
    grantTypes: base.grantTypes,
    allowsPublicClients: base.allowsPublicClients,
    async handle(req, deps) {
      const mi = identityByClientId(req.client.appId)
      if (!mi || req.clientAuth !== 'assertion') return base.handle(req, deps)
      let resource: ResourceRequest
      if (req.protocol === 'v2') resource = parseAppScope(req.params.scope, req.client, deps)
      else {
        const named = req.params.resource
        if (!named) throw InvalidRequest.missing('resource')
        const app = deps.directory.resource(named)
        if (!app) throw new InvalidResource(named, deps.directory.tenant.domain)
        resource = resourceRequest(req.client, app, named)
      }
      return issueManagedIdentityToken(deps, mi, req.client, resource, 'client_credentials')
    },
  }
  const out = new Map(grants)
  for (const t of base.grantTypes) out.set(t, wrapped)
  return out
}
