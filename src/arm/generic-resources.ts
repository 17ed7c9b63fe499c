/**
 * `GET /subscriptions/{s}/resources` (Resources_List): the subscription's resources as GenericResource
 * entries, filtered by `$filter` (`resourceType eq '…'`, `name eq '…'`, joined by `and`) and by what the
 * caller may read. The Azure CLI's `az acr` finds a registry's resource group this way
 * (`resourceType eq 'Microsoft.ContainerRegistry/registries'`, then the name). The simulator lists its
 * managed clusters and registries.
 */
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import { BadRequest } from './errors.js'
import { subscriptionOf } from './managed-clusters.js'
import { registryStore, REGISTRY_TYPE } from './registries.js'

const CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters'

interface Generic {
  id: string
  name: string
  type: string
  location: string
}

const unsupported = (filter: string) =>
  new BadRequest(
    `The $filter '${filter}' is not supported here: resourceType eq '…' and name eq '…', joined by 'and'.`,
  )

function parseFilter(filter: unknown): { field: 'resourceType' | 'name'; value: string }[] {
  if (filter === undefined || filter === '') return []
  if (typeof filter !== 'string') throw unsupported(JSON.stringify(filter))
  return filter.split(/\s+and\s+/i).map((clause) => {
    const m = /^\s*(resourceType|name)\s+eq\s+'([^']*)'\s*$/i.exec(clause)
    if (!m) throw unsupported(filter)
    return { field: m[1]!.toLowerCase() === 'name' ? 'name' : 'resourceType', value: m[2]! }
  })
}

export function listGenericResources(
  caller: ArmCaller,
  deps: ArmDeps,
  subscriptionId: string,
  query: Record<string, unknown>,
): { value: Generic[] } {
  const azure = subscriptionOf(deps, subscriptionId)
  const clauses = parseFilter(query.$filter)
  const fallback = azure.clusters[0]?.location ?? 'eastus'
  const all: Generic[] = [
    ...azure.clusters.map((c) => ({
      id: c.resourceId,
      name: c.name,
      type: CLUSTER_TYPE,
      location: c.location,
    })),
    ...azure.registries
      .filter((r) => registryStore(deps, r))
      .map((r) => ({
        id: r.resourceId,
        name: r.name,
        type: REGISTRY_TYPE,
        location: r.location ?? fallback,
      })),
  ]
  const value = all.filter(
    (r) =>
      clauses.every((c) => (c.field === 'name' ? r.name : r.type).toLowerCase() === c.value.toLowerCase()) &&
      deps.rbac?.hasAction(caller.objectId, caller.groupIds, `${r.type}/read`, r.id),
  )
  return { value }
}
