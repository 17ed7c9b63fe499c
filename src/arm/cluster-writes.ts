/**
 * Writes to Microsoft.ContainerService/managedClusters: PUT (create or update — what `az aks scale`,
 * `az aks upgrade` and `az aks update` send, the whole cluster as they read it), PATCH of tags, and the
 * stop and start actions. Order of checks as ARM and AKS: subscription, authorization of the real action
 * at the requested scope, resource group and cluster, the body, then AKS's own refusals (a running
 * operation, a stopped cluster, an upgrade path). Every accepted write starts an operation
 * (control-plane.ts) and answers its id; routes turn that into 201/202 and the async headers.
 */
import { defaultDnsPrefix } from '../azure-rbac/index.js'
import { isGuid } from '../kernel/ids.js'
import type { ArmCaller } from './authenticate.js'
import {
  InvalidParameter,
  InvalidResourceLocation,
  OperationNotAllowed,
  PropertyChangeNotAllowed,
  VersionNotSupported,
} from './control-plane-errors.js'
import {
  initialState,
  type AgentPoolState,
  type ClusterState,
  type OperationKind,
  type OperationRecord,
} from './control-plane-state.js'
import type { ArmDeps, ResolvedCluster } from './deps.js'
import { InvalidRequestContent, ResourceGroupNotFound, ResourceNotFound } from './errors.js'
import { compareVersions, resolveVersion, upgradesFrom, VERSION_CATALOGUE } from './kubernetes-versions.js'
import { UpgradeNotAllowed, AgentPoolUpgradeVersionNotAllowed } from './control-plane-errors.js'
import { authorize, CLUSTER_TYPE, findCluster, subscriptionOf, toManagedCluster } from './managed-clusters.js'

export const WRITE_ACTIONS = {
  write: `${CLUSTER_TYPE}/write`,
  stop: `${CLUSTER_TYPE}/stop/action`,
  start: `${CLUSTER_TYPE}/start/action`,
} as const

type Obj = Record<string, unknown>
type ClusterRef = { subscriptionId: string; resourceGroup: string; name: string; id: string }

