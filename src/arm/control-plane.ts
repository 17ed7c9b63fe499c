/**
 * The AKS control plane's running state: one `ClusterState` per managed cluster and ARM's long-running
 * operations on the simulator clock. A write changes the goal at once (what GET shows, with a transitional
 * provisioningState such as `Scaling`) and starts an operation; when the simulator clock reaches its due
 * time — a real-time sweep, any read, or `clock advance` — the operation succeeds and its effects are
 * *applied*: the ResolvedCluster's access settings (read by the API server, the webhook and the
 * credential actions), current versions, the scale sets' instances, and every `onApplied` listener (the
 * composition root turns instances into `Node` objects). One operation per cluster at a time, as AKS.
 */
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import { newGuid } from '../kernel/ids.js'
import { OperationNotAllowed } from './control-plane-errors.js'
import {
  initialState,
  readControlPlaneFile,
  writeControlPlaneFile,
  type ClusterState,
  type OperationKind,
  type OperationRecord,
} from './control-plane-state.js'
import type { ResolvedAzure, ResolvedCluster } from '../azure-rbac/index.js'

export interface ControlPlaneOptions {
  azure: ResolvedAzure | undefined
  clock: Clock
  events: EventBus
  /** `<state-dir>/control-plane.json`; undefined keeps everything in memory. */
  stateFile?: string
  /** Simulated milliseconds an operation runs. */
  operationMs: number
  /** `Retry-After` on running operations, in seconds. */
  retryAfterSeconds: number
  /** Real-time milliseconds between sweeps for due operations (tests may turn it off with 0). */
  sweepIntervalMs?: number
  /** A cluster's 8-digit scale-set number, when it must be a given one (default: a hash of the cluster). */
  scaleSetNumber?: (c: ResolvedCluster) => string | undefined
}

/** One node an agent pool's scale set runs (the composition root makes it a `Node`). */
export interface DesiredNode {
  name: string
  pool: string
  mode: 'System' | 'User'
  vmSize: string
  /** `v1.32.4`: the pool's current orchestrator version. */
  kubeletVersion: string
  /** The scale-set instance index (`vmss<index base 36>`, providerID `…/virtualMachines/<index>`). */
  instance: number
  /** The node pool's scale set: `aks-<pool>-<8 digits>-vmss`. */
  scaleSet: string
}

export interface ControlPlane {
  readonly retryAfterSeconds: number
  /** The cluster's state (created from the scenario on first use). */
  state(c: ResolvedCluster): ClusterState
  /** The running operation of a cluster, if any. */
  inProgress(c: ResolvedCluster): OperationRecord | undefined
  /** Starts an operation after `change` edits the goal; refuses while another runs (409). */
  begin(
    c: ResolvedCluster,
    kind: OperationKind,
    change: (s: ClusterState) => void,
    agentPool?: string,
  ): OperationRecord
  /** An operation by id (finishing it first if it is due). */
  operation(id: string): OperationRecord | undefined
  /** Registers a cluster created through ARM (PUT of a new name), with its state. */
  addCluster(c: ResolvedCluster, state: ClusterState): void
  /** The nodes the cluster's scale sets run now (none while stopped). */
  nodes(c: ResolvedCluster): DesiredNode[]
  /** Called after an operation's effects are applied, and once per cluster by `applyAll`. */
  onApplied(listener: (c: ResolvedCluster) => void): () => void
  /** Finishes due operations (the sweep; also run on every read). */
  sweep(): void
  /** Applies every cluster's state to the data plane (start-up, after a restart). */
  applyAll(): void
  close(): void
}

const key = (id: string) => id.toLowerCase()

/** AKS's 8-digit scale-set number: one per cluster, shared by its pools (here a hash of the cluster id). */
export function scaleSetNumber(c: ResolvedCluster): string {
  let h = 0
  for (const ch of key(c.resourceId)) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return String(h % 100_000_000).padStart(8, '0')
}

