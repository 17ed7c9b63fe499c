/**
 * aad-pod-identity's MIC (Managed Identity Controller), simulated: for every pod whose
 * `aadpodidbinding` label matches a binding it keeps an AzureAssignedIdentity named
 * `<pod>-<pod namespace>-<identity>` — in the identity's namespace when the identity is namespaced,
 * in `default` otherwise, as MIC does — with the identity and binding embedded, the labels `nodename`,
 * `podname`, `podnamespace`, and `status.status` `Created`, then `Assigned` once the configured
 * assignment delay has passed on the simulator clock (the moment NMI starts answering for the pod).
 * Assignments whose pod, binding or identity went away are deleted. Writes go through the API
 * server, so `kubectl get azureassignedidentities` shows MIC's work.
 */
import type { Clock } from '../kernel/clock.js'
import type { ObjectWriter } from './apiserver-hooks.js'
import type { ClusterObjects, K8sObject } from './cluster-objects.js'
import type { Assigned } from './nmi.js'

export interface MicDeps {
  objects: ClusterObjects
  writer: ObjectWriter
  clock: Clock
  assignments(pod: K8sObject): Assigned[]
  settings: () => { enabled: boolean; assignmentDelaySeconds: number }
  onError: (err: unknown) => void
}

const API_VERSION = 'aadpodidentity.k8s.io/v1'

/** The object as MIC embeds it: what a lister returns, without type meta or managed fields. */
function embedded(o: K8sObject): K8sObject {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = o
  const { managedFields: _m, ...meta } = metadata
  return { metadata: meta, ...rest }
}

export function desiredAssignment(pod: K8sObject, a: Assigned, assigned: boolean): K8sObject {
  const podName = pod.metadata.name ?? ''
  const podNs = pod.metadata.namespace ?? 'default'
  const nodeName = (pod.spec as { nodeName?: unknown } | undefined)?.nodeName
  const node = typeof nodeName === 'string' ? nodeName : ''
  const namespaced = a.identity.metadata.annotations?.['aadpodidentity.k8s.io/Behavior'] === 'namespaced'
  return {
    apiVersion: API_VERSION,
    kind: 'AzureAssignedIdentity',
    metadata: {
      name: `${podName}-${podNs}-${a.identity.metadata.name ?? ''}`,
      namespace: namespaced ? (a.identity.metadata.namespace ?? 'default') : 'default',
      labels: { nodename: node, podname: podName, podnamespace: podNs },
    },
    spec: {
      azureBindingRef: embedded(a.binding),
      azureIdentityRef: embedded(a.identity),
      nodename: node,
      pod: podName,
      podNamespace: podNs,
    },
    status: { availableReplicas: 1, status: assigned ? 'Assigned' : 'Created' },
  }
}

export function startMic(deps: MicDeps): { reconcile(): void; stop(): void } {
  let scheduled = false
  const key = (o: K8sObject) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`

  function reconcile(): void {
    scheduled = false
    const { enabled, assignmentDelaySeconds } = deps.settings()
    const existing = new Map(deps.objects.list('AzureAssignedIdentity').map((o) => [key(o), o]))
    const wanted = new Map<string, K8sObject>()
    if (enabled)
      for (const pod of deps.objects.list('Pod')) {
        if (pod.metadata.deletionTimestamp) continue
        for (const a of deps.assignments(pod)) {
          const ready = deps.clock.now() >= a.createdAt + assignmentDelaySeconds * 1000
          const d = desiredAssignment(pod, a, ready)
          wanted.set(key(d), d)
        }
      }
    try {
      for (const [k, d] of wanted) {
        const old = existing.get(k)
        const status = (s: K8sObject | undefined) => (s?.status as { status?: string } | undefined)?.status
        if (!old) deps.writer.create(d)
        else if (status(old) !== status(d))
          deps.writer.update({ ...d, metadata: { ...old.metadata, ...d.metadata } })
      }
      for (const [k, o] of existing)
        if (!wanted.has(k))
          deps.writer.remove(
            'AzureAssignedIdentity',
            o.metadata.namespace ?? 'default',
            o.metadata.name ?? '',
          )
    } catch (err) {
      deps.onError(err)
    }
  }

  const schedule = () => {
    if (scheduled) return
    scheduled = true
    setImmediate(reconcile)
  }
  const unsubscribe = deps.objects.subscribe((_type, kind) => {
    if (kind !== 'AzureAssignedIdentity') schedule()
  })
  // The simulator clock can jump (clock advance): look again every second for Created → Assigned.
  const timer = setInterval(schedule, 1000)
  timer.unref()
  schedule()
  return {
    reconcile,
    stop() {
      unsubscribe()
      clearInterval(timer)
    },
  }
}
