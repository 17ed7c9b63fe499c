/**
 * Simulated pods: create one the way `kubectl apply` ends up stored (ServiceAccount admission, the
 * mutating webhook, scheduling onto the node), start its projected token files, and print the
 * environment a local process needs to run as it. With the mock API server wired, pods arrive through
 * the API server's store instead and only the kubelet and environment parts are used here.
 */
import { randomInt } from 'node:crypto'
import type { Clock } from '../kernel/clock.js'
import type { ClusterObjects, K8sObject, MemoryCluster } from './cluster-objects.js'
import type { Kubelet } from './kubelet.js'
import { KubeApiError } from './kube-status.js'
import { formatEnvironment, podEnvironment, type EnvFormat } from './pod-env.js'
import type { PodAdmission } from './webhook/apiserver-call.js'

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

export function createPodLifecycle(deps: {
  objects: ClusterObjects
  /** Present when there is no API server: pods are created here. */
  memory: MemoryCluster | undefined
  admission: PodAdmission
  kubelet: Kubelet
  clock: Clock
  nodeName: string
  extraEnv: (namespace: string, name: string) => Record<string, string>
}) {
  /** `inProcess`: admit without the HTTPS call (start-up seeding, before listeners serve). */
  async function create(manifest: K8sObject, opts: { inProcess?: boolean } = {}): Promise<K8sObject> {
    const memory = deps.memory
    if (!memory) throw KubeApiError.badRequest('pods are created through the API server when it is running')
    if (manifest.kind !== undefined && manifest.kind !== 'Pod')
      throw KubeApiError.badRequest(`${String(manifest.kind)} in version "v1" cannot be handled as a Pod`)
    const metadata = manifest.metadata ?? {}
    const ns = metadata.namespace ?? 'default'
    const name = metadata.name ?? ''
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name))
      throw KubeApiError.invalid('Pod', '', name, [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
          text: `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
        },
      ])
    if (!memory.get('Namespace', '', ns)) throw KubeApiError.notFound('namespaces', ns)
    if (memory.get('Pod', ns, name)) throw new KubeApiError(409, 'AlreadyExists', `pods "${name}" already exists`, { name, kind: 'pods' })
    const spec = (manifest.spec ?? {}) as Record<string, unknown>
    const sa = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName ? spec.serviceAccountName : 'default'
    // The ServiceAccount admission plugin runs before mutating webhooks.
    if (!memory.get('ServiceAccount', ns, sa))
      throw KubeApiError.forbidden('pods', name, `error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`)
    const pod: K8sObject = {
      ...manifest,
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...metadata, namespace: ns },
      spec: { ...spec, serviceAccountName: sa },
    }
    const ctx = { namespace: ns, operation: 'CREATE' as const }
    const admitted = opts.inProcess ? deps.admission.admitInProcess(pod, ctx) : await deps.admission.admit(pod, ctx)
    const stored = memory.put({
      ...admitted,
      spec: { ...(admitted.spec as object), nodeName: deps.nodeName },
      status: {
        phase: 'Running',
        podIP: `10.244.0.${randomInt(2, 250)}`,
        startTime: rfc3339(deps.clock.now()),
      },
    })
    await deps.kubelet.start(stored)
    return stored
  }

  function remove(ns: string, name: string): K8sObject {
    if (!deps.memory) throw KubeApiError.badRequest('pods are deleted through the API server when it is running')
    const removed = deps.memory.remove('Pod', ns, name)
    if (!removed) throw KubeApiError.notFound('pods', name)
    return removed
  }

  /** The environment of the pod's container (first container by default), ready for a local process. */
  async function environment(ns: string, name: string, opts: { container?: string } = {}): Promise<Record<string, string>> {
    const pod = deps.objects.get('Pod', ns, name)
    if (!pod) throw KubeApiError.notFound('pods', name)
    const volumes = deps.kubelet.pod(ns, name) ?? (await deps.kubelet.start(pod))
    try {
      return podEnvironment(pod, volumes, deps.extraEnv(ns, name), opts.container)
    } catch (err) {
      throw KubeApiError.badRequest((err as Error).message)
    }
  }

  return {
    create,
    remove,
    environment,
    async printEnvironment(ns: string, name: string, format: EnvFormat = 'shell', container?: string) {
      return formatEnvironment(await environment(ns, name, container ? { container } : {}), format)
    },
  }
}
