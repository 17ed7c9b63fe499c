/**
 * Resource groups (Microsoft.Resources/resourceGroups): `az group list/show/exists`. ARM authorizes
 * `Microsoft.Resources/subscriptions/resourceGroups/read` at the group before it looks the group up
 * (so a caller without access gets AuthorizationFailed, not ResourceGroupNotFound), and a list holds
 * only the groups the caller may read.
 */
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import { ResourceGroupNotFound } from './errors.js'
import { authorize, subscriptionOf } from './managed-clusters.js'

export const RESOURCE_GROUP_READ = 'Microsoft.Resources/subscriptions/resourceGroups/read'

type Group = { name: string; location: string | undefined }

function toResourceGroup(deps: ArmDeps, subscriptionId: string, g: Group): Record<string, unknown> {
  // A group the scenario gives no location is where its first cluster is.
  const location =
    g.location ??
    deps.azure?.clusters.find((c) => c.resourceGroup.toLowerCase() === g.name.toLowerCase())?.location ??
    'eastus'
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${g.name}`,
    name: g.name,
    type: 'Microsoft.Resources/resourceGroups',
    location,
    properties: { provisioningState: 'Succeeded' },
  }
}

const scopeOf = (subscriptionId: string, name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${name}`

export function listResourceGroups(
  caller: ArmCaller,
  deps: ArmDeps,
  subscriptionId: string,
): { value: Record<string, unknown>[] } {
  const azure = subscriptionOf(deps, subscriptionId)
  const readable = azure.resourceGroups.filter((g) =>
    deps.rbac?.hasAction(
      caller.objectId,
      caller.groupIds,
      RESOURCE_GROUP_READ,
      scopeOf(azure.subscriptionId, g.name),
    ),
  )
  return { value: readable.map((g) => toResourceGroup(deps, azure.subscriptionId, g)) }
}

export function getResourceGroup(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; resourceGroup: string },
): Record<string, unknown> {
  const azure = subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, RESOURCE_GROUP_READ, scopeOf(r.subscriptionId, r.resourceGroup))
  const g = azure.resourceGroups.find((x) => x.name.toLowerCase() === r.resourceGroup.toLowerCase())
  if (!g) throw new ResourceGroupNotFound(r.resourceGroup)
  return toResourceGroup(deps, azure.subscriptionId, g)
}
