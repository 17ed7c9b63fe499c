/**
 * RFC 6749 §4.4 client_credentials, as Entra serves it (Microsoft Learn v2-oauth2-client-creds-grant-flow):
 * a confidential client (secret, HTTP Basic or client assertion — authenticated before this runs) asks
 * for exactly one `<resource>/.default` (v2) or names `resource=` (v1) and gets an app-only token.
 */
import { ClientCredentialsScopeInvalid } from '../app-errors.js'
import { issueAppTokens, grantedAppRoles } from '../app-tokens.js'
import type { EntraDeps } from '../deps.js'
import { InvalidRequest, InvalidResource, InvalidScope } from '../errors.js'
import { findResource, type ResourceRequest } from '../scopes.js'
import type { Application } from '../../kernel/directory.js'
import type { GrantHandler, TokenRequest } from './types.js'

const DEFAULT_SUFFIX = '/.default'
function appResource(
  client: Application,
  app: Application,
  named: string,
  requested: string[],
): ResourceRequest {
  return {
    app,
    // v2 resources always get their appId; v1 keep the name the client used (GUID or URI).
    audience: app.accessTokenVersion === 2 ? app.appId : named,
    permissions: grantedAppRoles(client, app),
    requestedScopes: requested,
    isDefault: true,
  }
}

/** The v2 `scope`: one `<resource>/.default`, nothing else (not even OIDC scopes). */
export function parseAppScope(
  scope: string | undefined,
  client: Application,
  deps: EntraDeps,
): ResourceRequest {
  const items = [...new Set((scope ?? '').split(/\s+/).filter(Boolean))]
  if (items.length === 0) throw InvalidRequest.missing('scope')
  const other = items.find((s) => !s.endsWith(DEFAULT_SUFFIX) || s.length === DEFAULT_SUFFIX.length)
  if (other !== undefined) throw new ClientCredentialsScopeInvalid(other)
  if (items.length > 1) throw new InvalidScope(items.join(' '), 'Only one resource may be requested.')
  const named = items[0]!.slice(0, -DEFAULT_SUFFIX.length)
  const app = findResource(named, deps.directory, deps.graphHost())
  if (!app) throw new InvalidResource(named, deps.directory.tenant.domain)
  return appResource(client, app, named, items)
}

function resourceFor(req: TokenRequest, deps: EntraDeps): ResourceRequest {
  if (req.protocol === 'v2') return parseAppScope(req.params.scope, req.client, deps)
  const named = req.params.resource
  if (!named) throw InvalidRequest.missing('resource')
  const app = findResource(named, deps.directory, deps.graphHost())
  if (!app) throw new InvalidResource(named, deps.directory.tenant.domain)
  return appResource(req.client, app, named, [])
}

export const clientCredentialsGrant: GrantHandler = {
  grantTypes: ['client_credentials'],
  allowsPublicClients: false,
  async handle(req, deps) {
    const resource = resourceFor(req, deps)
    return issueAppTokens(deps, {
      client: req.client,
      resource,
      // handleTokenRequest refuses public clients without credentials, so this is never 'none'.
      clientAuth: req.clientAuth === 'assertion' ? 'assertion' : 'secret',
      grant: 'client_credentials',
    })
  },
}
