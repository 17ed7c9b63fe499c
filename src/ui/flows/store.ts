/**
 * The flows the UI knows, bounded: the least recently changed flow is forgotten when the store is
 * full. Every change gets a sequence number, so a reconnecting browser can ask for "everything after
 * N" and get the changed flows and the removals it missed, or learn it must start over.
 */
import { withSeq } from './lazy-steps.js'
import type { Flow } from './types.js'

export type FlowChange = { seq: number; flow: Flow } | { seq: number; removed: string }

export interface FlowStore {
  /** Inserts or replaces a flow (by id), giving it the next sequence number. */
  put(flow: Omit<Flow, 'seq'>): Flow
  /**
   * Counts a new flow that is forgotten at once: the next sequence number goes, and changes up to it
   * are no longer known — as when a flow is put and pushed out before anyone read it (the tracker's
   * deferred reviews).
   */
  skip(): void
  /** Forgets a flow, leaving a removal notice for clients that had it. */
  remove(id: string): void
  get(id: string): Flow | undefined
  /** Oldest change first; `limit` keeps the newest. */
  list(limit?: number): Flow[]
  /** Changes after `seq`, oldest first; undefined when some of them are no longer known. */
  changesSince(seq: number): FlowChange[] | undefined
  /** The sequence number of the latest change. */
  seq(): number
  size(): number
  /** Most flows kept. */
  capacity(): number
  subscribe(listener: (change: FlowChange) => void): () => void
}

export function createFlowStore(capacity = 500, removalMemory = 256): FlowStore {
  // Map order is change order: a changed flow is deleted and re-added at the end.
  const flows = new Map<string, Flow>()
  const removals: { seq: number; removed: string }[] = []
  const listeners = new Set<(change: FlowChange) => void>()
  let seq = 0
  // Changes at or below this sequence number may have been forgotten.
  let floor = 0
  const notify = (change: FlowChange) => {
    for (const l of listeners) l(change)
  }
  const remember = (removal: { seq: number; removed: string }) => {
    removals.push(removal)
    if (removals.length > removalMemory) floor = Math.max(floor, removals.shift()!.seq)
  }
  return {
    put(input) {
      // Not a spread: that would build a flow's lazy steps (lazy-steps.ts) for every change.
      const flow: Flow = withSeq(input, ++seq)
      flows.delete(flow.id)
      flows.set(flow.id, flow)
      if (flows.size > capacity) {
        const [oldestId, oldest] = flows.entries().next().value!
        flows.delete(oldestId)
        floor = Math.max(floor, oldest.seq)
      }
      notify({ seq: flow.seq, flow })
      return flow
    },
    skip() {
      floor = ++seq
    },
    remove(id) {
      if (!flows.delete(id)) return
      const removal = { seq: ++seq, removed: id }
      remember(removal)
      notify(removal)
    },
    get: (id) => flows.get(id),
    list(limit = capacity) {
      const all = [...flows.values()]
      return all.slice(Math.max(0, all.length - limit))
    },
    changesSince(after) {
      if (after < floor || after > seq) return undefined
      const out: FlowChange[] = []
      for (const flow of flows.values()) if (flow.seq > after) out.push({ seq: flow.seq, flow })
      for (const r of removals) if (r.seq > after) out.push(r)
      return out.sort((a, b) => a.seq - b.seq)
    },
    seq: () => seq,
    size: () => flows.size,
    capacity: () => capacity,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
