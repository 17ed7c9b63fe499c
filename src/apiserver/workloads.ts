/**
 * The workload controllers of kube-controller-manager, as far as a workshop sees them through
 * kubectl: the deployment controller keeps one ReplicaSet per pod template (`<name>-<pod-template-hash>`,
 * revisions in `deployment.kubernetes.io/revision`), scales the new one to the desired replicas and
 * the old ones to 0 (a rollout completes at once, as the simulated pods are ready when created); the
 * ReplicaSet controller keeps its pods (`<rs>-<5 chars>`); the garbage collector deletes what a
 * deleted owner leaves behind. Each sync writes only what changed, so watches see no churn.
 */
import { isDeepStrictEqual } from 'node:util'
import type { ServerContext } from './context.js'
import { templateHash } from './kinds/status-sim.js'
import {
  POD_TEMPLATE_HASH,
  condition,
  deploymentStatus,
  desiredReplicas,
  fenceposts,
  isPodReady,
  replicaSetStatus,
  sameTemplate,
  setCondition,
} from './kinds/workload-status.js'
import { controllerOf, dependentsOf, ownerExists, ownerRefs } from './rest/dependents.js'
import { remove } from './rest/delete.js'
import { create, replace } from './rest/write.js'
import type { KubeObject } from './types.js'
import { arr, obj, type Obj } from './values.js'

const REVISION = 'deployment.kubernetes.io/revision'
const DESIRED = 'deployment.kubernetes.io/desired-replicas'
const MAX = 'deployment.kubernetes.io/max-replicas'
/** Deployment annotations the controller does not copy to its ReplicaSets (skipCopyAnnotation). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  DESIRED,
  MAX,
  'deprecated.deployment.rollback.to',
])

export type Recorder = (
  about: KubeObject & { kind: string; apiVersion: string },
  reason: string,
  message: string,
  component: string,
) => void

export interface WorkloadControllers {
  syncDeployment(namespace: string, name: string): void
  syncReplicaSet(namespace: string, name: string): void
  /** Deletes (or unlinks) the dependents of a deleted owner. */
  collect(namespace: string, uid: string): void
  /** After loading: dependents whose owners are gone (deleted while the server was down). */
  sweep(): void
}

