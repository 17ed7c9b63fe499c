/**
 * Simulated pods: create one the way `kubectl apply` ends up stored (ServiceAccount admission, the
 * mutating webhook, scheduling onto the node), start its projected token files, and print the
 * environment a local process needs to run as it. Writes go to the mock API server (its create runs
 * the webhook in its admission chain).
 */
import type { ObjectWriter } from './apiserver-hooks.js'
import { isClusterKind, type ClusterObjects, type K8sObject } from './cluster-objects.js'
import type { Kubelet } from './kubelet.js'
import { BadRequest, Forbidden, Invalid, NotFound, invalid } from '../kube/index.js'
import { formatEnvironment, podEnvironment, type EnvFormat } from './pod-env.js'

export interface PodLifecycle {
  /** Creates a pod through the API server (ServiceAccount admission, the webhook) and starts its token files. */
  create(manifest: K8sObject): Promise<K8sObject>
  /** Stores a non-pod object (ServiceAccount, Secret, AzureIdentity, …); pods go through `create`. */
  apply(obj: K8sObject): Promise<K8sObject>
  remove(namespace: string, name: string): K8sObject
  /** The environment of the pod's container (first container by default), ready for a local process. */
  environment(namespace: string, name: string, opts?: { container?: string }): Promise<Record<string, string>>
  printEnvironment(namespace: string, name: string, format?: EnvFormat, container?: string): Promise<string>
}

export function createPodLifecycle(deps: {
  objects: ClusterObjects
  writer: ObjectWriter
  kubelet: Kubelet
  extraEnv: (namespace: string, name: string) => Record<string, string>
}): PodLifecycle {
  async function create(manifest: K8sObject): Promise<K8sObject> {
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
    const pod: K8sObject = {
      ...manifest,
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...metadata, namespace: ns },
      spec: { ...spec, serviceAccountName: sa },
    }
    // The API server's create runs the workload identity webhook in its admission chain.
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
