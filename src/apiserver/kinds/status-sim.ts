/**
 * Stand-ins for the scheduler and kubelet of a real cluster: a new pod is scheduled on one of the
 * simulated nodes and running at once. Only the pod's status and nodeName are written here; the
 * workload controllers (../workloads.ts) keep ReplicaSets and Deployments.
 */
import { createHash } from 'node:crypto'
import type { KubeObject } from '../types.js'
import { type Obj, arr, obj, text } from '../values.js'

export interface ClusterFacts {
  /** The node a pod without a Node object to run on is reported on. */
  nodeName: string
  nodeIP: string
  /** The node the scheduler picks for a new pod (or the one it names), with its InternalIP. */
  schedule(requested?: string): { nodeName: string; nodeIP: string }
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
  const node = facts.schedule(typeof spec.nodeName === 'string' ? spec.nodeName : undefined)
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
    spec: { ...spec, nodeName: node.nodeName },
    status: {
      phase: 'Running',
      conditions: [
        condition('PodReadyToStartContainers'),
        condition('Initialized'),
        condition('Ready'),
        condition('ContainersReady'),
        condition('PodScheduled'),
      ],
      hostIP: node.nodeIP,
      hostIPs: [{ ip: node.nodeIP }],
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

/**
 * The pod-template-hash of a template: like the deployment controller's (ComputeHash: a hash of the
 * template, and of the collision count when there is one, written in the safe alphabet).
 */
export function templateHash(template: unknown, collisionCount = 0): string {
  const digits = 'bcdfghjklmnpqrstvwxz2456789'
  const h = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .update(collisionCount ? String(collisionCount) : '')
    .digest()
  return [...h.subarray(0, 10)].map((b) => digits[b % digits.length]).join('')
}
