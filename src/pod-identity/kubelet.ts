/**
 * The kubelet's part for simulated pods (k8s pkg/kubelet/token/token_manager.go): for every projected
 * `serviceAccountToken` volume, request a pod-bound token through TokenRequest with the volume's
 * audience and expiration, write it to a file the way the kubelet lays volumes out, and rewrite it
 * once it is older than 80 % of its lifetime or 24 h (judged on the simulated clock, so advancing the
 * clock triggers refreshes). A failed refresh keeps the old file, as the kubelet does; `pause` makes
 * refreshes fail on purpose (the stale-token scenarios).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import type { ClusterObjects, K8sObject } from './cluster-objects.js'

const DAY_MS = 86_400_000
const REFRESH_FRACTION = 0.8

export interface ProjectedToken {
  volume: string
  /** Path inside the volume (`azure-identity-token`, `token/azure-identity-token`). */
  path: string
  audience: string | undefined
  expirationSeconds: number
  /** Where the token is on this machine. */
  file: string
  issuedAt: number
  expiresAt: number
  /** Times the file was (re)written. */
  writes: number
}

export interface PodVolumes {
  namespace: string
  name: string
  uid: string
  /** Host directory of each volume (what a container mount of it points to). */
  volumeDirs: Map<string, string>
  tokens: ProjectedToken[]
  paused: boolean
}

export type MintToken = (
  pod: K8sObject,
  source: { audience: string | undefined; expirationSeconds: number },
) => Promise<{ token: string; issuedAt: number; expiresAt: number }>

interface Projection {
  serviceAccountToken?: { path?: string; audience?: string; expirationSeconds?: number }
}

const key = (ns: string, name: string) => `${ns}/${name}`

export interface Kubelet {
  /** Starts a pod's projected token files (once; concurrent starts share the work). */
  start(pod: K8sObject): Promise<PodVolumes>
  stop(namespace: string, name: string): void
  /** Rewrites tokens due for rotation (all with `force`, or one pod's with `only`); how many were written. */
  refresh(force?: boolean, only?: { namespace: string; name: string }): Promise<number>
  pod(namespace: string, name: string): PodVolumes | undefined
  /** Stop (true) or resume refreshing a pod's tokens, as when the kubelet cannot reach the API server. */
  pause(namespace: string, name: string, paused: boolean): boolean
  close(): void
}

