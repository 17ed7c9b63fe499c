/**
 * ARM request paths → the operations the simulator serves. Path segments compare case-insensitively,
 * as in ARM; names keep the caller's casing (they appear in error messages as given).
 *
 *   /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters[/{name}[/{action}]]
 *   /subscriptions/{s}/providers/Microsoft.ContainerService/managedClusters
 *   {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]
 *   {scope}/providers/Microsoft.Authorization/roleDefinitions[/{id}]
 *   /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities[/{name}[/federatedIdentityCredentials[/{fic}]]]
 *   /subscriptions/{s}/providers/Microsoft.ManagedIdentity/userAssignedIdentities
 */
import { isGuid } from '../kernel/ids.js'
import { InvalidResourceNamespace, InvalidSubscriptionId, NoRouteFound } from './errors.js'

export type ArmRoute =
  | { kind: 'clusterList'; subscriptionId: string; resourceGroup?: string }
  | {
      kind: 'cluster'
      subscriptionId: string
      resourceGroup: string
      name: string
      /** The resource id as requested (the scope ARM authorizes and names in errors). */
      id: string
      /** `listClusterUserCredential`, `listClusterAdminCredential`, or anything else (refused). */
      action?: string
    }
  | { kind: 'roleAssignments'; scope: string; name?: string }
  | { kind: 'roleDefinitions'; scope: string; id?: string }
  | { kind: 'identityList'; subscriptionId: string; resourceGroup?: string }
  | { kind: 'identity'; subscriptionId: string; resourceGroup: string; name: string; id: string }
  | {
      kind: 'federatedCredentials'
      subscriptionId: string
      resourceGroup: string
      identity: string
      /** The identity's id as requested (where a list is authorized). */
      identityId: string
      /** The credential's name; undefined for the list. */
      name?: string
      /** The credential's id as requested (or the list's path). */
      id: string
    }
  | {
      kind: 'agentPools'
      subscriptionId: string
      resourceGroup: string
      name: string
      id: string
      /** The pool; undefined for the list. */
      pool?: string
      /** The pool's id as requested. */
      poolId: string
    }
  | {
      kind: 'upgradeProfile'
      subscriptionId: string
      resourceGroup: string
      name: string
      id: string
      profileId: string
    }
  | {
      /** `…/locations/{l}/operations/{id}` (status) or `…/operationresults/{id}` (result). */
      kind: 'aksOperation'
      subscriptionId: string
      location: string
      operationId: string
      result: boolean
      id: string
    }
  | {
      kind: 'aksVersions'
      subscriptionId: string
      location: string
      type: 'kubernetesVersions' | 'orchestrators'
      id: string
    }
  | { kind: 'unknownType'; namespace: string; type: string }

const KNOWN_NAMESPACES = [
  'microsoft.containerservice',
  'microsoft.authorization',
  'microsoft.managedidentity',
]
const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase()

function segments(path: string): string[] {
  const raw = path.replace(/\/+$/, '').split('/').slice(1)
  try {
    return raw.map((s) => decodeURIComponent(s))
  } catch {
    throw new NoRouteFound(path)
  }
}

function checkSubscription(s: string | undefined, path: string): string {
  if (s === undefined || s === '') throw new NoRouteFound(path)
  if (!isGuid(s)) throw new InvalidSubscriptionId(s)
  return s
}

