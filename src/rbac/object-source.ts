/**
 * Where the engine reads RBAC objects from. The API server's object store implements `RbacObjects`;
 * `createMemoryRbacObjects` is the in-memory implementation used by tests and the offline CLI.
 */
import { RBAC_KINDS, type RbacKind } from './types.js'

export interface RbacObjects {
  /** Every stored object of the kind, all namespaces (wire-shaped rbac.authorization.k8s.io/v1 objects). */
  list(kind: RbacKind): readonly unknown[]
  /**
   * Changes whenever any Role, ClusterRole, RoleBinding or ClusterRoleBinding changes. The engine
   * rebuilds its index (and re-aggregates ClusterRoles) when it sees a new value, so it may also change
   * for unrelated writes — that only costs a rebuild.
   */
  version(): number
}

export interface MemoryRbacObjects extends RbacObjects {
  /** Create or replace by kind, namespace and name (like `kubectl apply`). Non-RBAC kinds are ignored. */
  apply(object: unknown): boolean
  /** Remove one object; returns whether it existed. */
  remove(kind: RbacKind, name: string, namespace?: string): boolean
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function keyOf(object: unknown): { kind: RbacKind; key: string } | undefined {
  if (!isRecord(object) || !RBAC_KINDS.includes(object.kind as RbacKind)) return undefined
  const meta = isRecord(object.metadata) ? object.metadata : {}
  const name = typeof meta.name === 'string' ? meta.name : ''
  const ns = typeof meta.namespace === 'string' ? meta.namespace : ''
  return { kind: object.kind as RbacKind, key: `${ns}/${name}` }
}

/**
 * An in-memory object source; insertion order is kept (the engine sorts by name anyway).
 *
 * @example
 * const objects = createMemoryRbacObjects(loadBootstrapPolicy())
 * objects.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', … })
 * const rbac = createRbacAuthorizer(objects)
 */
export function createMemoryRbacObjects(initial: Iterable<unknown> = []): MemoryRbacObjects {
  const maps = new Map<RbacKind, Map<string, unknown>>(RBAC_KINDS.map((k) => [k, new Map()]))
  let version = 0
  const source: MemoryRbacObjects = {
    list: (kind) => [...(maps.get(kind)?.values() ?? [])],
    version: () => version,
    apply(object) {
      const k = keyOf(object)
      if (!k) return false
      maps.get(k.kind)!.set(k.key, object)
      version++
      return true
    },
    remove(kind, name, namespace = '') {
      const removed = maps.get(kind)?.delete(`${namespace}/${name}`) ?? false
      if (removed) version++
      return removed
    },
  }
  for (const object of initial) source.apply(object)
  return source
}
