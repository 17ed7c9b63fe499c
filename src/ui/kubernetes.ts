/**
 * The Kubernetes side of the access explorer and the host controls: the RBAC engine, the bindings,
 * and writing bindings. Backed by the API server's object store (the same objects kubectl sees,
 * through the same create/delete path as an API request).
 */
import type { ApiServer, KubeObject } from '../apiserver/index.js'
import { createRbacAuthorizer, type RbacAuthorizer } from '../rbac/index.js'

export type BindingKind = 'RoleBinding' | 'ClusterRoleBinding'

export interface BindingView {
  kind: BindingKind
  name: string
  namespace?: string
  role: { kind: string; name: string }
  subjects: { kind: string; name: string; namespace?: string }[]
  /** Part of Kubernetes' bootstrap policy (system:… bindings). */
  bootstrap: boolean
}

export interface UiKubernetes {
  rbac: RbacAuthorizer
  bindings(): BindingView[]
  namespaces(): string[]
  /** Creates a binding; throws the API server's error (AlreadyExists, Invalid, NotFound namespace). */
  createBinding(b: Omit<BindingView, 'bootstrap'>): void
  /** Deletes a binding; false when there was none. */
  deleteBinding(kind: BindingKind, name: string, namespace?: string): boolean
}

const RBAC_GROUP = 'rbac.authorization.k8s.io'

function toManifest(b: Omit<BindingView, 'bootstrap'>): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: b.kind,
    metadata: { name: b.name, ...(b.kind === 'RoleBinding' && { namespace: b.namespace }) },
    roleRef: { apiGroup: RBAC_GROUP, kind: b.role.kind, name: b.role.name },
    subjects: b.subjects.map((s) =>
      s.kind === 'ServiceAccount'
        ? { kind: s.kind, name: s.name, namespace: s.namespace }
        : { apiGroup: RBAC_GROUP, kind: s.kind, name: s.name },
    ),
  }
}

function viewOf(o: unknown): BindingView | undefined {
  const obj = o as Partial<KubeObject> & {
    roleRef?: { kind?: string; name?: string }
    subjects?: { kind?: string; name?: string; namespace?: string }[] | null
  }
  if (obj.kind !== 'RoleBinding' && obj.kind !== 'ClusterRoleBinding') return undefined
  const meta = obj.metadata ?? {}
  return {
    kind: obj.kind,
    name: meta.name ?? '',
    ...(meta.namespace && { namespace: meta.namespace }),
    role: { kind: obj.roleRef?.kind ?? '', name: obj.roleRef?.name ?? '' },
    subjects: (obj.subjects ?? []).map((s) => ({
      kind: s.kind ?? '',
      name: s.name ?? '',
      ...(s.namespace && { namespace: s.namespace }),
    })),
    bootstrap: meta.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults',
  }
}

/** Over the running API server's store. */
export function kubernetesFromApiServer(server: ApiServer, rbac?: RbacAuthorizer): UiKubernetes {
  const engine = rbac ?? createRbacAuthorizer(server.rbac)
  const ctx = server.context
  const def = (kind: BindingKind) => ctx.registry.byKind(`${RBAC_GROUP}/v1`, kind)!
  return {
    rbac: engine,
    bindings: () =>
      [...server.rbac.list('ClusterRoleBinding'), ...server.rbac.list('RoleBinding')]
        .map(viewOf)
        .filter((b): b is BindingView => b !== undefined),
    namespaces: () =>
      ctx.store
        .list(ctx.registry.byResource('', 'namespaces')!)
        .map((n) => n.metadata.name ?? '')
        .filter(Boolean),
    createBinding(b) {
      server.writer.create(RBAC_GROUP, def(b.kind).resource, b.namespace ?? '', toManifest(b))
    },
    deleteBinding(kind, name, namespace = '') {
      if (!ctx.store.get(def(kind), kind === 'RoleBinding' ? namespace : '', name)) return false
      server.writer.remove(RBAC_GROUP, def(kind).resource, namespace, name)
      return true
    },
  }
}
