/**
 * Stand-ins for the controllers and kubelet of a real cluster: a new pod is scheduled on the
 * simulated node and running at once, a deployment reports every replica available. Only status is
 * written here; the objects' specs stay as the user sent them.
 */
import { createHash } from 'node:crypto'
import type { KubeObject } from '../types.js'
import { type Obj, arr, obj, text } from '../values.js'

export interface ClusterFacts {
  nodeName: string
  nodeIP: string
  /** A free pod IP. */
  podIP(): string
  now(): string
}

const hex = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n)

function qosClass(containers: Obj[]): string {
  let guaranteed = containers.length > 0
  let any = false
  for (const c of containers) {
    const r = obj(c.resources)
    const limits = obj(r.limits)
    const requests = obj(r.requests)
    if (Object.keys(limits).length || Object.keys(requests).length) any = true
    if (!limits.cpu || !limits.memory) guaranteed = false
    for (const k of ['cpu', 'memory'])
      if (requests[k] !== undefined && text(requests[k]) !== text(limits[k])) guaranteed = false
  }
  return guaranteed ? 'Guaranteed' : any ? 'Burstable' : 'BestEffort'
}

function imageRef(image: string): string {
  const name = image.split('@')[0]!.replace(/:[^/:]*$/, '')
  const full = name.includes('/')
    ? name.split('/')[0]!.includes('.')
      ? name
      : `docker.io/${name}`
    : `docker.io/library/${name}`
  return `${full}@sha256:${hex(image, 64)}`
}

/** A pod as the kubelet reports it once every container runs. */
export function runningPod(pod: KubeObject, facts: ClusterFacts): KubeObject {
  const spec = obj(pod.spec)
  const now = facts.now()
  const ip = facts.podIP()
  const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })
  const image = (c: Obj) => {
    const i = text(c.image)
    return i.includes(':') || i.includes('@')
      ? i.includes('/')
        ? i
        : `docker.io/library/${i}`
      : `docker.io/library/${i}:latest`
  }
  return {
    ...pod,
    spec: { ...spec, nodeName: spec.nodeName ?? facts.nodeName },
    status: {
      phase: 'Running',
      conditions: [
        condition('PodReadyToStartContainers'),
        condition('Initialized'),
        condition('Ready'),
        condition('ContainersReady'),
        condition('PodScheduled'),
      ],
      hostIP: facts.nodeIP,
      hostIPs: [{ ip: facts.nodeIP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: now,
      containerStatuses: arr(spec.containers).map((c) => ({
        name: c.name,
        state: { running: { startedAt: now } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: image(c),
        imageID: imageRef(image(c)),
        containerID: `containerd://${hex(`${pod.metadata.uid ?? ''}/${String(c.name)}`, 64)}`,
        started: true,
      })),
      qosClass: qosClass(arr(spec.containers)),
    },
  }
}

/** The pod-template-hash the deployment controller would give the current template. */
export function templateHash(deployment: KubeObject): string {
  const digits = 'bcdfghjklmnpqrstvwxz2456789'
  const h = createHash('sha256')
    .update(JSON.stringify(obj(deployment.spec).template ?? {}))
    .digest()
  return [...h.subarray(0, 10)].map((b) => digits[b % digits.length]).join('')
}

/** A deployment whose new ReplicaSet is fully rolled out. */
export function rolledOutDeployment(d: KubeObject, now: string): KubeObject {
  const spec = obj(d.spec)
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1
  const previous = obj(d.status)
  const since = (type: string) =>
    (arr(previous.conditions).find((c) => c.type === type)?.lastTransitionTime as string | undefined) ?? now
  const rs = `${d.metadata.name ?? ''}-${templateHash(d)}`
  return {
    ...d,
    metadata: {
      ...d.metadata,
      annotations: { 'deployment.kubernetes.io/revision': '1', ...d.metadata.annotations },
    },
    status: {
      observedGeneration: d.metadata.generation ?? 1,
      ...(replicas > 0 && {
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      }),
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastUpdateTime: since('Available'),
          lastTransitionTime: since('Available'),
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: now,
          lastTransitionTime: since('Progressing'),
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rs}" has successfully progressed.`,
        },
      ],
    },
  }
}
