/**
 * Scope parsing: which resource a token request is for, and which permissions it asks for.
 * Rules follow Entra v2: one resource per request, `<resource>/.default` alone or explicit permissions,
 * bare permissions (`User.Read`) mean Microsoft Graph, and OIDC scopes ride along.
 */
import type { Application, Directory } from '../kernel/directory.js'
import { GRAPH_APP_ID } from '../kernel/first-party.js'
import { InvalidResource, InvalidScope, MultipleResources } from './errors.js'

export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email'])

export interface ResourceRequest {
  app: Application
  /** The resource as the client named it: becomes `aud` of v1 tokens. */
  audience: string
  /** `scp` values for a user token. */
  permissions: string[]
  /** The resource scopes exactly as requested, echoed in the response `scope`. */
  requestedScopes: string[]
  isDefault: boolean
}

export interface ParsedScopes {
  oidc: string[]
  resource: ResourceRequest
}

function splitScope(scope: string): { resource: string; permission: string } {
  const i = scope.lastIndexOf('/')
  if (i <= 0) return { resource: GRAPH_APP_ID, permission: scope }
  return { resource: scope.slice(0, i), permission: scope.slice(i + 1) }
}

/** Delegated permissions a `.default` user token carries for `resource` when requested by `client`. */
function defaultPermissions(client: Application, resource: Application): string[] {
  const granted =
    client.permissions.find((p) => p.resourceAppId === resource.appId)?.delegatedPermissions ?? []
  if (granted.length > 0) return granted
  if (resource.appId === GRAPH_APP_ID) return ['User.Read', 'openid', 'profile', 'email']
  return resource.exposedScopes
}

const trimSlash = (s: string) => s.replace(/\/+$/, '')

/**
 * The application a resource name means: an appId or identifier URI, or — as Microsoft Graph — the
 * simulator's own Graph URL (`https://<graphHost>`): guard builds its Graph scope from the discovery
 * document's `msgraph_host`, and a custom cloud's `microsoftGraphResourceId` (the Azure CLI) is that URL.
 */
export function findResource(
  named: string,
  directory: Directory,
  graphHost?: string,
): Application | undefined {
  const app = directory.resource(named)
  if (app || graphHost === undefined) return app
  return trimSlash(named.toLowerCase()) === `https://${graphHost.toLowerCase()}`
    ? directory.application(GRAPH_APP_ID)
    : undefined
}

export function parseScopes(
  scope: string,
  client: Application,
  directory: Directory,
  graphHost?: string,
): ParsedScopes {
  const items = [...new Set(scope.split(/\s+/).filter(Boolean))]
  const oidc = items.filter((s) => OIDC_SCOPES.has(s.toLowerCase()))
  const others = items.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()))
  if (others.length === 0) {
    // Only OIDC scopes: Entra issues a Graph token with User.Read, as it does for sign-in-only apps.
    const graph = directory.application(GRAPH_APP_ID)!
    return {
      oidc,
      resource: {
        app: graph,
        audience: GRAPH_APP_ID,
        permissions: ['User.Read'],
        requestedScopes: [],
        isDefault: false,
      },
    }
  }
  const parts = others.map(splitScope)
  const resources = new Set(
    parts.map((p) => findResource(p.resource, directory, graphHost)?.appId ?? p.resource.toLowerCase()),
  )
  if (resources.size > 1) throw new MultipleResources(others.join(' '))
  const first = parts[0]!
  const app = findResource(first.resource, directory, graphHost)
  if (!app) throw new InvalidResource(first.resource, directory.tenant.domain)
  const isDefault = parts.some((p) => p.permission === '.default')
  if (isDefault && parts.length > 1)
    throw new InvalidScope(others.join(' '), '.default cannot be combined with other scopes.')
  let permissions: string[]
  if (isDefault) permissions = defaultPermissions(client, app)
  else {
    permissions = parts.map((p) => {
      const exposed = app.exposedScopes.find((s) => s.toLowerCase() === p.permission.toLowerCase())
      if (!exposed)
        throw new InvalidScope(
          `${first.resource}/${p.permission}`,
          `The resource '${app.name}' does not expose it.`,
        )
      return exposed
    })
  }
  // v2 tokens always carry the client id; v1 keep the resource as requested (GUID or URI).
  const audience =
    app.accessTokenVersion === 2 || first.resource === GRAPH_APP_ID ? app.appId : first.resource
  return { oidc, resource: { app, audience, permissions, requestedScopes: others, isDefault } }
}

/** A v1 request names its resource directly (`resource=`), which is the `.default` of that resource. */
export function parseV1Resource(
  resource: string,
  client: Application,
  directory: Directory,
  graphHost?: string,
): ResourceRequest {
  const app = findResource(resource, directory, graphHost)
  if (!app) throw new InvalidResource(resource, directory.tenant.domain)
  return {
    app,
    audience: resource,
    permissions: defaultPermissions(client, app),
    requestedScopes: [],
    isDefault: true,
  }
}
