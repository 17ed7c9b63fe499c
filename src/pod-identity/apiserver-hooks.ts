/**
 * The slice plugged into the mock kube-apiserver (`ApiServer.usePodIdentity`): the API server's store
 * as this slice's `ClusterObjects` (the aadpodidentity.k8s.io objects too when it serves their CRDs;
 * otherwise they stay in this slice's memory, as does the simulated node it does not store), writes
 * through the API server's own create/update/delete (so the webhook runs in its admission chain),
 * and the hooks it calls — service-account token
 * authentication, the TokenRequest subresource and the workload identity webhook on pod CREATE.
 */
import type { PodIdentityHooks } from '../apiserver/deps.js'
import type { ApiServer } from '../apiserver/index.js'
import { remove } from '../apiserver/rest/delete.js'
import { create, replace } from '../apiserver/rest/write.js'
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
  /** True when the writer runs admission itself (the API server does). */
  readonly admits: boolean
  create(obj: K8sObject): K8sObject
  /** Replaces an existing object (controllers' status writes). */
  update(obj: K8sObject): K8sObject
  remove(kind: ClusterKind, namespace: string, name: string): K8sObject | undefined
}

export interface ApiServerObjects extends ClusterObjects {
  attach(server: ApiServer): void
  writer: ObjectWriter
}

/** `extra`: the objects of kinds the API server does not serve (AzureIdentity, … without the CRDs). */
export function createApiServerObjects(extra: MemoryCluster): ApiServerObjects {
  let server: ApiServer | undefined
  const listeners = new Set<(type: ChangeType, kind: ClusterKind, obj: K8sObject) => void>()
  const notify = (type: ChangeType, kind: ClusterKind, obj: K8sObject) => {
    for (const l of listeners) l(type, kind, obj)
  }
  const defOf = (kind: ClusterKind) => {
    const gr = SERVED[kind]
    return gr && server ? server.registry.byResource(gr.group, gr.resource) : undefined
  }
  /** The node pods are scheduled on: the API server simulates it without storing a Node. */
  const node = (name: string): K8sObject | undefined =>
    server && name === server.context.cluster.nodeName
      ? { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: stableGuid('aks-auth-sim/node', name) } }
      : undefined
  const objects: ApiServerObjects = {
    get(kind, ns, name) {
      if (kind === 'Node') return node(name)
      const def = defOf(kind)
      if (!def) return SERVED[kind] && !server ? undefined : extra.get(kind, ns, name)
      return server!.store.get(def, ns, name)
    },
    list(kind, ns) {
      if (kind === 'Node') return server ? [node(server.context.cluster.nodeName)!] : []
      const def = defOf(kind)
      if (!def) return SERVED[kind] && !server ? [] : extra.list(kind, ns)
      return server!.store.list(def, ns ?? '')
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    attach(s) {
      server = s
      s.store.subscribe((e) => {
        const kind = KIND_OF_GR.get(e.gr)
        if (kind) notify(e.type, kind, e.object)
      })
      extra.subscribe(notify)
      // Pods that exist already (seeded, or restored from the state dir) start now.
      for (const p of objects.list('Pod')) notify('ADDED', 'Pod', p)
    },
    writer: {
      admits: true,
      create(obj) {
        const kind = obj.kind as ClusterKind
        const def = defOf(kind)
        if (!def) return extra.put(obj)
        const ns = def.namespaced ? (obj.metadata.namespace ?? 'default') : ''
        return create(server!.context, def, ns, obj)
      },
      update(obj) {
        const kind = obj.kind as ClusterKind
        const def = defOf(kind)
        if (!def) return extra.put(obj)
        const ns = def.namespaced ? (obj.metadata.namespace ?? 'default') : ''
        const old = server!.store.get(def, ns, obj.metadata.name ?? '')
        if (!old) return create(server!.context, def, ns, obj)
        return replace(server!.context, def, old, obj, '')
      },
      remove(kind, ns, name) {
        const def = defOf(kind)
        if (!def) return extra.remove(kind, ns, name)
        const out = remove(server!.context, def, ns, name)
        return 'metadata' in out ? (out as K8sObject) : undefined
      },
    },
  }
  return objects
}

/** The hooks the API server calls. */
export function apiServerHooks(pi: {
  authenticateServiceAccountToken: PodIdentityHooks['authenticateServiceAccountToken']
  tokenRequest(input: { namespace: string; name: string; contentType?: string; body: Buffer }): Promise<{
    body: unknown
    warnings: string[]
  }>
  admitPodInProcess(pod: K8sObject, namespace: string, dryRun: boolean): K8sObject
}): PodIdentityHooks {
  return {
    authenticateServiceAccountToken: (token, audiences) =>
      pi.authenticateServiceAccountToken(token, audiences),
    // This slice's errors are the shared Kubernetes Status errors (src/kube): it renders as its own.
    async createToken(input) {
      const r = await pi.tokenRequest({
        namespace: input.namespace,
        name: input.name,
        ...(input.contentType && { contentType: input.contentType }),
        body: input.body,
      })
      return { body: r.body, warnings: r.warnings }
    },
    admitPod: (pod, namespace, dryRun) => pi.admitPodInProcess(pod, namespace, dryRun),
  }
}
