/**
 * The object store: every served object, keyed like etcd keys (resource, namespace, name), one
 * global resourceVersion counter (an etcd revision), optimistic concurrency, a bounded history of
 * changes for watches that resume from a resourceVersion, and change subscriptions. Stored objects
 * are deep-frozen: readers share them, writers replace them.
 */
import type { KubeObject } from '../types.js'
import type { Persistence, ResourceKey } from './types.js'

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface StoreEvent {
  type: ChangeType
  rv: number
  /** `group/resource`, e.g. `/pods` or `apps/deployments`. */
  gr: string
  namespace: string
  name: string
  object: KubeObject
}

export interface ObjectStore {
  /** The current revision: the resourceVersion of the latest write. */
  revision(): number
  get(r: ResourceKey, namespace: string, name: string): KubeObject | undefined
  /** Objects of one resource, sorted by namespace then name; `namespace` '' = all namespaces. */
  list(r: ResourceKey, namespace?: string): readonly KubeObject[]
  /** Stores a new object; the caller has checked it does not exist. Returns the stored (frozen) copy. */
  put(r: ResourceKey, obj: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject
  remove(r: ResourceKey, namespace: string, name: string, last?: KubeObject): KubeObject | undefined
  /** Puts back an object read from disk at start-up: no new revision, no event. */
  restore(r: ResourceKey, obj: KubeObject): void
  /** Changes after `rv` (oldest first), or `undefined` when history no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] | undefined
  subscribe(listener: (e: StoreEvent) => void): () => void
}

const grOf = (r: ResourceKey) => `${r.group}/${r.resource}`

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value as object)) deepFreeze(v)
  }
  return value
}

export function createObjectStore(
  opts: { persistence?: Persistence; historySize?: number; initialRevision?: number } = {},
): ObjectStore {
  const tables = new Map<string, Map<string, KubeObject>>()
  const sorted = new Map<string, readonly KubeObject[]>()
  const history: StoreEvent[] = []
  const historySize = opts.historySize ?? 2000
  const listeners = new Set<(e: StoreEvent) => void>()
  let rev = opts.initialRevision ?? 1
  // Watches from a revision before the first remembered event must get 410 Expired.
  let oldestReachable = rev

  const table = (gr: string) => {
    let t = tables.get(gr)
    if (!t) tables.set(gr, (t = new Map<string, KubeObject>()))
    return t
  }
  const keyOf = (ns: string, name: string) => `${ns}\u0000${name}`

  function record(e: StoreEvent): void {
    history.push(e)
    if (history.length > historySize) {
      const dropped = history.splice(0, history.length - historySize)
      oldestReachable = dropped[dropped.length - 1]!.rv
    }
    for (const l of listeners) {
      try {
        l(e)
      } catch {
        // A broken watcher must not fail the write that everyone else sees.
      }
    }
  }

  return {
    revision: () => rev,
    get(r, namespace, name) {
      return tables.get(grOf(r))?.get(keyOf(r.namespaced ? namespace : '', name))
    },
    list(r, namespace = '') {
      const gr = grOf(r)
      let all = sorted.get(gr)
      if (!all) {
        const t = tables.get(gr)
        all = t ? [...t.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o) : []
        sorted.set(gr, all)
      }
      return namespace && r.namespaced ? all.filter((o) => o.metadata.namespace === namespace) : all
    },
    put(r, obj, type) {
      const gr = grOf(r)
      rev += 1
      const stored = deepFreeze({
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: String(rev) },
      })
      const ns = r.namespaced ? (stored.metadata.namespace ?? '') : ''
      const name = stored.metadata.name ?? ''
      opts.persistence?.save(r, stored, rev)
      table(gr).set(keyOf(ns, name), stored)
      sorted.delete(gr)
      record({ type, rv: rev, gr, namespace: ns, name, object: stored })
      return stored
    },
    remove(r, namespace, name, last) {
      const gr = grOf(r)
      const ns = r.namespaced ? namespace : ''
      const t = tables.get(gr)
      const existing = t?.get(keyOf(ns, name))
      if (!existing || !t) return undefined
      rev += 1
      opts.persistence?.remove(r, ns, name, rev)
      t.delete(keyOf(ns, name))
      sorted.delete(gr)
      // The DELETED event carries the object's final state at the deletion's resourceVersion.
      const final = deepFreeze({
        ...(last ?? existing),
        metadata: { ...(last ?? existing).metadata, resourceVersion: String(rev) },
      })
      record({ type: 'DELETED', rv: rev, gr, namespace: ns, name, object: final })
      return final
    },
    restore(r, obj) {
      const stored = deepFreeze(obj)
      const ns = r.namespaced ? (stored.metadata.namespace ?? '') : ''
      table(grOf(r)).set(keyOf(ns, stored.metadata.name ?? ''), stored)
      sorted.delete(grOf(r))
    },
    eventsSince(rv) {
      if (rv < oldestReachable) return undefined
      let lo = 0
      let hi = history.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (history[mid]!.rv <= rv) lo = mid + 1
        else hi = mid
      }
      return history.slice(lo)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
