/**
 * Simulated pods: create one the way `kubectl apply` ends up stored (ServiceAccount admission, the
 * mutating webhook, scheduling onto the node), start its projected token files, and print the
 * environment a local process needs to run as it. Writes go to the mock API server when it is wired
 * (its create runs the webhook in its admission chain) or to an in-memory cluster.
 */
import { randomInt } from 'node:crypto'
import type { Clock } from '../kernel/clock.js'
import type { Scenario } from '../scenario/types.js'
import type { ObjectWriter } from './apiserver-hooks.js'
import { isClusterKind, type ClusterObjects, type K8sObject, type MemoryCluster } from './cluster-objects.js'
import type { Kubelet } from './kubelet.js'
import { AlreadyExists, BadRequest, Forbidden, Invalid, NotFound, invalid, rfc3339 } from '../kube/index.js'
import { formatEnvironment, podEnvironment, type EnvFormat } from './pod-env.js'
import type { PodAdmission } from './webhook/apiserver-call.js'

/** Writes to the in-memory cluster, doing what the API server would: 404 namespace, 409, scheduling. */
export function memoryWriter(memory: MemoryCluster, clock: Clock, nodeName: string): ObjectWriter {
  return {
    admits: false,
    create(obj) {
      const ns = obj.metadata.namespace ?? 'default'
      const name = obj.metadata.name ?? ''
      if (!isClusterKind(obj.kind)) throw new BadRequest(`kind ${String(obj.kind)} is not kept here`)
      if (obj.kind !== 'Namespace' && obj.kind !== 'Node' && !memory.get('Namespace', '', ns))
        throw new NotFound({ group: '', resource: 'namespaces' }, ns)
      if (memory.get(obj.kind, ns, name))
        throw new AlreadyExists({ group: '', resource: `${obj.kind.toLowerCase()}s` }, name)
      if (obj.kind !== 'Pod') return memory.put(obj)
      return memory.put({
        ...obj,
        spec: { ...(obj.spec as object), nodeName },
        status: { phase: 'Running', podIP: `10.244.0.${randomInt(2, 250)}`, startTime: rfc3339(clock.now()) },
      })
    },
    update: (obj) => memory.put(obj),
    remove: (kind, ns, name) => memory.remove(kind, ns, name),
  }
}

/** What the in-memory cluster starts with: namespaces, their `default` SA, the node, the scenario's objects. */
export function memorySeed(scenario: Scenario, nodeName: string): K8sObject[] {
  const objects = [...(scenario.kubernetes?.objects ?? [])] as K8sObject[]
  const namespaces = new Set(['default', 'kube-system'])
  for (const o of [...objects, ...((scenario.podIdentity?.objects ?? []) as K8sObject[])]) {
    if (o.kind === 'Namespace' && o.metadata.name) namespaces.add(o.metadata.name)
    if (o.metadata.namespace) namespaces.add(o.metadata.namespace)
  }
  const extra: K8sObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } },
    },
    ...[...namespaces].flatMap((ns) => [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } },
    ]),
  ]
  // Pods of the section are created through admission later; everything else is seeded as is.
  const sectionObjects = ((scenario.podIdentity?.objects ?? []) as K8sObject[]).filter(
    (o) => o.kind !== 'Pod',
  )
  return [...extra, ...objects.filter((o) => o.kind !== 'Pod'), ...sectionObjects]
}

export function createPodLifecycle(deps: {
  objects: ClusterObjects
  writer: ObjectWriter
  admission: PodAdmission
  kubelet: Kubelet
  extraEnv: (namespace: string, name: string) => Record<string, string>
}) {
  /** `inProcess`: admit without the HTTPS call (start-up seeding, before listeners serve). */
  async function create(manifest: K8sObject, opts: { inProcess?: boolean } = {}): Promise<K8sObject> {
    if (manifest.kind !== undefined && manifest.kind !== 'Pod')
      throw new BadRequest(`${String(manifest.kind)} in version "v1" cannot be handled as a Pod`)
    const metadata = manifest.metadata ?? {}
    const ns = metadata.namespace ?? 'default'
    const name = metadata.name ?? ''
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) {
      const why =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
      throw new Invalid({ group: '', kind: 'Pod' }, name, [invalid('metadata.name', name, why)])
    }
    const spec = (manifest.spec ?? {}) as Record<string, unknown>
    const sa =
      typeof spec.serviceAccountName === 'string' && spec.serviceAccountName
        ? spec.serviceAccountName
        : 'default'
    // The ServiceAccount admission plugin runs before mutating webhooks.
    if (!deps.objects.get('ServiceAccount', ns, sa))
      throw new Forbidden(
        { group: '', resource: 'pods' },
        name,
        `error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`,
      )
    let pod: K8sObject = {
      ...manifest,
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...metadata, namespace: ns },
      spec: { ...spec, serviceAccountName: sa },
    }
    if (!deps.writer.admits) {
      const ctx = { namespace: ns, operation: 'CREATE' as const }
      pod = opts.inProcess ? deps.admission.admitInProcess(pod, ctx) : await deps.admission.admit(pod, ctx)
    }
    const stored = deps.writer.create(pod)
    await deps.kubelet.start(stored)
    return stored
  }

  /** Stores a non-pod object (ServiceAccount, Secret, AzureIdentity, …); pods go through `create`. */
  async function apply(obj: K8sObject): Promise<K8sObject> {
    if (obj?.kind === 'Pod') return create(obj)
    if (!isClusterKind(obj?.kind) || obj.kind === 'Node')
      throw new BadRequest(`kind ${String(obj?.kind)} is not one the pod-identity slice keeps`)
    if (typeof obj.metadata?.name !== 'string' || !obj.metadata.name)
      throw new BadRequest('metadata.name is required')
    return Promise.resolve(deps.writer.create(obj))
  }

  function remove(ns: string, name: string): K8sObject {
    const removed = deps.writer.remove('Pod', ns, name)
    if (!removed) throw new NotFound({ group: '', resource: 'pods' }, name)
    return removed
  }

  /** The environment of the pod's container (first container by default), ready for a local process. */
  async function environment(
    ns: string,
    name: string,
    opts: { container?: string } = {},
  ): Promise<Record<string, string>> {
    const pod = deps.objects.get('Pod', ns, name)
    if (!pod) throw new NotFound({ group: '', resource: 'pods' }, name)
    const volumes = deps.kubelet.pod(ns, name) ?? (await deps.kubelet.start(pod))
    try {
      return podEnvironment(pod, volumes, deps.extraEnv(ns, name), opts.container)
    } catch (err) {
      throw new BadRequest((err as Error).message)
    }
  }

  return {
    create,
    apply,
    remove,
    environment,
    async printEnvironment(ns: string, name: string, format: EnvFormat = 'shell', container?: string) {
      return formatEnvironment(await environment(ns, name, container ? { container } : {}), format)
    },
  }
}
