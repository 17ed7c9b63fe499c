/**
 * The RBAC objects of the store, as the Kubernetes RBAC authorizer reads them: Roles, ClusterRoles,
 * RoleBindings and ClusterRoleBindings (with apiVersion/kind), a version that changes with every RBAC
 * write (to key caches on), and a change subscription.
 */
import type { ServerContext } from './context.js'
import { apiVersionOf } from './registry.js'
import type { KubeObject } from './types.js'

export type RbacKind = 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding'

export interface RbacObjectSource {
  list(kind: RbacKind): readonly KubeObject[]
  /** Increases with every RBAC write (the resourceVersion of the latest one). */
  version(): number
  subscribe(
    listener: (change: {
      type: 'ADDED' | 'MODIFIED' | 'DELETED'
      kind: RbacKind
      object: KubeObject
    }) => void,
  ): () => void
}

const RESOURCES: Record<string, RbacKind> = {
  roles: 'Role',
  clusterroles: 'ClusterRole',
  rolebindings: 'RoleBinding',
  clusterrolebindings: 'ClusterRoleBinding',
}

export function createRbacSource(ctx: Pick<ServerContext, 'store' | 'registry'>): RbacObjectSource {
  let version = ctx.store.revision()
  const cache = new Map<RbacKind, { version: number; items: readonly KubeObject[] }>()
  ctx.store.subscribe((e) => {
    const [group, resource] = e.gr.split('/')
    if (group === 'rbac.authorization.k8s.io' && resource && RESOURCES[resource]) version = e.rv
  })
  return {
    list(kind) {
      const hit = cache.get(kind)
      if (hit && hit.version === version) return hit.items
      const def = ctx.registry.byKind('rbac.authorization.k8s.io/v1', kind)!
      const items = ctx.store.list(def).map((o) => ({ apiVersion: apiVersionOf(def), kind, ...o }))
      cache.set(kind, { version, items })
      return items
    },
    version: () => version,
    subscribe(listener) {
      return ctx.store.subscribe((e) => {
        const [group, resource] = e.gr.split('/')
        const kind = group === 'rbac.authorization.k8s.io' && resource ? RESOURCES[resource] : undefined
        if (!kind) return
        const def = ctx.registry.byKind('rbac.authorization.k8s.io/v1', kind)!
        listener({ type: e.type, kind, object: { apiVersion: apiVersionOf(def), kind, ...e.object } })
      })
    },
  }
}
