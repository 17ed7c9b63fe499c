/**
 * The few controllers a user notices from the API: every namespace gets the `default` ServiceAccount
 * and the `kube-root-ca.crt` ConfigMap, and a Deployment gets its pods (owned by the ReplicaSet the
 * deployment controller would have made, `<name>-<pod-template-hash>`). They run after the write
 * that triggers them, like the real controllers.
 */
import { stableGuid } from '../kernel/ids.js'
import type { ServerContext } from './context.js'
import { templateHash } from './kinds/status-sim.js'
import { remove } from './rest/delete.js'
import { create } from './rest/write.js'
import type { StoreEvent } from './store/object-store.js'
import type { KubeObject } from './types.js'
import { obj } from './values.js'

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

  function deploymentPods(d: KubeObject): void {
    const ns = d.metadata.namespace ?? ''
    const name = d.metadata.name ?? ''
    if (!ctx.store.get(deployments, ns, name)) return
    const spec = obj(d.spec)
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1
    const hash = templateHash(d)
    const rs = `${name}-${hash}`
    const owner = (p: KubeObject) =>
      (p.metadata.ownerReferences ?? [])
        .map((r) => obj(r))
        .find((r) => r.kind === 'ReplicaSet' && String(r.name).startsWith(`${name}-`))
    const owned = ctx.store.list(pods, ns).filter((p) => owner(p))
    const current = owned.filter((p) => owner(p)!.name === rs)
    for (const p of owned)
      if (owner(p)!.name !== rs) remove(ctx, pods, ns, p.metadata.name ?? '', { gracePeriodSeconds: 0 })
    for (const p of current.slice(replicas))
      remove(ctx, pods, ns, p.metadata.name ?? '', { gracePeriodSeconds: 0 })
    const template = obj(spec.template)
    for (let i = current.length; i < replicas; i++)
      create(ctx, pods, ns, {
        metadata: {
          generateName: `${rs}-`,
          labels: {
            ...(obj(obj(template.metadata).labels) as Record<string, string>),
            'pod-template-hash': hash,
          },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rs,
              uid: stableGuid(d.metadata.uid ?? name, rs),
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: obj(template.spec),
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

  const pending = new Set<() => void>()
  let stopped = false
  const later = (fn: () => void) => {
    const run = () => {
      pending.delete(run)
      if (stopped) return
      try {
        fn()
      } catch (err) {
        opts.onError(err)
      }
    }
    pending.add(run)
    setImmediate(run)
  }

  const unsubscribe = ctx.store.subscribe((e: StoreEvent) => {
    if (e.type === 'ADDED' && e.gr === '/namespaces') later(() => namespaceDefaults(e.name))
    if (e.type === 'ADDED' && e.gr === '/pods') later(() => podEvents(e.object))
    if (e.type !== 'DELETED' && e.gr === 'apps/deployments')
      later(() => deploymentPods(ctx.store.get(deployments, e.namespace, e.name) ?? e.object))
  })

  return {
    reconcileAll() {
      for (const ns of ctx.store.list(namespaces)) namespaceDefaults(ns.metadata.name ?? '')
      for (const d of ctx.store.list(deployments)) deploymentPods(d)
    },
    stop() {
      stopped = true
      unsubscribe()
      pending.clear()
    },
  }
}
