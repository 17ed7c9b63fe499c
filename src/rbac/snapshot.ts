/**
 * An immutable, indexed view of the RBAC objects at one store version: ClusterRoles with aggregation
 * applied, roles by key, bindings in visiting order, and bindings indexed by the subjects they name.
 *
 * The index is what keeps a decision from walking every binding: a request looks up its user name and
 * each of its groups, and visits only the bindings found there, in the same order a linear walk would.
 * ServiceAccount subjects are indexed under the user name they match (`system:serviceaccount:<ns>:<name>`).
 *
 * The snapshot also carries the lazily filled state decisions use (compiled rule tables, per-scope
 * chains, reason strings). It is derived only from the snapshot's own objects, and a new snapshot —
 * built whenever the source's version changes — starts with an empty one, which is what keeps it
 * from ever outliving a write.
 */
import { aggregate } from './aggregation.js'
import type { RbacObjects } from './object-source.js'
import { newDecisionCache, type DecisionCache } from './decision-cache.js'
import {
  normalizeBinding,
  normalizeRole,
  type IndexedBinding,
  type NormalizedBinding,
  type NormalizedRole,
} from './normalize.js'
import { serviceAccountUsername, subjectServiceAccountNamespace } from './subjects.js'
import type { UserInfo } from './types.js'

export interface SubjectIndex {
  byUser: Map<string, IndexedBinding[]>
  byGroup: Map<string, IndexedBinding[]>
  /** Every binding of the snapshot, at its ordinal. */
  byOrdinal: readonly IndexedBinding[]
}

export interface RbacSnapshot {
  version: number
  /** Effective ClusterRoles (aggregated rules in place of stored ones). */
  clusterRoles: Map<string, NormalizedRole>
  /** Roles by `namespace/name`. */
  roles: Map<string, NormalizedRole>
  clusterRoleBindings: IndexedBinding[]
  roleBindings: Map<string, IndexedBinding[]>
  clusterIndex: SubjectIndex
  namespaceIndex: Map<string, SubjectIndex>
  /** Aggregation selector problems. */
  problems: string[]
  /** Compiled state for decisions, filled lazily, for this snapshot only (see decide.ts). */
  cache: DecisionCache
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** Last object wins for a repeated kind/namespace/name, like repeated applies. */
function uniqueByKey<T extends { name: string; namespace: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [`${i.namespace}/${i.name}`, i])).values()]
}

function push(map: Map<string, IndexedBinding[]>, key: string, binding: IndexedBinding) {
  const list = map.get(key)
  if (!list) map.set(key, [binding])
  else if (list[list.length - 1] !== binding) list.push(binding) // two subjects, same key
}

function indexBindings(bindings: IndexedBinding[], byOrdinal: readonly IndexedBinding[]): SubjectIndex {
  const index: SubjectIndex = { byUser: new Map(), byGroup: new Map(), byOrdinal }
  for (const b of bindings)
    for (const s of b.subjects) {
      if (s.kind === 'User') push(index.byUser, s.name, b)
      else if (s.kind === 'Group') push(index.byGroup, s.name, b)
      else if (s.kind === 'ServiceAccount') {
        const ns = subjectServiceAccountNamespace(s, b.namespace)
        if (ns !== '') push(index.byUser, serviceAccountUsername(ns, s.name), b)
      }
    }
  return index
}

export function buildSnapshot(source: RbacObjects, version: number): RbacSnapshot {
  const clusterRoleList = uniqueByKey(
    source
      .list('ClusterRole')
      .map((o) => normalizeRole(o, 'ClusterRole'))
      .filter((r): r is NormalizedRole => !!r),
  )
  const { rules: aggregated, problems } = aggregate(clusterRoleList)
  const clusterRoles = new Map(
    clusterRoleList.map((r) => [
      r.name,
      aggregated.has(r.name) ? { ...r, rules: aggregated.get(r.name)! } : r,
    ]),
  )
  const roles = new Map(
    source
      .list('Role')
      .map((o) => normalizeRole(o, 'Role'))
      .filter((r): r is NormalizedRole => !!r)
      .map((r) => [`${r.namespace}/${r.name}`, r]),
  )
  let ordinal = 0
  const clusterRoleBindings = uniqueByKey(
    source
      .list('ClusterRoleBinding')
      .map((o) => normalizeBinding(o, 'ClusterRoleBinding'))
      .filter((b): b is NormalizedBinding => !!b),
  )
    .sort(byName)
    .map((b) => ({ ...b, ordinal: ordinal++ }))
  const grouped = new Map<string, NormalizedBinding[]>()
  for (const b of uniqueByKey(
    source
      .list('RoleBinding')
      .map((o) => normalizeBinding(o, 'RoleBinding'))
      .filter((b): b is NormalizedBinding => !!b),
  ))
    grouped.set(b.namespace, [...(grouped.get(b.namespace) ?? []), b])
  const roleBindings = new Map<string, IndexedBinding[]>()
  for (const ns of [...grouped.keys()].sort())
    roleBindings.set(
      ns,
      grouped
        .get(ns)!
        .sort(byName)
        .map((b) => ({ ...b, ordinal: ordinal++ })),
    )
  const byOrdinal = [...clusterRoleBindings, ...[...roleBindings.values()].flat()]
  return {
    version,
    clusterRoles,
    roles,
    clusterRoleBindings,
    roleBindings,
    clusterIndex: indexBindings(clusterRoleBindings, byOrdinal),
    namespaceIndex: new Map([...roleBindings].map(([ns, list]) => [ns, indexBindings(list, byOrdinal)])),
    problems,
    cache: newDecisionCache(),
  }
}

/**
 * The bindings of one index that may apply to the user, in visiting order. A superset is safe (the
 * caller still checks each subject); the index guarantees no applicable binding is missed.
 */
export function candidateBindings(index: SubjectIndex | undefined, user: UserInfo): IndexedBinding[] {
  if (!index) return []
  const lists: IndexedBinding[][] = []
  let total = 0
  const own = index.byUser.get(user.name)
  if (own) {
    lists.push(own)
    total += own.length
  }
  for (const g of user.groups ?? []) {
    const list = index.byGroup.get(g)
    if (list) {
      lists.push(list)
      total += list.length
    }
  }
  if (lists.length <= 1) return lists[0] ?? []
  // Users with hundreds of groups can gather hundreds of candidates: sort their ordinals natively
  // (a typed-array sort) instead of sorting objects with a comparator.
  const ordinals = new Uint32Array(total)
  let k = 0
  for (const list of lists) for (const b of list) ordinals[k++] = b.ordinal
  ordinals.sort()
  const unique: IndexedBinding[] = []
  let previous = -1
  for (const o of ordinals)
    if (o !== previous) {
      unique.push(index.byOrdinal[o]!)
      previous = o
    }
  return unique
}
