/**
 * Everything the request handlers and REST operations share for one API server instance: the
 * resource registry, the object store, the schema model, the clock and the simulated cluster's
 * facts (node, IP ranges). Built once by `createApiServer`; nothing here is module-level state.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { Clock } from '../kernel/clock.js'
import { rfc3339, type SchemaModel } from '../kube/index.js'
import type { DefaultingContext } from './kinds/defaults.js'
import type { ClusterFacts } from './kinds/status-sim.js'
import type { Registry } from './registry.js'
import type { ObjectStore } from './store/object-store.js'
import type { KubeObject } from './types.js'

export interface ServerContext {
  registry: Registry
  store: ObjectStore
  model: SchemaModel
  clock: Clock
  defaulting: DefaultingContext
  cluster: ClusterFacts
  newUid(): string
  /** Mutating admission of pods being created (the workload identity webhook), when configured. */
  admitPod?: (pod: KubeObject, namespace: string, dryRun: boolean) => KubeObject
  /** RFC 3339 time in seconds, the way metav1.Time marshals. */
  now(): string
}

/** Kubernetes' name-suffix alphabet (k8s.io/apimachinery/pkg/util/rand): no vowels, no look-alikes. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

export function randomSuffix(n: number): string {
  return [...randomBytes(n)].map((b) => ALPHABET[b % ALPHABET.length]).join('')
}

export function createServerContext(parts: {
  registry: Registry
  store: ObjectStore
  model: SchemaModel
  clock: Clock
  nodeName: string
  admitPod?: (pod: KubeObject, namespace: string, dryRun: boolean) => KubeObject
}): ServerContext {
  const { registry, store, clock } = parts
  const services = registry.byResource('', 'services')!
  const pods = registry.byResource('', 'pods')!
  const used = (pick: (o: Record<string, unknown>) => unknown[]) => {
    const out = new Set<string>()
    for (const o of store.list(services)) for (const v of pick(o)) out.add(String(v))
    return out
  }
  // AKS defaults: service CIDR 10.0.0.0/16 (10.0.0.1 is `kubernetes`, 10.0.0.10 kube-dns), pods from 10.244.0.0/16.
  const allocateClusterIP = () => {
    const taken = used((o) => [(o.spec as { clusterIP?: string } | undefined)?.clusterIP ?? ''])
    for (let i = 0; i < 65_000; i++) {
      const n = 2 + Math.floor(Math.random() * 65_000)
      const ip = `10.0.${n >> 8}.${n & 255}`
      if (n !== 10 && !taken.has(ip)) return ip
    }
    throw new RangeError('service IP range exhausted')
  }
  const allocateNodePort = () => {
    const taken = used((o) =>
      ((o.spec as { ports?: { nodePort?: number }[] } | undefined)?.ports ?? []).map((p) => p.nodePort),
    )
    for (let p = 30000 + Math.floor(Math.random() * 2768); ; p = p >= 32767 ? 30000 : p + 1)
      if (!taken.has(String(p))) return p
  }
  const podIP = () => {
    const taken = new Set(store.list(pods).map((p) => (p.status as { podIP?: string } | undefined)?.podIP))
    for (let i = 0; i < 65_000; i++) {
      const n = 2 + Math.floor(Math.random() * 65_000)
      const ip = `10.244.${n >> 8}.${n & 255}`
      if (!taken.has(ip)) return ip
    }
    return '10.244.0.2'
  }
  // The scheduler's choice among the Ready, schedulable nodes: the one running the fewest pods.
  const nodes = registry.byResource('', 'nodes')
  const schedule = (requested?: string) => {
    const fallback = { nodeName: requested ?? parts.nodeName, nodeIP: '10.224.0.4' }
    if (!nodes) return fallback
    const internalIP = (n: KubeObject) =>
      ((n.status as { addresses?: { type?: string; address?: string }[] } | undefined)?.addresses ?? []).find(
        (a) => a.type === 'InternalIP',
      )?.address ?? fallback.nodeIP
    if (requested) {
      const n = store.get(nodes, '', requested)
      return { nodeName: requested, nodeIP: n ? internalIP(n) : fallback.nodeIP }
    }
    const ready = store.list(nodes).filter((n) => {
      const status = n.status as { conditions?: { type?: string; status?: string }[] } | undefined
      return (
        !(n.spec as { unschedulable?: boolean } | undefined)?.unschedulable &&
        status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      )
    })
    if (!ready.length) return fallback
    const load = new Map<string, number>()
    for (const p of store.list(pods)) {
      const on = (p.spec as { nodeName?: string } | undefined)?.nodeName
      if (on) load.set(on, (load.get(on) ?? 0) + 1)
    }
    const best = ready.reduce((a, b) =>
      (load.get(b.metadata.name ?? '') ?? 0) < (load.get(a.metadata.name ?? '') ?? 0) ? b : a,
    )
    return { nodeName: best.metadata.name ?? '', nodeIP: internalIP(best) }
  }
  const now = () => rfc3339(clock.now())
  return {
    ...parts,
    defaulting: { suffix: randomSuffix, allocateClusterIP, allocateNodePort },
    cluster: {
      nodeName: parts.nodeName,
      nodeIP: '10.224.0.4',
      schedule,
      podIP,
      now,
    },
    newUid: randomUUID,
    now,
  }
}