export function createControlPlane(o: ControlPlaneOptions): ControlPlane {
  const clusters = new Map<string, ClusterState>()
  const operations = new Map<string, OperationRecord>()
  const listeners = new Set<(c: ResolvedCluster) => void>()
  const resolved = () => o.azure?.clusters ?? []
  const clusterOf = (resourceId: string) => resolved().find((c) => key(c.resourceId) === key(resourceId))
  const scaleSetName = (c: ResolvedCluster, pool: string) =>
    `aks-${pool}-${o.scaleSetNumber?.(c) ?? scaleSetNumber(c)}-vmss`

  // What survived a restart: created clusters first, then every state; running operations finish now.
  const saved = readControlPlaneFile(o.stateFile)
  for (const s of saved.clusters) {
    if (s.created && o.azure && !clusterOf(s.resourceId))
      o.azure.clusters.push({ ...s.created, agentPools: s.agentPools.map(poolSpec) })
    if (clusterOf(s.resourceId)) clusters.set(key(s.resourceId), s)
  }
  for (const op of saved.operations.slice(-100)) operations.set(op.id, op)

  const persist = () =>
    writeControlPlaneFile(o.stateFile, {
      clusters: [...clusters.values()],
      operations: [...operations.values()].slice(-100),
    })

  const state = (c: ResolvedCluster): ClusterState => {
    let s = clusters.get(key(c.resourceId))
    if (!s) {
      s = initialState(c)
      clusters.set(key(c.resourceId), s)
    }
    return s
  }

  /** The goal becomes the running state, and the data plane follows. */
  const apply = (c: ResolvedCluster, s: ClusterState) => {
    c.disableLocalAccounts = s.disableLocalAccounts
    c.aadProfile.enableAzureRbac = s.enableAzureRbac
    c.aadProfile.adminGroupObjectIds = [...s.adminGroupObjectIds]
    c.kubernetesVersion = s.currentKubernetesVersion
    c.agentPools = s.agentPools.map(poolSpec)
    for (const l of listeners) l(c)
  }

  const finish = (op: OperationRecord) => {
    op.status = 'Succeeded'
    op.endTime = Math.max(op.dueTime, op.startTime)
    const c = clusterOf(op.resourceId)
    const s = clusters.get(key(op.resourceId))
    if (!c || !s) return
    if (op.kind === 'Stopping') s.powerState = 'Stopped'
    if (op.kind === 'Starting') s.powerState = 'Running'
    s.provisioningState = 'Succeeded'
    s.currentKubernetesVersion = s.kubernetesVersion
    for (const p of s.agentPools) {
      p.provisioningState = 'Succeeded'
      p.powerState = s.powerState
      p.currentOrchestratorVersion = p.orchestratorVersion
      while (p.instances.length < p.count) p.instances.push(p.nextInstance++)
      p.instances = p.instances.slice(0, p.count)
    }
    o.events.emit('operation.succeeded', 'arm', {
      operation: op.id,
      kind: op.kind,
      cluster: c.resourceId,
      ...(op.agentPool && { agentPool: op.agentPool }),
    })
    apply(c, s)
  }

  const sweep = () => {
    const now = o.clock.now()
    let changed = false
    for (const op of operations.values())
      if (op.status === 'InProgress' && now >= op.dueTime) {
        finish(op)
        changed = true
      }
    if (changed) persist()
  }

  // Operations that were running when the simulator stopped have finished by now.
  for (const op of operations.values()) if (op.status === 'InProgress') op.dueTime = Number.NEGATIVE_INFINITY
  for (const op of operations.values()) if (op.status === 'InProgress') finish(op)

  const inProgress = (c: ResolvedCluster) => {
    sweep()
    return [...operations.values()].find(
      (op) => op.status === 'InProgress' && key(op.resourceId) === key(c.resourceId),
    )
  }

  const timer = (o.sweepIntervalMs ?? 1000) > 0 ? setInterval(sweep, o.sweepIntervalMs ?? 1000) : undefined
  timer?.unref()
  const unsubscribe = o.events.subscribe((e) => {
    if (e.type === 'clock.advanced') sweep()
  })

  return {
    retryAfterSeconds: o.retryAfterSeconds,
    state: (c) => {
      sweep()
      return state(c)
    },
    inProgress,
    begin(c, kind, change, agentPool) {
      const running = inProgress(c)
      if (running) throw OperationNotAllowed.inProgress(running.kind, running.agentPool)
      const s = state(c)
      change(s)
      s.provisioningState = kind
      for (const p of s.agentPools) if (!agentPool || p.name === agentPool) p.provisioningState = kind
      const now = o.clock.now()
      const op: OperationRecord = {
        id: newGuid(),
        resourceId: c.resourceId,
        subscriptionId: c.subscriptionId,
        location: c.location,
        kind,
        ...(agentPool && { agentPool }),
        startTime: now,
        dueTime: now + o.operationMs,
        status: 'InProgress',
      }
      operations.set(op.id, op)
      o.events.emit('operation.started', 'arm', {
        operation: op.id,
        kind,
        cluster: c.resourceId,
        ...(agentPool && { agentPool }),
      })
      persist()
      // A zero duration still answers 201/202 first; the operation is done by the first poll.
      return op
    },
    operation(id) {
      sweep()
      return operations.get(id.toLowerCase())
    },
    addCluster(c, s) {
      o.azure?.clusters.push(c)
      clusters.set(key(c.resourceId), s)
      persist()
    },
    nodes(c) {
      const s = state(c)
      if (s.powerState !== 'Running') return []
      return s.agentPools
        .filter((p) => p.powerState === 'Running')
        .flatMap((p) =>
          p.instances.map((i) => ({
            name: `${scaleSetName(c, p.name)}${i.toString(36).padStart(6, '0')}`,
            pool: p.name,
            mode: p.mode,
            vmSize: p.vmSize,
            kubeletVersion: `v${p.currentOrchestratorVersion}`,
            instance: i,
            scaleSet: scaleSetName(c, p.name),
          })),
        )
    },
    onApplied(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    sweep,
    applyAll() {
      for (const c of resolved()) apply(c, state(c))
    },
    close() {
      if (timer) clearInterval(timer)
      unsubscribe()
    },
  }
}

function poolSpec(p: ClusterState['agentPools'][number]): ResolvedCluster['agentPools'][number] {
  return { name: p.name, count: p.instances.length, vmSize: p.vmSize, mode: p.mode }
}