export interface WriteResult {
  /** 200 (update), 201 (created) or 202 (actions). */
  status: 200 | 201 | 202
  body?: Record<string, unknown>
  operation: OperationRecord
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const lower = (s: string) => s.toLowerCase()
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/
const CLUSTER_NAME = /^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/

function objectAt(body: Obj, field: string, path: string): Obj | undefined {
  const v = body[field]
  if (v === undefined || v === null) return undefined
  if (!isObj(v)) throw new InvalidParameter(path, 'It must be an object.')
  return v
}

function booleanAt(body: Obj, field: string, path: string): boolean | undefined {
  const v = body[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'boolean') throw new InvalidParameter(path, 'It must be true or false.')
  return v
}

function stringAt(body: Obj, field: string, path: string): string | undefined {
  const v = body[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw new InvalidParameter(path, 'It must be a string.')
  return v
}

/** Node count: 0–1000, and a System pool keeps at least one node. */
export function checkCount(v: unknown, mode: 'System' | 'User', path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1000)
    throw new InvalidParameter(path, 'The node count must be an integer from 0 to 1000.')
  if (mode === 'System' && v < 1)
    throw new InvalidParameter(path, 'A System node pool must have at least one node.')
  return v
}

/** A pool's orchestratorVersion: no further than one minor ahead of its current one, never past the cluster's. */
export function checkPoolVersion(p: AgentPoolState, requested: string, clusterGoal: string): string {
  if (requested === '' || requested === p.orchestratorVersion) return p.orchestratorVersion
  const v = resolveVersion(requested, p.currentOrchestratorVersion)
  if (!v) throw new VersionNotSupported(requested, 'this region')
  if (v === p.currentOrchestratorVersion) return v
  if (compareVersions(v, clusterGoal) > 0 || !upgradesFrom(p.currentOrchestratorVersion).includes(v))
    throw new AgentPoolUpgradeVersionNotAllowed(p.currentOrchestratorVersion, v)
  return v
}

export function newPool(name: string, mode: 'System' | 'User', version: string): AgentPoolState {
  return {
    name,
    count: 0,
    vmSize: 'Standard_DS2_v2',
    mode,
    orchestratorVersion: version,
    currentOrchestratorVersion: version,
    powerState: 'Running',
    provisioningState: 'Creating',
    instances: [],
    nextInstance: 0,
  }
}

/** One `agentPoolProfiles[]` item (or an agent pool's `properties`) onto the pool's goal. */
export function applyPoolProfile(p: AgentPoolState, item: Obj, path: string, clusterGoal: string): void {
  const mode = item.mode ?? p.mode
  if (mode !== 'System' && mode !== 'User') throw new InvalidParameter(`${path}.mode`)
  if (item.count !== undefined && item.count !== null) p.count = checkCount(item.count, mode, `${path}.count`)
  else if (mode === 'System' && p.count < 1) throw new InvalidParameter(`${path}.count`)
  p.mode = mode
  const vmSize = stringAt(item, 'vmSize', `${path}.vmSize`)
  if (vmSize !== undefined && vmSize !== p.vmSize) {
    if (p.provisioningState !== 'Creating') throw new PropertyChangeNotAllowed(`${path}.vmSize`)
    if (!/^[A-Za-z0-9_]+$/.test(vmSize)) throw new InvalidParameter(`${path}.vmSize`)
    p.vmSize = vmSize
  }
  const version = stringAt(item, 'orchestratorVersion', `${path}.orchestratorVersion`)
  if (version !== undefined) p.orchestratorVersion = checkPoolVersion(p, version, clusterGoal)
}

/** The cluster's goal Kubernetes version after a PUT asking for `requested`. */
function checkClusterVersion(s: ClusterState, requested: string | undefined): string {
  if (requested === undefined || requested === '' || requested === s.kubernetesVersion)
    return s.kubernetesVersion
  const v = resolveVersion(requested, s.currentKubernetesVersion)
  if (!v) throw new VersionNotSupported(requested, 'this region')
  if (v === s.currentKubernetesVersion) return v
  const allowed = upgradesFrom(s.currentKubernetesVersion)
  if (!allowed.includes(v)) throw new UpgradeNotAllowed(s.currentKubernetesVersion, v, allowed)
  return v
}

function checkAadProfile(aad: Obj, s: ClusterState): void {
  if (aad.managed === false) throw new PropertyChangeNotAllowed('aadProfile.managed')
  const rbac = booleanAt(aad, 'enableAzureRBAC', 'properties.aadProfile.enableAzureRBAC')
  if (rbac !== undefined) s.enableAzureRbac = rbac
  const groups = aad.adminGroupObjectIDs
  if (groups === null) s.adminGroupObjectIds = []
  else if (groups !== undefined) {
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string' && isGuid(g)))
      throw new InvalidParameter(
        'properties.aadProfile.adminGroupObjectIDs',
        'Every entry must be a group object id (a GUID).',
      )
    s.adminGroupObjectIds = [...new Set(groups.map((g) => lower(g as string)))]
  }
}

/** The body's properties onto a copy of the state; the kind of operation they start. */
function applyClusterBody(
  c: ResolvedCluster,
  s: ClusterState,
  body: Obj,
): { next: ClusterState; kind: OperationKind } {
  const next: ClusterState = structuredClone(s)
  const props = objectAt(body, 'properties', 'properties') ?? {}
  if (body.tags !== undefined) next.tags = checkTags(body.tags)
  const dnsPrefix = stringAt(props, 'dnsPrefix', 'properties.dnsPrefix')
  if (dnsPrefix !== undefined && lower(dnsPrefix) !== lower(c.dnsPrefix))
    throw new PropertyChangeNotAllowed('properties.dnsPrefix')
  if (booleanAt(props, 'enableRBAC', 'properties.enableRBAC') === false)
    throw new PropertyChangeNotAllowed('properties.enableRBAC')
  next.kubernetesVersion = checkClusterVersion(
    s,
    stringAt(props, 'kubernetesVersion', 'properties.kubernetesVersion'),
  )
  const disable = booleanAt(props, 'disableLocalAccounts', 'properties.disableLocalAccounts')
  if (disable !== undefined) next.disableLocalAccounts = disable
  const aad = objectAt(props, 'aadProfile', 'properties.aadProfile')
  if (aad) checkAadProfile(aad, next)
  const profiles = props.agentPoolProfiles
  if (profiles !== undefined && profiles !== null) {
    if (!Array.isArray(profiles)) throw new InvalidParameter('properties.agentPoolProfiles')
    profiles.forEach((item, i) => {
      const path = `properties.agentPoolProfiles[${i}]`
      if (!isObj(item)) throw new InvalidParameter(path)
      const name = stringAt(item, 'name', `${path}.name`)
      if (name === undefined || !POOL_NAME.test(name))
        throw new InvalidParameter(
          `${path}.name`,
          'Node pool names are 1–12 lower-case letters and digits, starting with a letter.',
        )
      let p = next.agentPools.find((x) => x.name === name)
      if (!p) {
        p = newPool(name, item.mode === 'System' ? 'System' : 'User', next.kubernetesVersion)
        next.agentPools.push(p)
      }
      applyPoolProfile(p, item, path, next.kubernetesVersion)
    })
  }
  if (!next.agentPools.some((p) => p.mode === 'System'))
    throw new InvalidParameter(
      'properties.agentPoolProfiles',
      'A cluster needs at least one System node pool.',
    )
  const kind: OperationKind =
    next.kubernetesVersion !== s.kubernetesVersion ||
    next.agentPools.some((p, i) => p.orchestratorVersion !== s.agentPools[i]?.orchestratorVersion)
      ? 'Upgrading'
      : next.agentPools.some((p, i) => p.count !== s.agentPools[i]?.count)
        ? 'Scaling'
        : 'Updating'
  return { next, kind }
}

export function checkTags(v: unknown): Record<string, string> {
  if (v === null) return {}
  if (!isObj(v) || !Object.values(v).every((x) => typeof x === 'string'))
    throw new InvalidParameter('tags', 'Tags are an object of string values.')
  if (Object.keys(v).length > 50) throw new InvalidParameter('tags', 'A resource has at most 50 tags.')
  return { ...(v as Record<string, string>) }
}

function requireBody(body: unknown): Obj {
  if (!isObj(body)) throw new InvalidRequestContent('the request body must be a JSON object')
  return body
}

/** PUT …/managedClusters/{name}: update (200) or create (201), both as an operation. */
export function putManagedCluster(
  caller: ArmCaller,
  deps: ArmDeps,
  r: ClusterRef,
  raw: unknown,
): WriteResult {
  const azure = subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, WRITE_ACTIONS.write, r.id)
  let c: ResolvedCluster
  try {
    c = findCluster(deps, r)
  } catch (err) {
    if (!(err instanceof ResourceNotFound) || err instanceof ResourceGroupNotFound) throw err
    return createManagedCluster(deps, r, requireBody(raw), azure.subscriptionId)
  }
  const body = requireBody(raw)
  const location = stringAt(body, 'location', 'location')
  if (location !== undefined && lower(location.replace(/\s/g, '')) !== lower(c.location))
    throw new InvalidResourceLocation(r.name, c.location, r.resourceGroup, location)
  const s = deps.controlPlane.state(c)
  const { next, kind } = applyClusterBody(c, s, body)
  if (s.powerState === 'Stopped' && kind !== 'Updating')
    throw OperationNotAllowed.powerState(
      s.provisioningState,
      s.powerState,
      kind === 'Scaling' ? 'scaling' : 'upgrading',
    )
  const operation = deps.controlPlane.begin(c, kind, (goal) => Object.assign(goal, next))
  return { status: 200, body: toManagedCluster(deps, c), operation }
}

