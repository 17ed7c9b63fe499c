/**
 * Microsoft.Resources' own paths — tenants, subscriptions, resource groups and resource providers —
 * which the Azure CLI calls to sign in (`az login` lists tenants and subscriptions), to show the account
 * and groups, and to find an api-version (`az resource show`). Matched before the resource-provider
 * paths of resource-path.ts; anything deeper (`…/providers/{namespace}/{type}/…`) is not for here.
 *
 *   GET  /tenants
 *   GET  /subscriptions[/{s}]
 *   GET  /subscriptions/{s}/resourcegroups[/{rg}]          (HEAD on one: `az group exists`)
 *   GET  /subscriptions/{s}/providers[/{namespace}]
 *   GET  /subscriptions/{s}/resources                      (generic-resources.ts)
 *   POST /subscriptions/{s}/providers/{namespace}/register
 */
import { isGuid } from '../kernel/ids.js'
import { requirePublishedApiVersion, type PublishedVersions } from './api-version.js'
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import { InvalidSubscriptionId, MethodNotAllowed, NoRouteFound } from './errors.js'
import { listGenericResources } from './generic-resources.js'
import { getProvider, listProviders, registerProvider } from './providers.js'
import { getResourceGroup, listResourceGroups } from './resource-groups.js'
import { getSubscription, listSubscriptions } from './subscriptions.js'
import { listTenants } from './tenants.js'

type Route =
  | { kind: 'tenants' }
  | { kind: 'subscriptions'; subscriptionId?: string }
  | { kind: 'resourceGroups'; subscriptionId: string; resourceGroup?: string }
  | { kind: 'providers'; subscriptionId: string; namespace?: string; action?: string }
  | { kind: 'resources'; subscriptionId: string }

// Microsoft.Resources' published versions (azure-rest-api-specs specification/resources), newest first.
const RESOURCES_LISTED = [
  '2024-11-01',
  '2024-07-01',
  '2024-03-01',
  '2023-07-01',
  '2022-09-01',
  '2021-04-01',
  '2020-06-01',
  '2019-10-01',
]
const SUBSCRIPTIONS_LISTED = [
  '2022-12-01',
  '2021-01-01',
  '2020-01-01',
  '2019-11-01',
  '2019-06-01',
  '2018-06-01',
  '2016-06-01',
]
const VERSIONS: Record<Route['kind'], PublishedVersions> = {
  tenants: { first: '2014-04-01', listed: SUBSCRIPTIONS_LISTED, name: 'tenants' },
  subscriptions: { first: '2014-04-01', listed: SUBSCRIPTIONS_LISTED, name: 'subscriptions' },
  resourceGroups: { first: '2014-04-01', listed: RESOURCES_LISTED, name: 'resourceGroups' },
  providers: { first: '2014-04-01', listed: RESOURCES_LISTED, name: 'providers' },
  resources: { first: '2014-04-01', listed: RESOURCES_LISTED, name: 'resources' },
}

const eq = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase()

function subscription(s: string): string {
  if (!isGuid(s)) throw new InvalidSubscriptionId(s)
  return s
}

/** The route, or undefined when the path is not one of Microsoft.Resources' own. */
export function parseResourcesPath(path: string): Route | undefined {
  let segs: string[]
  try {
    segs = path.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent)
  } catch {
    throw new NoRouteFound(path)
  }
  if (segs.length === 1 && eq(segs[0], 'tenants')) return { kind: 'tenants' }
  if (!eq(segs[0], 'subscriptions') || segs.length > 5) return undefined
  const [, s, child, name, action] = segs
  if (s === undefined) return { kind: 'subscriptions' }
  if (child === undefined) return { kind: 'subscriptions', subscriptionId: subscription(s) }
  if (eq(child, 'resources') && name === undefined)
    return { kind: 'resources', subscriptionId: subscription(s) }
  if (eq(child, 'resourceGroups') && action === undefined)
    return { kind: 'resourceGroups', subscriptionId: subscription(s), ...(name && { resourceGroup: name }) }
  if (eq(child, 'providers') && (action === undefined || eq(action, 'register')))
    return {
      kind: 'providers',
      subscriptionId: subscription(s),
      ...(name && { namespace: name }),
      ...(action && { action }),
    }
  return undefined
}

/** Status and body of a Microsoft.Resources request (HEAD answers without a body). */
export function serveResources(
  route: Route,
  req: { method: string; query: Record<string, unknown> },
  caller: ArmCaller,
  deps: ArmDeps,
): { status: number; body?: unknown } {
  requirePublishedApiVersion(req.query, VERSIONS[route.kind])
  const only = (...methods: string[]) => {
    if (!methods.includes(req.method)) throw new MethodNotAllowed(req.method)
  }
  switch (route.kind) {
    case 'tenants':
      only('GET')
      return { status: 200, body: listTenants(deps) }
    case 'subscriptions':
      only('GET')
      return route.subscriptionId === undefined
        ? { status: 200, body: listSubscriptions(caller, deps) }
        : { status: 200, body: getSubscription(caller, deps, route.subscriptionId) }
    case 'resourceGroups':
      if (route.resourceGroup === undefined) {
        only('GET')
        return { status: 200, body: listResourceGroups(caller, deps, route.subscriptionId) }
      }
      only('GET', 'HEAD')
      {
        const body = getResourceGroup(caller, deps, { ...route, resourceGroup: route.resourceGroup })
        return req.method === 'HEAD' ? { status: 204 } : { status: 200, body }
      }
    case 'resources':
      only('GET')
      return { status: 200, body: listGenericResources(caller, deps, route.subscriptionId, req.query) }
    case 'providers': {
      const { subscriptionId, namespace } = route
      if (namespace === undefined) {
        only('GET')
        return { status: 200, body: listProviders(caller, deps, subscriptionId) }
      }
      if (route.action !== undefined) {
        only('POST')
        return { status: 200, body: registerProvider(caller, deps, { subscriptionId, namespace }) }
      }
      only('GET')
      return { status: 200, body: getProvider(caller, deps, { subscriptionId, namespace }) }
    }
  }
}
