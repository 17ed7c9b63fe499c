/**
 * Microsoft.ContainerService/managedClusters/agentPools (`az aks nodepool list/show/scale/add`, and the
 * Azure SDKs' agentPools client): list, get and PUT (scale, upgrade one pool, or add one). PUT starts an
 * operation like any cluster write (control-plane.ts); the pool's provisioningState moves with it.
 */
import type { ArmCaller } from './authenticate.js'
import { applyPoolProfile, newPool, type ClusterRef, type WriteResult } from './cluster-writes.js'
import { InvalidParameter, OperationNotAllowed } from './control-plane-errors.js'
import type { AgentPoolState } from './control-plane-state.js'
import type { ArmDeps, ResolvedCluster } from './deps.js'
import { InvalidRequestContent, ResourceNotFound } from './errors.js'
import {
  authorize,
  CLUSTER_TYPE,
  findCluster,
  subscriptionOf,
  toAgentPoolProperties,
} from './managed-clusters.js'

export const POOL_ACTIONS = {
  read: `${CLUSTER_TYPE}/agentPools/read`,
  write: `${CLUSTER_TYPE}/agentPools/write`,
} as const

export type PoolRef = ClusterRef & { pool: string; poolId: string }

function toAgentPool(c: ResolvedCluster, p: AgentPoolState): Record<string, unknown> {
  return {
    id: `/subscriptions/${c.subscriptionId}/resourcegroups/${c.resourceGroup}/providers/${CLUSTER_TYPE}/${c.name}/agentPools/${p.name}`,
    name: p.name,
    type: `${CLUSTER_TYPE}/agentPools`,
    properties: toAgentPoolProperties(p),
  }
}

/** GET …/agentPools: authorized at the cluster (the list's parent). */
export function listAgentPools(
  caller: ArmCaller,
  deps: ArmDeps,
  r: ClusterRef,
): { value: Record<string, unknown>[] } {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, POOL_ACTIONS.read, r.id)
  const c = findCluster(deps, r)
  return { value: deps.controlPlane.state(c).agentPools.map((p) => toAgentPool(c, p)) }
}

function poolOf(deps: ArmDeps, c: ResolvedCluster, name: string): AgentPoolState {
  const p = deps.controlPlane.state(c).agentPools.find((x) => x.name.toLowerCase() === name.toLowerCase())
  if (!p) throw new ResourceNotFound(`${CLUSTER_TYPE}/agentPools`, `${c.name}/${name}`, c.resourceGroup)
  return p
}

export function getAgentPool(caller: ArmCaller, deps: ArmDeps, r: PoolRef): Record<string, unknown> {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, POOL_ACTIONS.read, r.poolId)
  const c = findCluster(deps, r)
  return toAgentPool(c, poolOf(deps, c, r.pool))
}

/** PUT …/agentPools/{pool}: 200 for an existing pool, 201 for a new one; both start an operation. */
export function putAgentPool(caller: ArmCaller, deps: ArmDeps, r: PoolRef, raw: unknown): WriteResult {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, POOL_ACTIONS.write, r.poolId)
  const c = findCluster(deps, r)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InvalidRequestContent('the request body must be a JSON object')
  const props = (raw as Record<string, unknown>).properties ?? {}
  if (typeof props !== 'object' || props === null || Array.isArray(props))
    throw new InvalidParameter('properties')
  if (!/^[a-z][a-z0-9]{0,11}$/.test(r.pool))
    throw new InvalidParameter(
      'agentPoolName',
      'Node pool names are 1–12 lower-case letters and digits, starting with a letter.',
    )
  const s = deps.controlPlane.state(c)
  const existing = s.agentPools.find((x) => x.name === r.pool)
  const p = structuredClone(existing) ?? newPool(r.pool, 'User', s.currentKubernetesVersion)
  applyPoolProfile(p, props as Record<string, unknown>, 'properties', s.kubernetesVersion)
  if (
    existing &&
    p.mode !== existing.mode &&
    !s.agentPools.some((x) => x !== existing && x.mode === 'System')
  )
    throw new InvalidParameter('properties.mode', 'A cluster needs at least one System node pool.')
  if (s.powerState === 'Stopped')
    throw OperationNotAllowed.powerState(s.provisioningState, s.powerState, 'scaling')
  const kind = !existing
    ? 'Creating'
    : p.orchestratorVersion !== existing.orchestratorVersion
      ? 'Upgrading'
      : p.count !== existing.count
        ? 'Scaling'
        : 'Updating'
  const operation = deps.controlPlane.begin(
    c,
    kind,
    (goal) => {
      if (existing)
        Object.assign(
          goal.agentPools.find((x) => x.name === r.pool)!,
          p,
        )
      else goal.agentPools.push(p)
    },
    r.pool,
  )
  return { status: existing ? 200 : 201, body: toAgentPool(c, poolOf(deps, c, r.pool)), operation }
}
