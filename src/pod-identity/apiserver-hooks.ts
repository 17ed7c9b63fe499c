/**
 * The slice over the mock kube-apiserver: the API server's store as this slice's `ClusterObjects` (the
 * aadpodidentity.k8s.io objects too when it serves their CRDs; otherwise they stay in this slice's
 * memory, as does the simulated node it does not store), and writes through the API server's own
 * create/update/delete (so the workload identity webhook runs in its admission chain).
 */
import type { ApiServerStorage, ObjectWriter as ApiObjectWriter } from '../apiserver/index.js'
import { stableGuid } from '../kernel/ids.js'
import type { ChangeType, ClusterKind, ClusterObjects, K8sObject, MemoryCluster } from './cluster-objects.js'
import { AAD_POD_IDENTITY_GROUP } from './crds.js'

/** Kinds the API server stores: group and resource name. */
const SERVED: Partial<Record<ClusterKind, { group: string; resource: string }>> = {
  Namespace: { group: '', resource: 'namespaces' },
  ServiceAccount: { group: '', resource: 'serviceaccounts' },
  Pod: { group: '', resource: 'pods' },
  Secret: { group: '', resource: 'secrets' },
  AzureIdentity: { group: AAD_POD_IDENTITY_GROUP, resource: 'azureidentities' },
  AzureIdentityBinding: { group: AAD_POD_IDENTITY_GROUP, resource: 'azureidentitybindings' },
  AzureAssignedIdentity: { group: AAD_POD_IDENTITY_GROUP, resource: 'azureassignedidentities' },
  AzurePodIdentityException: { group: AAD_POD_IDENTITY_GROUP, resource: 'azurepodidentityexceptions' },
}
const KIND_OF_GR = new Map(
  Object.entries(SERVED).map(([k, r]) => [`${r.group}/${r.resource}`, k as ClusterKind]),
)

export interface ObjectWriter {
  create(obj: K8sObject): K8sObject
  /** Replaces an existing object (controllers' status writes). */
  update(obj: K8sObject): K8sObject
  remove(kind: ClusterKind, namespace: string, name: string): K8sObject | undefined
}

export interface ApiServerObjects extends ClusterObjects {
  /**
   * Starts forwarding the store's changes to subscribers, and announces the pods that exist already
   * (seeded, or restored from the state dir) — once the subscribers (kubelet, NMI, MIC) exist.
   */
  start(): void
}

/** `extra`: the objects of kinds the API server does not serve (AzureIdentity, … without the CRDs). */
export function createApiServerObjects(storage: ApiServerStorage, extra: MemoryCluster): ApiServerObjects {
  const listeners = new Set<(type: ChangeType, kind: ClusterKind, obj: K8sObject) => void>()
  const notify = (type: ChangeType, kind: ClusterKind, obj: K8sObject) => {
    for (const l of listeners) l(type, kind, obj)
  }
  const defOf = (kind: ClusterKind) => {
    const gr = SERVED[kind]
    return gr && storage.registry.byResource(gr.group, gr.resource)
  }
  /**
   * The node a pod is scheduled on: a stored Node (the agent pools' nodes the control plane keeps), else the
   * one the API server simulates without storing a Node.
   */
  const nodes = storage.registry.byResource('', 'nodes')
  const node = (name: string): K8sObject | undefined =>
    (nodes && storage.store.get(nodes, '', name)) ??
    (name === storage.nodeName
      ? { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: stableGuid('aks-auth-sim/node', name) } }
      : undefined)
  const objects: ApiServerObjects = {
    get(kind, ns, name) {
      if (kind === 'Node') return node(name)
      const def = defOf(kind)
      return def ? storage.store.get(def, ns, name) : extra.get(kind, ns, name)
    },
    list(kind, ns) {
      if (kind === 'Node') {
        const stored = nodes ? storage.store.list(nodes) : []
        return stored.some((n) => n.metadata.name === storage.nodeName)
          ? stored
          : [node(storage.nodeName)!, ...stored]
      }
      const def = defOf(kind)
      return def ? storage.store.list(def, ns ?? '') : extra.list(kind, ns)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    start() {
      storage.store.subscribe((e) => {
        const kind = KIND_OF_GR.get(e.gr)
        if (kind) notify(e.type, kind, e.object)
      })
      extra.subscribe(notify)
      for (const p of objects.list('Pod')) notify('ADDED', 'Pod', p)
    },
  }
  return objects
}

/** Writes of this slice's kinds: the API server's for the kinds it serves, the memory's for the rest. */
export function apiServerWriter(
  storage: ApiServerStorage,
  api: ApiObjectWriter,
  extra: MemoryCluster,
): ObjectWriter {
  const served = (kind: ClusterKind) => {
    const gr = SERVED[kind]
    return gr && storage.registry.byResource(gr.group, gr.resource) ? gr : undefined
  }
  return {
    create(obj) {
      const gr = served(obj.kind as ClusterKind)
      if (!gr) return extra.put(obj)
      return api.create(gr.group, gr.resource, obj.metadata.namespace ?? 'default', obj)
    },
    update(obj) {
      const gr = served(obj.kind as ClusterKind)
      if (!gr) return extra.put(obj)
      return api.update(gr.group, gr.resource, obj.metadata.namespace ?? 'default', obj)
    },
    remove(kind, ns, name) {
      const gr = served(kind)
      if (!gr) return extra.remove(kind, ns, name)
      return api.remove(gr.group, gr.resource, ns, name)
    },
  }
}