export function workloadControllers(ctx: ServerContext, record: Recorder): WorkloadControllers {
  const def = (group: string, resource: string) => ctx.registry.byResource(group, resource)!
  const pods = def('', 'pods')
  const replicaSets = def('apps', 'replicasets')
  const deployments = def('apps', 'deployments')
  const namespaces = def('', 'namespaces')
  const asRS = (o: KubeObject) => ({ ...o, apiVersion: 'apps/v1', kind: 'ReplicaSet' })
  const asDeployment = (o: KubeObject) => ({ ...o, apiVersion: 'apps/v1', kind: 'Deployment' })
  const alive = (o: KubeObject | undefined): o is KubeObject => !!o && !o.metadata.deletionTimestamp
  const namespaceLive = (ns: string) => alive(ctx.store.get(namespaces, '', ns))

  const ownedBy = (owner: KubeObject, list: readonly KubeObject[]) =>
    list.filter((o) => controllerOf(o)?.uid === owner.metadata.uid && !o.metadata.deletionTimestamp)

  const ref = (o: KubeObject, kind: string) => ({
    apiVersion: 'apps/v1',
    kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  })

  function syncReplicaSet(ns: string, name: string): void {
    const rs = ctx.store.get(replicaSets, ns, name)
    if (!alive(rs) || !namespaceLive(ns)) return
    const want = desiredReplicas(rs)
    const mine = ownedBy(rs, ctx.store.list(pods, ns))
    const template = obj(obj(rs.spec).template)
    const meta = obj(template.metadata)
    for (let i = mine.length; i < want; i++) {
      const pod = create(ctx, pods, ns, {
        metadata: {
          generateName: `${name}-`,
          ...(meta.labels !== undefined && { labels: meta.labels as Record<string, string> }),
          ...(meta.annotations !== undefined && { annotations: meta.annotations as Record<string, string> }),
          ownerReferences: [ref(rs, 'ReplicaSet')],
        },
        spec: obj(template.spec),
      })
      record(asRS(rs), 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`, 'replicaset-controller')
    }
    if (mine.length > want) {
      // getPodsToDelete: not-ready pods first, then the newest.
      const victims = [...mine]
        .sort(
          (a, b) =>
            Number(isPodReady(a)) - Number(isPodReady(b)) ||
            String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) ||
            String(b.metadata.name).localeCompare(String(a.metadata.name)),
        )
        .slice(0, mine.length - want)
      for (const p of victims) {
        remove(ctx, pods, ns, p.metadata.name ?? '')
        record(asRS(rs), 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`, 'replicaset-controller')
      }
    }
    const current = ctx.store.get(replicaSets, ns, name)
    if (!current) return
    const status = replicaSetStatus(current, ownedBy(current, ctx.store.list(pods, ns)))
    if (!isDeepStrictEqual(status, current.status))
      replace(ctx, replicaSets, current, { ...current, status }, 'status')
  }

  /** Sets a ReplicaSet's replicas and annotations; records the scaling as the deployment controller does. */
  function updateRS(
    d: KubeObject,
    rs: KubeObject,
    replicas: number,
    annotations: Record<string, string>,
  ): void {
    const from = desiredReplicas(rs)
    if (from === replicas && isDeepStrictEqual(annotations, rs.metadata.annotations ?? {})) return
    replace(
      ctx,
      replicaSets,
      rs,
      { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...obj(rs.spec), replicas } },
      '',
    )
    if (from !== replicas)
      record(
        asDeployment(d),
        'ScalingReplicaSet',
        `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name ?? ''} from ${from} to ${replicas}`,
        'deployment-controller',
      )
  }

  function syncDeployment(ns: string, name: string): void {
    let d = ctx.store.get(deployments, ns, name)
    if (!alive(d) || !namespaceLive(ns)) return
    const spec = obj(d.spec)
    const replicas = desiredReplicas(d)
    const template = obj(spec.template)
    let owned = ownedBy(d, ctx.store.list(replicaSets, ns))
    const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0)
    let newRS = owned.find((rs) => sameTemplate(obj(rs.spec).template, template))
    const maxOld = Math.max(0, ...owned.filter((rs) => rs !== newRS).map(revisionOf))
    const copied = Object.fromEntries(
      Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)),
    )
    const { surge } = fenceposts(d)
    const controllerAnnotations = (revision: number) => ({
      ...copied,
      [DESIRED]: String(replicas),
      [MAX]: String(replicas + surge),
      [REVISION]: String(revision),
    })
    let progressing: Obj | undefined
    if (!newRS) {
      const hash = templateHash(template, Number(obj(d.status).collisionCount ?? 0))
      const labels = {
        ...(obj(obj(template.metadata).labels) as Record<string, string>),
        [POD_TEMPLATE_HASH]: hash,
      }
      const selector = obj(spec.selector)
      newRS = create(ctx, replicaSets, ns, {
        metadata: {
          name: `${name}-${hash}`,
          labels,
          annotations: controllerAnnotations(maxOld + 1),
          ownerReferences: [ref(d, 'Deployment')],
        },
        spec: {
          replicas,
          selector: { ...selector, matchLabels: { ...obj(selector.matchLabels), [POD_TEMPLATE_HASH]: hash } },
          template: { ...template, metadata: { ...obj(template.metadata), labels } },
        },
      })
      record(
        asDeployment(d),
        'ScalingReplicaSet',
        `Scaled up replica set ${newRS.metadata.name ?? ''} from 0 to ${replicas}`,
        'deployment-controller',
      )
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetCreated',
        `Created new replica set "${newRS.metadata.name ?? ''}"`,
        ctx.now(),
      )
    } else {
      const revision = revisionOf(newRS) > maxOld ? revisionOf(newRS) : maxOld + 1
      updateRS(d, newRS, replicas, {
        ...(newRS.metadata.annotations ?? {}),
        ...controllerAnnotations(revision),
      })
    }
    const newUid = newRS.metadata.uid
    for (const rs of owned)
      if (rs.metadata.uid !== newUid && desiredReplicas(rs) > 0)
        updateRS(d, rs, 0, { ...(rs.metadata.annotations ?? {}) })
    // cleanupDeployment: old, empty ReplicaSets beyond revisionHistoryLimit go, oldest revision first.
    owned = ownedBy(d, ctx.store.list(replicaSets, ns))
    const limit = typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : 10
    const empty = owned
      .filter((rs) => rs.metadata.uid !== newUid)
      .filter((rs) => desiredReplicas(rs) === 0 && !obj(rs.status).replicas)
      .sort((a, b) => revisionOf(a) - revisionOf(b))
    for (const rs of empty.slice(0, Math.max(0, empty.length - limit)))
      remove(ctx, replicaSets, ns, rs.metadata.name ?? '', { propagationPolicy: 'Background' })

    // The deployment carries its new ReplicaSet's revision.
    newRS = ctx.store.get(replicaSets, ns, newRS.metadata.name ?? '') ?? newRS
    const revision = newRS.metadata.annotations?.[REVISION]
    d = ctx.store.get(deployments, ns, name)
    if (!d) return
    if (revision && d.metadata.annotations?.[REVISION] !== revision)
      d = replace(
        ctx,
        deployments,
        d,
        {
          ...d,
          metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [REVISION]: revision } },
        },
        '',
      )
    const base = progressing
      ? {
          ...d,
          status: { ...obj(d.status), conditions: setCondition(arr(obj(d.status).conditions), progressing) },
        }
      : d
    owned = ownedBy(d, ctx.store.list(replicaSets, ns))
    const status = deploymentStatus(base, owned, newRS, ctx.now())
    if (!isDeepStrictEqual(status, d.status)) replace(ctx, deployments, d, { ...d, status }, 'status')
  }

  function collect(ns: string, uid: string): void {
    for (const { def: dependentDef, object } of dependentsOf(ctx, ns, uid)) {
      const name = object.metadata.name ?? ''
      const current = ctx.store.get(dependentDef, ns, name)
      if (!current) continue
      const others = ownerRefs(current).filter((r) => r.uid !== uid && ownerExists(ctx, ns, r))
      if (others.length === 0) remove(ctx, dependentDef, ns, name, { propagationPolicy: 'Background' })
    }
  }

  function sweep(): void {
    for (const d of ctx.registry.all) {
      if (!d.stored || !d.namespaced) continue
      for (const o of [...ctx.store.list(d)]) {
        const refs = ownerRefs(o)
        const ns = o.metadata.namespace ?? ''
        if (
          refs.length &&
          refs.every((r) => !ownerExists(ctx, ns, r)) &&
          ctx.store.get(d, ns, o.metadata.name ?? '')
        )
          remove(ctx, d, ns, o.metadata.name ?? '', { propagationPolicy: 'Background' })
      }
    }
  }

  return { syncDeployment, syncReplicaSet, collect, sweep }
}