export function parseArmPath(path: string): ArmRoute {
  const segs = segments(path)
  // Authorization resources hang off any scope: take the last `providers/Microsoft.Authorization`.
  for (let i = segs.length - 2; i >= 0; i--) {
    if (!eq(segs[i], 'providers') || !eq(segs[i + 1], 'Microsoft.Authorization')) continue
    const scope = `/${segs.slice(0, i).join('/')}`
    const [type, name, ...rest] = segs.slice(i + 2)
    if (rest.length > 0 || type === undefined) throw new NoRouteFound(path)
    if (eq(segs[0], 'subscriptions')) checkSubscription(segs[1], path)
    if (eq(type, 'roleAssignments'))
      return { kind: 'roleAssignments', scope, ...(name !== undefined && { name }) }
    if (eq(type, 'roleDefinitions'))
      return { kind: 'roleDefinitions', scope, ...(name !== undefined && { id: name }) }
    return { kind: 'unknownType', namespace: 'Microsoft.Authorization', type }
  }
  if (!eq(segs[0], 'subscriptions')) throw new NoRouteFound(path)
  const subscriptionId = checkSubscription(segs[1], path)
  let i = 2
  let resourceGroup: string | undefined
  if (eq(segs[i], 'resourceGroups')) {
    resourceGroup = segs[i + 1]
    if (!resourceGroup) throw new NoRouteFound(path)
    i += 2
  }
  if (!eq(segs[i], 'providers') || segs[i + 1] === undefined) throw new NoRouteFound(path)
  const namespace = segs[i + 1]!
  if (!KNOWN_NAMESPACES.includes(namespace.toLowerCase())) throw new InvalidResourceNamespace(namespace)
  if (eq(namespace, 'Microsoft.ManagedIdentity'))
    return managedIdentityRoute(segs, i, { subscriptionId, resourceGroup }, path)
  const [type, name, action, child, ...rest] = segs.slice(i + 2)
  if (type === undefined || rest.length > 0) throw new NoRouteFound(path)
  if (eq(namespace, 'Microsoft.ContainerService') && eq(type, 'locations'))
    return aksLocationRoute(segs.slice(i + 2), subscriptionId, resourceGroup, path)
  if (!eq(namespace, 'Microsoft.ContainerService') || !eq(type, 'managedClusters'))
    return { kind: 'unknownType', namespace, type }
  if (name === undefined)
    return { kind: 'clusterList', subscriptionId, ...(resourceGroup && { resourceGroup }) }
  if (!resourceGroup) throw new NoRouteFound(path)
  // The id exactly as requested: ARM echoes the caller's casing in AuthorizationFailed.
  const id = `/${segs.slice(0, i + 4).join('/')}`
  const at = { subscriptionId, resourceGroup, name, id }
  if (eq(action, 'agentPools')) {
    if (child === '') throw new NoRouteFound(path)
    return {
      kind: 'agentPools',
      ...at,
      ...(child !== undefined && { pool: child }),
      poolId: `/${segs.slice(0, i + (child === undefined ? 5 : 6)).join('/')}`,
    }
  }
  if (eq(action, 'upgradeProfiles')) {
    if (!eq(child, 'default')) return { kind: 'unknownType', namespace, type: `${type}/upgradeProfiles` }
    return { kind: 'upgradeProfile', ...at, profileId: `/${segs.slice(0, i + 6).join('/')}` }
  }
  if (child !== undefined) throw new NoRouteFound(path)
  return {
    kind: 'cluster',
    subscriptionId,
    resourceGroup,
    name,
    id,
    ...(action !== undefined && { action }),
  }
}

/** `segs` from `locations` on: `locations/{l}/operations|operationresults/{id}`, `…/kubernetesVersions|orchestrators`. */
function aksLocationRoute(
  segs: string[],
  subscriptionId: string,
  resourceGroup: string | undefined,
  path: string,
): ArmRoute {
  const [, location, type, operationId, ...rest] = segs
  if (resourceGroup || !location || !type || rest.length > 0) throw new NoRouteFound(path)
  const id = `/subscriptions/${subscriptionId}/providers/Microsoft.ContainerService/${segs.slice(0, 4).join('/')}`
  if ((eq(type, 'operations') || eq(type, 'operationresults')) && operationId)
    return {
      kind: 'aksOperation',
      subscriptionId,
      location,
      operationId,
      result: eq(type, 'operationresults'),
      id,
    }
  if (operationId === undefined && (eq(type, 'kubernetesVersions') || eq(type, 'orchestrators')))
    return {
      kind: 'aksVersions',
      subscriptionId,
      location,
      type: eq(type, 'orchestrators') ? 'orchestrators' : 'kubernetesVersions',
      id,
    }
  return { kind: 'unknownType', namespace: 'Microsoft.ContainerService', type: `locations/${type}` }
}

/** `segs[i]` is `providers`, `segs[i + 1]` Microsoft.ManagedIdentity. */
function managedIdentityRoute(
  segs: string[],
  i: number,
  at: { subscriptionId: string; resourceGroup: string | undefined },
  path: string,
): ArmRoute {
  const [type, name, child, fic, ...rest] = segs.slice(i + 2)
  const namespace = segs[i + 1]!
  if (type === undefined || rest.length > 0 || [type, name, child, fic].includes(''))
    throw new NoRouteFound(path)
  if (!eq(type, 'userAssignedIdentities')) return { kind: 'unknownType', namespace, type }
  const { subscriptionId, resourceGroup } = at
  if (name === undefined)
    return { kind: 'identityList', subscriptionId, ...(resourceGroup && { resourceGroup }) }
  if (!resourceGroup) throw new NoRouteFound(path)
  // Ids exactly as requested: ARM echoes the caller's casing in AuthorizationFailed.
  const idOf = (n: number) => `/${segs.slice(0, i + n).join('/')}`
  if (child === undefined) return { kind: 'identity', subscriptionId, resourceGroup, name, id: idOf(4) }
  if (!eq(child, 'federatedIdentityCredentials'))
    return { kind: 'unknownType', namespace, type: `${type}/${child}` }
  return {
    kind: 'federatedCredentials',
    subscriptionId,
    resourceGroup,
    identity: name,
    identityId: idOf(4),
    ...(fic !== undefined && { name: fic }),
    id: idOf(fic === undefined ? 5 : 6),
  }
}
