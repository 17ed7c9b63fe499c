/**
 * The status the ReplicaSet and Deployment controllers write (pkg/controller/replicaset and
 * pkg/controller/deployment of kube-controller-manager): counts of the pods and ReplicaSets they own,
 * the Available and Progressing conditions with the reasons and messages `kubectl rollout status` and
 * `kubectl describe` show. Pure functions of the objects and the time.
 */
import { isDeepStrictEqual } from 'node:util'
import type { KubeObject } from '../types.js'
import { arr, obj, type Obj } from '../values.js'

export const POD_TEMPLATE_HASH = 'pod-template-hash'

const count = (o: KubeObject | undefined, field: string): number => {
  const v = obj(o?.status)[field]
  return typeof v === 'number' ? v : 0
}
export const desiredReplicas = (o: KubeObject): number => {
  const r = obj(o.spec).replicas
  return typeof r === 'number' ? r : 1
}

export function isPodReady(pod: KubeObject): boolean {
  return arr(obj(pod.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True')
}

/** ReplicaSetStatus in the Go struct's field order; zero counts are omitted (omitempty) but `replicas`. */
export function replicaSetStatus(rs: KubeObject, pods: readonly KubeObject[]): Obj {
  const want = obj(obj(obj(rs.spec).template).metadata).labels as Record<string, string> | undefined
  const labelled = pods.filter((p) =>
    Object.entries(want ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v),
  ).length
  const ready = pods.filter(isPodReady).length
  const conditions = arr(obj(rs.status).conditions)
  return {
    replicas: pods.length,
    ...(labelled > 0 && { fullyLabeledReplicas: labelled }),
    ...(ready > 0 && { readyReplicas: ready, availableReplicas: ready }),
    observedGeneration: rs.metadata.generation ?? 1,
    ...(conditions.length > 0 && { conditions }),
  }
}

/** intstr.GetScaledValueFromIntOrPercent: a number, or a percentage of `total` rounded up or down. */
function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null
  if (!m) return 0
  const exact = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(exact) : Math.floor(exact)
}

/** ResolveFenceposts: maxSurge rounds up, maxUnavailable down, and both zero means one unavailable. */
export function fenceposts(d: KubeObject): { surge: number; unavailable: number } {
  const spec = obj(d.spec)
  const strategy = obj(spec.strategy)
  if (strategy.type === 'Recreate') return { surge: 0, unavailable: 0 }
  const replicas = desiredReplicas(d)
  const ru = obj(strategy.rollingUpdate)
  const surge = scaled(ru.maxSurge ?? '25%', replicas, true)
  const unavailable = scaled(ru.maxUnavailable ?? '25%', replicas, false)
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable }
}

/** deploymentutil.MaxUnavailable: never more than the desired replicas, none for Recreate or 0 replicas. */
function maxUnavailable(d: KubeObject): number {
  const replicas = desiredReplicas(d)
  if (obj(obj(d.spec).strategy).type === 'Recreate' || replicas === 0) return 0
  return Math.min(fenceposts(d).unavailable, replicas)
}

/** SetDeploymentCondition: same status and reason change nothing; same status keeps the transition time. */
export function setCondition(conditions: Obj[], next: Obj): Obj[] {
  const current = conditions.find((c) => c.type === next.type)
  if (current && current.status === next.status && current.reason === next.reason) return conditions
  const cond =
    current && current.status === next.status
      ? { ...next, lastTransitionTime: current.lastTransitionTime }
      : next
  return [...conditions.filter((c) => c.type !== next.type), cond]
}

export function condition(type: string, status: string, reason: string, message: string, now: string): Obj {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message }
}

/**
 * calculateStatus and syncRolloutStatus of the deployment controller: counts over every ReplicaSet
 * the deployment owns, Available from the minimum availability, Progressing from the new ReplicaSet's
 * progress (NewReplicaSetAvailable once complete, which then stays while nothing is rolled out).
 */
export function deploymentStatus(
  d: KubeObject,
  owned: readonly KubeObject[],
  newRS: KubeObject | undefined,
  now: string,
): Obj {
  const old = obj(d.status)
  const replicas = desiredReplicas(d)
  const sum = (field: string) => owned.reduce((n, rs) => n + count(rs, field), 0)
  const specTotal = owned.reduce((n, rs) => n + desiredReplicas(rs), 0)
  const available = sum('availableReplicas')
  const next: Obj = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum('replicas'),
    updatedReplicas: count(newRS, 'replicas'),
    readyReplicas: sum('readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specTotal - available),
  }
  let conditions = arr(old.conditions)
  conditions =
    available >= replicas - maxUnavailable(d)
      ? setCondition(
          conditions,
          condition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
            now,
          ),
        )
      : setCondition(
          conditions,
          condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
            now,
          ),
        )
  const progressing = conditions.find((c) => c.type === 'Progressing')
  const settled = next.replicas === next.updatedReplicas && progressing?.reason === 'NewReplicaSetAvailable'
  const who = newRS ? `ReplicaSet "${newRS.metadata.name ?? ''}"` : `Deployment "${d.metadata.name ?? ''}"`
  const complete =
    next.updatedReplicas === replicas &&
    next.replicas === replicas &&
    available === replicas &&
    (next.observedGeneration as number) >= (d.metadata.generation ?? 1)
  const oldOld = count(d, 'replicas') - count(d, 'updatedReplicas')
  const moving =
    (next.updatedReplicas as number) > count(d, 'updatedReplicas') ||
    (next.replicas as number) - (next.updatedReplicas as number) < oldOld ||
    (next.readyReplicas as number) > count(d, 'readyReplicas') ||
    available > count(d, 'availableReplicas')
  if (!settled && complete)
    conditions = setCondition(
      conditions,
      condition('Progressing', 'True', 'NewReplicaSetAvailable', `${who} has successfully progressed.`, now),
    )
  else if (!settled && moving) {
    const cond = condition('Progressing', 'True', 'ReplicaSetUpdated', `${who} is progressing.`, now)
    if (progressing?.status === 'True') cond.lastTransitionTime = progressing.lastTransitionTime
    conditions = [...conditions.filter((c) => c.type !== 'Progressing'), cond]
  }
  // Zero counts are omitted (omitempty), as the Go struct marshals them.
  const out: Obj = {}
  for (const [k, v] of Object.entries(next)) if (v !== 0) out[k] = v
  if (conditions.length) out.conditions = conditions
  if (old.collisionCount !== undefined) out.collisionCount = old.collisionCount
  return out
}

/** The template without the pod-template-hash label (EqualIgnoreHash). */
export function templateWithoutHash(template: unknown): Obj {
  const t = obj(template)
  const meta = obj(t.metadata)
  const labels = { ...(obj(meta.labels) as Record<string, string>) }
  delete labels[POD_TEMPLATE_HASH]
  return { ...t, metadata: { ...meta, labels } }
}

export function sameTemplate(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(templateWithoutHash(a), templateWithoutHash(b))
}
