/**
 * The cluster objects this slice reads: service accounts (annotations, uid), pods (labels, node,
 * deletion), secrets, nodes and the aadpodidentity.k8s.io objects. `ClusterObjects` is the read view
 * the webhook, TokenRequest, the service-account authenticator and NMI need; the mock API server's
 * store provides it, and `createMemoryCluster` keeps what the API server does not serve (and serves
 * tests on its own), with the same uid/creationTimestamp bookkeeping.
 */
import { randomUUID } from 'node:crypto'
import { rfc3339 } from '../kube/index.js'

export interface K8sMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  creationTimestamp?: string | null
  deletionTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  [field: string]: unknown
}

/** A Kubernetes object in its JSON form. */
export interface K8sObject {
  apiVersion?: string
  kind?: string
  metadata: K8sMeta
  [field: string]: unknown
}

export type ClusterKind =
  | 'Namespace'
  | 'ServiceAccount'
  | 'Pod'
  | 'Secret'
  | 'Node'
  | 'AzureIdentity'
  | 'AzureIdentityBinding'
  | 'AzureAssignedIdentity'
  | 'AzurePodIdentityException'

export const NAMESPACED: Record<ClusterKind, boolean> = {
  Namespace: false,
  ServiceAccount: true,
  Pod: true,
  Secret: true,
  Node: false,
  AzureIdentity: true,
  AzureIdentityBinding: true,
  AzureAssignedIdentity: true,
  AzurePodIdentityException: true,
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface ClusterObjects {
  get(kind: ClusterKind, namespace: string, name: string): K8sObject | undefined
  list(kind: ClusterKind, namespace?: string): readonly K8sObject[]
  /** Changes to pods (the kubelet simulation starts and stops token files from these). */
  subscribe(listener: (type: ChangeType, kind: ClusterKind, obj: K8sObject) => void): () => void
}

export interface MemoryCluster extends ClusterObjects {
  /** Stores (or replaces) an object, filling uid and creationTimestamp as the API server would. */
  put(obj: K8sObject): K8sObject
  remove(kind: ClusterKind, namespace: string, name: string): K8sObject | undefined
}

export const isClusterKind = (k: unknown): k is ClusterKind =>
  typeof k === 'string' && Object.prototype.hasOwnProperty.call(NAMESPACED, k)

export function createMemoryCluster(opts: { now: () => number; seed?: readonly K8sObject[] }): MemoryCluster {
  const tables = new Map<ClusterKind, Map<string, K8sObject>>()
  const listeners = new Set<(type: ChangeType, kind: ClusterKind, obj: K8sObject) => void>()
  const key = (kind: ClusterKind, ns: string, name: string) => `${NAMESPACED[kind] ? ns : ''}/${name}`
  const table = (kind: ClusterKind) => {
    let t = tables.get(kind)
    if (!t) tables.set(kind, (t = new Map<string, K8sObject>()))
    return t
  }
  const notify = (type: ChangeType, kind: ClusterKind, obj: K8sObject) => {
    for (const l of listeners) {
      try {
        l(type, kind, obj)
      } catch {
        // One failing listener must not stop the write the others see.
      }
    }
  }
  const cluster: MemoryCluster = {
    get: (kind, ns, name) => tables.get(kind)?.get(key(kind, ns, name)),
    list(kind, ns) {
      const all = [...(tables.get(kind)?.values() ?? [])]
      return ns ? all.filter((o) => o.metadata.namespace === ns) : all
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    put(obj) {
      if (!isClusterKind(obj.kind)) throw new RangeError(`unsupported kind ${String(obj.kind)}`)
      const kind = obj.kind
      const ns = NAMESPACED[kind] ? (obj.metadata.namespace ?? 'default') : undefined
      const name = obj.metadata.name ?? ''
      const old = cluster.get(kind, ns ?? '', name)
      const stored: K8sObject = structuredClone({
        ...obj,
        metadata: {
          ...obj.metadata,
          ...(ns !== undefined && { namespace: ns }),
          uid: obj.metadata.uid ?? old?.metadata.uid ?? randomUUID(),
          creationTimestamp:
            obj.metadata.creationTimestamp ?? old?.metadata.creationTimestamp ?? rfc3339(opts.now()),
        },
      })
      table(kind).set(key(kind, ns ?? '', name), stored)
      notify(old ? 'MODIFIED' : 'ADDED', kind, stored)
      return stored
    },
    remove(kind, ns, name) {
      const k = key(kind, ns, name)
      const existing = tables.get(kind)?.get(k)
      if (!existing) return undefined
      tables.get(kind)!.delete(k)
      notify('DELETED', kind, existing)
      return existing
    },
  }
  for (const o of opts.seed ?? []) if (isClusterKind(o.kind)) cluster.put(o)
  return cluster
}

/** Annotations, never undefined. */
export const annotationsOf = (o: K8sObject | undefined): Record<string, string> =>
  o?.metadata.annotations ?? {}
