/**
 * The managed clusters' control-plane state: what ARM's PUT, PATCH and POST change and GET shows — tags,
 * the goal and current Kubernetes versions, node pools with their VM scale set instances, power and
 * provisioning states, and the access toggles — and its file in the state directory. The data plane
 * (the API server, the webhook, the credential actions) reads the *applied* values, which live on the
 * `ResolvedCluster` itself and change only when an operation completes (control-plane.ts).
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { jsonStateFile } from '../kernel/state-file.js'
import type { ResolvedCluster } from '../azure-rbac/index.js'

export type PowerCode = 'Running' | 'Stopped'

/** AKS's provisioning states for what the simulator runs (ManagedClusterProperties.provisioningState). */
export type OperationKind = 'Creating' | 'Updating' | 'Scaling' | 'Upgrading' | 'Stopping' | 'Starting'

export interface AgentPoolState {
  name: string
  count: number
  vmSize: string
  mode: 'System' | 'User'
  orchestratorVersion: string
  currentOrchestratorVersion: string
  powerState: PowerCode
  provisioningState: string
  /** Instance indexes of the pool's scale set (node `aks-<pool>-<8 digits>-vmss<index, base 36>`). */
  instances: number[]
  /** A scale set never reuses an instance index. */
  nextInstance: number
}

export interface ClusterState {
  /** The cluster's resource id as `ResolvedCluster.resourceId` spells it (the key). */
  resourceId: string
  tags: Record<string, string>
  /** The goal version (`kubernetesVersion`) and the one running (`currentKubernetesVersion`). */
  kubernetesVersion: string
  currentKubernetesVersion: string
  provisioningState: string
  powerState: PowerCode
  disableLocalAccounts: boolean
  enableAzureRbac: boolean
  adminGroupObjectIds: string[]
  agentPools: AgentPoolState[]
  /** Clusters created through ARM (not the scenario's): what rebuilds their ResolvedCluster on restart. */
  created?: Omit<ResolvedCluster, 'agentPools'>
}

export interface OperationRecord {
  /** A GUID: the last segment of the Azure-AsyncOperation and Location URLs. */
  id: string
  resourceId: string
  subscriptionId: string
  location: string
  kind: OperationKind
  /** The pool an agent-pool PUT changed (its provisioningState moves too). */
  agentPool?: string
  /** Simulator-clock milliseconds. */
  startTime: number
  /** When the operation is due to finish. */
  dueTime: number
  status: 'InProgress' | 'Succeeded'
  endTime?: number
}

export interface ControlPlaneFile {
  clusters: ClusterState[]
  operations: OperationRecord[]
}

/** A cluster's state as the scenario declares it: every pool running with its declared count. */
export function initialState(c: ResolvedCluster): ClusterState {
  return {
    resourceId: c.resourceId,
    tags: {},
    kubernetesVersion: c.kubernetesVersion,
    currentKubernetesVersion: c.kubernetesVersion,
    provisioningState: 'Succeeded',
    powerState: 'Running',
    disableLocalAccounts: c.disableLocalAccounts,
    enableAzureRbac: c.aadProfile.enableAzureRbac,
    adminGroupObjectIds: [...c.aadProfile.adminGroupObjectIds],
    agentPools: c.agentPools.map((p) => ({
      ...p,
      orchestratorVersion: c.kubernetesVersion,
      currentOrchestratorVersion: c.kubernetesVersion,
      powerState: 'Running',
      provisioningState: 'Succeeded',
      instances: Array.from({ length: p.count }, (_, i) => i),
      nextInstance: p.count,
    })),
  }
}

/**
 * The state file (kernel/state-file.ts: temp + fsync + rename, 0600), or an empty one when there is none.
 * A file that is not JSON stops the start with a message naming it, like every other state file.
 */
export function readControlPlaneFile(file: string | undefined): ControlPlaneFile {
  const parsed = file ? jsonStateFile<Partial<ControlPlaneFile>>(file, 0o600).load() : undefined
  return {
    clusters: Array.isArray(parsed?.clusters) ? parsed.clusters : [],
    operations: Array.isArray(parsed?.operations) ? parsed.operations : [],
  }
}

/** Written before the answer that acknowledges the change (kill -9 right after it loses nothing). */
export function writeControlPlaneFile(file: string | undefined, content: ControlPlaneFile): void {
  if (!file) return
  mkdirSync(dirname(file), { recursive: true })
  jsonStateFile<ControlPlaneFile>(file, 0o600).save(content)
}