function createManagedCluster(deps: ArmDeps, r: ClusterRef, body: Obj, subscriptionId: string): WriteResult {
  if (!CLUSTER_NAME.test(r.name))
    throw new InvalidParameter(
      'resourceName',
      'A cluster name is 1–63 letters, digits, - and _, starting and ending with a letter or digit.',
    )
  const location = stringAt(body, 'location', 'location')
  if (!location) throw new InvalidParameter('location', 'A new cluster needs a location.')
  const props = objectAt(body, 'properties', 'properties') ?? {}
  const aad = objectAt(props, 'aadProfile', 'properties.aadProfile')
  if (!aad || aad.managed !== true)
    throw new InvalidParameter(
      'properties.aadProfile',
      'The simulator creates AKS-managed Microsoft Entra ID clusters only: set aadProfile.managed to true.',
    )
  const requested = stringAt(props, 'kubernetesVersion', 'properties.kubernetesVersion')
  const defaultVersion = VERSION_CATALOGUE.find((m) => m.isDefault)!.patches.at(-1)!
  const version = requested ? resolveVersion(requested, defaultVersion) : defaultVersion
  if (!version) throw new VersionNotSupported(requested!, location)
  const azure = deps.azure!
  const rg = azure.resourceGroups.find((g) => lower(g.name) === lower(r.resourceGroup))!.name
  const c: ResolvedCluster = {
    name: r.name,
    resourceGroup: rg,
    location: lower(location.replace(/\s/g, '')),
    kubernetesVersion: version,
    dnsPrefix:
      stringAt(props, 'dnsPrefix', 'properties.dnsPrefix') ?? defaultDnsPrefix(r.name, rg, subscriptionId),
    subscriptionId,
    resourceId: `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/${CLUSTER_TYPE}/${r.name}`,
    aadProfile: {
      managed: true,
      enableAzureRbac: false,
      adminGroupObjectIds: [],
      tenantId: lower(deps.directory.tenant.id),
    },
    disableLocalAccounts: false,
    agentPools: [],
  }
  const empty = { ...initialState(c), provisioningState: 'Creating' }
  const { next } = applyClusterBody(c, empty, {
    ...body,
    properties: { ...props, kubernetesVersion: version },
  })
  const { agentPools: _, ...created } = c
  deps.controlPlane.addCluster(c, { ...next, created })
  const operation = deps.controlPlane.begin(c, 'Creating', () => undefined)
  return { status: 201, body: toManagedCluster(deps, c), operation }
}

