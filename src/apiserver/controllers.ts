/**
 * The controllers a user notices from the API: every namespace gets the `default` ServiceAccount and
 * the `kube-root-ca.crt` ConfigMap, the scheduler and kubelet report a pod's start as events, and the
 * workload controllers keep Deployments, ReplicaSets and their pods (./workloads.ts). They run after
 * the write that triggers them, like the real controllers, one sync per object however many changes
 * triggered it.
 */
import { guard } from '../kernel/guard.js'
import type { ServerContext } from './context.js'
import { controllerOf } from './rest/dependents.js'
import { create } from './rest/write.js'
import type { StoreEvent } from './store/object-store.js'
import type { KubeObject } from './types.js'
import { obj } from './values.js'
import { workloadControllers, type Recorder } from './workloads.js'

export interface Controllers {
  /** Brings every namespace and deployment up to date (used after seeding and loading). */
  reconcileAll(): void
  stop(): void
}

export function startControllers(
  ctx: ServerContext,
  opts: { caPem?: string; onError(err: unknown): void },
): Controllers {
  const def = (group: string, resource: string) => ctx.registry.byResource(group, resource)!
  const namespaces = def('', 'namespaces')
  const serviceAccounts = def('', 'serviceaccounts')
  const configMaps = def('', 'configmaps')
  const pods = def('', 'pods')
  const deployments = def('apps', 'deployments')
  const replicaSets = def('apps', 'replicasets')

  function namespaceDefaults(ns: string): void {
    if (!ctx.store.get(namespaces, '', ns)) return
    if (!ctx.store.get(serviceAccounts, ns, 'default'))
      create(ctx, serviceAccounts, ns, { metadata: { name: 'default' } })
    if (opts.caPem && !ctx.store.get(configMaps, ns, 'kube-root-ca.crt'))
      create(ctx, configMaps, ns, {
        metadata: {
          name: 'kube-root-ca.crt',
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
          },
        },
        data: { 'ca.crt': opts.caPem },
      })
  }

  const events = def('', 'events')
  // The recorder names events `<object>.<unix nanoseconds in hex>`, so names sort in time order.
  let lastNanos = 0n
  const eventSuffix = () => {
    const nanos = BigInt(ctx.clock.now()) * 1_000_000n
    lastNanos = nanos > lastNanos ? nanos : lastNanos + 1n
    return lastNanos.toString(16)
  }
  /** An event about an object, as the controller's event recorder writes it. */
  const record: Recorder = (about, reason, message, component) => {
    const now = ctx.now()
    create(ctx, events, about.metadata.namespace ?? '', {
      metadata: { name: `${about.metadata.name ?? ''}.${eventSuffix()}` },
      involvedObject: {
        kind: about.kind,
        namespace: about.metadata.namespace,
        name: about.metadata.name,
        uid: about.metadata.uid,
        apiVersion: about.apiVersion,
        resourceVersion: about.metadata.resourceVersion,
      },
      reason,
      message,
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: 'Normal',
      reportingComponent: component,
      reportingInstance: '',
    })
  }
  const workloads = workloadControllers(ctx, record)

  /** What the scheduler and the kubelet report when a pod starts. */
  function podEvents(pod: KubeObject): void {
    const ns = pod.metadata.namespace ?? ''
    if (!ctx.store.get(pods, ns, pod.metadata.name ?? '')) return
    const spec = obj(pod.spec)
    const node = typeof spec.nodeName === 'string' ? spec.nodeName : ctx.cluster.nodeName
    const involved = {
      kind: 'Pod',
      namespace: ns,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: pod.metadata.resourceVersion,
    }
    const now = ctx.now()
    const emit = (reason: string, message: string, component: string, fieldPath?: string) =>
      create(ctx, events, ns, {
        metadata: { name: `${pod.metadata.name ?? ''}.${eventSuffix()}` },
        involvedObject: { ...involved, ...(fieldPath && { fieldPath }) },
        reason,
        message,
        source: component === 'kubelet' ? { component, host: node } : { component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type: 'Normal',
        reportingComponent: component,
        reportingInstance: component === 'kubelet' ? node : '',
      })
    emit(
      'Scheduled',
      `Successfully assigned ${ns}/${pod.metadata.name ?? ''} to ${node}`,
      'default-scheduler',
    )
    for (const c of (spec.containers as Record<string, unknown>[] | undefined) ?? []) {
      const name = String(c.name)
      const path = `spec.containers{${name}}`
      emit('Pulled', `Container image "${String(c.image)}" already present on machine`, 'kubelet', path)
      emit('Created', `Created container ${name}`, 'kubelet', path)
      emit('Started', `Started container ${name}`, 'kubelet', path)
    }
  }

  // One pending sync per key: a burst of changes to one object (or its pods) is one sync.
  const pending = new Map<string, () => void>()
  let stopped = false
  const later = (key: string, fn: () => void) => {
    if (pending.has(key)) return
    // Under the crash guard: a failing sync is reported (a server_error event), never an uncaught exception.
    const run = guard(
      (err) => opts.onError(err),
      () => {
        pending.delete(key)
        if (!stopped) fn()
      },
    )
    pending.set(key, run)
    setImmediate(run)
  }
  const syncRS = (ns: string, name: string) =>
    later(`rs/${ns}/${name}`, () => workloads.syncReplicaSet(ns, name))
  const syncDeployment = (ns: string, name: string) =>
    later(`deploy/${ns}/${name}`, () => workloads.syncDeployment(ns, name))
  const syncOwner = (o: KubeObject) => {
    const owner = controllerOf(o)
    if (owner?.kind === 'ReplicaSet' && owner.name) syncRS(o.metadata.namespace ?? '', owner.name)
    if (owner?.kind === 'Deployment' && owner.name) syncDeployment(o.metadata.namespace ?? '', owner.name)
  }

  const unsubscribe = ctx.store.subscribe((e: StoreEvent) => {
    if (e.type === 'ADDED' && e.gr === '/namespaces') later(`ns/${e.name}`, () => namespaceDefaults(e.name))
    if (e.type === 'ADDED' && e.gr === '/pods')
      later(`pod/${e.namespace}/${e.name}`, () => podEvents(e.object))
    if (e.gr === '/pods' || e.gr === 'apps/replicasets') syncOwner(e.object)
    if (e.type !== 'DELETED' && e.gr === 'apps/replicasets') syncRS(e.namespace, e.name)
    if (e.type !== 'DELETED' && e.gr === 'apps/deployments') syncDeployment(e.namespace, e.name)
    const uid = e.object.metadata.uid
    if (e.type === 'DELETED' && uid && e.gr !== '/events')
      later(`gc/${uid}`, () => workloads.collect(e.namespace, uid))
  })

  return {
    reconcileAll() {
      for (const ns of ctx.store.list(namespaces)) namespaceDefaults(ns.metadata.name ?? '')
      workloads.sweep()
      for (const d of [...ctx.store.list(deployments)])
        workloads.syncDeployment(d.metadata.namespace ?? '', d.metadata.name ?? '')
      for (const rs of [...ctx.store.list(replicaSets)])
        workloads.syncReplicaSet(rs.metadata.namespace ?? '', rs.metadata.name ?? '')
    },
    stop() {
      stopped = true
      unsubscribe()
      pending.clear()
    },
  }
}