export function createKubelet(deps: {
  /** Root under which pod volumes are written. */
  dir: string
  clock: Clock
  objects: ClusterObjects
  events: EventBus
  mint: MintToken
  tickMs?: number
}): Kubelet {
  const pods = new Map<string, PodVolumes>()

  async function write(pod: K8sObject, t: ProjectedToken): Promise<void> {
    const minted = await deps.mint(pod, { audience: t.audience, expirationSeconds: t.expirationSeconds })
    mkdirSync(dirname(t.file), { recursive: true, mode: 0o700 })
    // A bearer token: readable by the simulator's user only (a real kubelet's file sits in the pod's volume).
    writeFileSync(`${t.file}.tmp`, minted.token, { mode: 0o600 })
    renameSync(`${t.file}.tmp`, t.file)
    t.issuedAt = minted.issuedAt
    t.expiresAt = minted.expiresAt
    t.writes++
    deps.events.emit('kubelet.token_written', 'kubelet', {
      pod: `${pod.metadata.namespace}/${pod.metadata.name}`,
      volume: t.volume,
      writes: t.writes,
      expiresAt: new Date(t.expiresAt).toISOString(),
    })
  }

  const starting = new Map<string, Promise<PodVolumes>>()

  async function startNow(pod: K8sObject, ns: string, name: string): Promise<PodVolumes> {
    const uid = pod.metadata.uid ?? ''
    const root = join(deps.dir, `${ns}_${name}_${uid}`, 'volumes', 'kubernetes.io~projected')
    const volumes = (
      (pod.spec as { volumes?: { name: string; projected?: { sources?: Projection[] } }[] } | undefined)
        ?.volumes ?? []
    ).filter((v) => v.projected)
    const entry: PodVolumes = { namespace: ns, name, uid, volumeDirs: new Map(), tokens: [], paused: false }
    for (const v of volumes) {
      const dir = join(root, v.name)
      entry.volumeDirs.set(v.name, dir)
      for (const s of v.projected?.sources ?? []) {
        const sat = s.serviceAccountToken
        if (!sat?.path) continue
        entry.tokens.push({
          volume: v.name,
          path: sat.path,
          audience: sat.audience || undefined,
          expirationSeconds: sat.expirationSeconds ?? 3600,
          file: join(dir, sat.path),
          issuedAt: 0,
          expiresAt: 0,
          writes: 0,
        })
      }
    }
    for (const t of entry.tokens) await write(pod, t)
    pods.set(key(ns, name), entry)
    return entry
  }

  /** Starts a pod's projected volumes; resolves once the first token files are written. */
  function start(pod: K8sObject): Promise<PodVolumes> {
    const ns = pod.metadata.namespace ?? 'default'
    const name = pod.metadata.name ?? ''
    const k = `${key(ns, name)}/${pod.metadata.uid ?? ''}`
    let p = starting.get(k)
    if (!p) {
      p = startNow(pod, ns, name)
      starting.set(k, p)
      p.catch(() => starting.delete(k))
    }
    return p
  }

  function stop(ns: string, name: string): void {
    const entry = pods.get(key(ns, name))
    for (const k of starting.keys()) if (k.startsWith(`${key(ns, name)}/`)) starting.delete(k)
    if (!entry) return
    pods.delete(key(ns, name))
    const first = [...entry.volumeDirs.values()][0]
    if (first) rmSync(join(first, '..', '..', '..'), { recursive: true, force: true })
  }

  /** Refreshes what is due (or everything with `force`). */
  async function refresh(force = false, only?: { namespace: string; name: string }): Promise<number> {
    let n = 0
    const now = deps.clock.now()
    for (const entry of pods.values()) {
      if (only && (entry.namespace !== only.namespace || entry.name !== only.name)) continue
      const pod = deps.objects.get('Pod', entry.namespace, entry.name)
      if (!pod) continue
      for (const t of entry.tokens) {
        const ttl = t.expiresAt - t.issuedAt
        const due = force || now >= t.issuedAt + ttl * REFRESH_FRACTION || now >= t.issuedAt + DAY_MS
        if (!due || (entry.paused && !force)) continue
        try {
          await write(pod, t)
          n++
        } catch (err) {
          // The kubelet keeps the old token until it expires.
          deps.events.emit('kubelet.token_refresh_failed', 'kubelet', {
            pod: `${entry.namespace}/${entry.name}`,
            error: (err as Error).message,
          })
        }
      }
    }
    return n
  }

  const unsubscribe = deps.objects.subscribe((type, kind, obj) => {
    if (kind !== 'Pod') return
    if (type === 'DELETED') stop(obj.metadata.namespace ?? 'default', obj.metadata.name ?? '')
    else
      start(obj).catch((err: unknown) =>
        deps.events.emit('kubelet.pod_start_failed', 'kubelet', {
          pod: `${obj.metadata.namespace}/${obj.metadata.name}`,
          error: (err as Error).message,
        }),
      )
  })
  let ticking = false
  const timer = setInterval(() => {
    if (ticking) return
    ticking = true
    refresh()
      .catch(() => undefined)
      .finally(() => (ticking = false))
  }, deps.tickMs ?? 1000)
  timer.unref()

  return {
    start,
    stop,
    refresh,
    pod: (ns: string, name: string) => pods.get(key(ns, name)),
    pause(ns: string, name: string, paused: boolean) {
      const entry = pods.get(key(ns, name))
      if (entry) entry.paused = paused
      return entry !== undefined
    },
    close() {
      clearInterval(timer)
      unsubscribe()
    },
  }
}