/** PATCH …/managedClusters/{name} (ManagedClusters_UpdateTags): only `tags`. */
export function patchManagedClusterTags(
  caller: ArmCaller,
  deps: ArmDeps,
  r: ClusterRef,
  raw: unknown,
): WriteResult {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, WRITE_ACTIONS.write, r.id)
  const c = findCluster(deps, r)
  const body = requireBody(raw)
  const tags = checkTags(body.tags ?? {})
  const operation = deps.controlPlane.begin(c, 'Updating', (s) => {
    s.tags = tags
  })
  return { status: 200, body: toManagedCluster(deps, c), operation }
}

/** POST …/stop and …/start: 202 and an operation; refused when already in that power state. */
export function powerAction(
  caller: ArmCaller,
  deps: ArmDeps,
  r: ClusterRef,
  action: 'stop' | 'start',
): WriteResult {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, WRITE_ACTIONS[action], r.id)
  const c = findCluster(deps, r)
  const s = deps.controlPlane.state(c)
  const running = deps.controlPlane.inProgress(c)
  if (running) throw OperationNotAllowed.inProgress(running.kind, running.agentPool)
  const target = action === 'stop' ? 'Stopped' : 'Running'
  if (s.powerState === target)
    throw OperationNotAllowed.powerState(
      s.provisioningState,
      s.powerState,
      action === 'stop' ? 'stopping' : 'starting',
    )
  const operation = deps.controlPlane.begin(c, action === 'stop' ? 'Stopping' : 'Starting', () => undefined)
  return { status: 202, operation }
}

export type { ClusterRef }
