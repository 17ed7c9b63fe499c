/**
 * The workload controllers over HTTP: Deployment → ReplicaSet → Pods with owner references,
 * revisions, status and conditions as kube-controller-manager writes them, scaling, a rollout, pod
 * replacement, garbage collection (Background, Foreground, Orphan), scheduling to the Node objects,
 * a restart, and no writes once everything is settled. Objects are checked against the official
 * Kubernetes 1.32 OpenAPI schemas (closed objects: no invented field passes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openapiValidator } from '../helpers/openapi.js'
import { waitFor } from '../helpers/wait.js'
import { call, scratchDir, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let admin: { certPem: string; keyPem: string }
const api = async (method: string, path: string, body?: unknown, contentType = 'application/json') =>
  call(server, method, path, {
    cert: admin,
    ...(body !== undefined && { body: JSON.stringify(body) }),
    headers: { 'content-type': contentType },
  })
const list = async (path: string): Promise<any[]> => (await api('GET', path)).json.items
const NS = '/apis/apps/v1/namespaces/default'
const rsOf = async (app: string) => list(`${NS}/replicasets?labelSelector=app%3D${app}`)
const podsOf = async (app: string) => list(`/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`)
/** Polls the API until `check` holds (the controllers run after the write that triggers them). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  let ok = false
  await waitFor(
    () => {
      void check().then((v) => (ok = v))
      return ok
    },
    what,
    10_000,
  )
}

const deployment = (name: string, replicas: number, image = 'nginx:1.27') => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'web', image }] },
    },
  },
})

const rolledOut = (name: string, replicas: number) => async () => {
  const d = (await api('GET', `${NS}/deployments/${name}`)).json
  const pods = await podsOf(name)
  return (
    d.status?.observedGeneration === d.metadata.generation &&
    (d.status?.updatedReplicas ?? 0) === replicas &&
    (d.status?.availableReplicas ?? 0) === replicas &&
    (d.status?.replicas ?? 0) === replicas &&
    pods.length === replicas
  )
}

beforeAll(async () => {
  server = await startApiServer()
  admin = await server.pki.clientCert('apiserver-workloads-admin', {
    cn: 'masterclient',
    o: ['system:masters'],
  })
  // Two agent nodes, as the control plane writes them (composition/cluster-nodes.ts).
  for (const [i, name] of ['aks-nodepool1-1-vmss000000', 'aks-nodepool1-1-vmss000001'].entries())
    await api('POST', '/api/v1/nodes', {
      metadata: { name },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          },
        ],
        addresses: [{ type: 'InternalIP', address: `10.224.0.${4 + i}` }],
      },
    })
})
afterAll(() => server.close())

describe('the deployment and ReplicaSet controllers', () => {
  it('create a ReplicaSet <name>-<pod-template-hash> and its pods, owned, ready and scheduled to the nodes', async () => {
    expect((await api('POST', `${NS}/deployments`, deployment('web', 4))).status).toBe(201)
    await until('web rolled out', rolledOut('web', 4))
    const d = (await api('GET', `${NS}/deployments/web`)).json
    const [rs, ...more] = await rsOf('web')
    expect(more).toEqual([])
    const hash = rs.metadata.labels['pod-template-hash']
    expect(rs.metadata.name).toBe(`web-${hash}`)
    expect(rs.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: d.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ])
    expect(rs.metadata.annotations).toEqual({
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
      'deployment.kubernetes.io/revision': '1',
    })
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash })
    expect(rs.status).toEqual({
      replicas: 4,
      fullyLabeledReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
      observedGeneration: 1,
    })
    expect(d.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' })
    expect(d.status).toMatchObject({
      observedGeneration: 1,
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
    })
    expect(d.status.unavailableReplicas).toBeUndefined()
    expect(d.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      [
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "web-${hash}" has successfully progressed.`,
      ],
    ])
    const pods = await podsOf('web')
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`))
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash })
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata.name,
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ])
      expect(p.status.phase).toBe('Running')
      expect(p.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True')
      expect(p.status.containerStatuses[0]).toMatchObject({ name: 'web', ready: true, started: true })
      expect(p.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/)
      expect(p.status.startTime).toMatch(/Z$/)
    }
    // The scheduler spreads them: the node with the fewest pods gets the next one.
    const byNode = new Map<string, string[]>()
    for (const p of pods)
      byNode.set(p.spec.nodeName, [...(byNode.get(p.spec.nodeName) ?? []), p.status.hostIP])
    expect([...byNode.keys()].sort()).toEqual(['aks-nodepool1-1-vmss000000', 'aks-nodepool1-1-vmss000001'])
    expect(byNode.get('aks-nodepool1-1-vmss000001')).toEqual(['10.224.0.5', '10.224.0.5'])
    // The official schemas accept every object the controllers wrote.
    const check = (doc: string, schema: string, o: unknown) => {
      const validate = openapiValidator(doc, schema)
      expect(validate(o), JSON.stringify(validate.errors)).toBe(true)
    }
    check('apis__apps__v1_openapi.json', 'io.k8s.api.apps.v1.Deployment', d)
    check('apis__apps__v1_openapi.json', 'io.k8s.api.apps.v1.ReplicaSet', rs)
    check('api__v1_openapi.json', 'io.k8s.api.core.v1.Pod', pods[0])
    // The events kubectl describe shows.
    const events = await list('/api/v1/namespaces/default/events')
    expect(events.map((e: any) => [e.involvedObject.kind, e.reason, e.message])).toEqual(
      expect.arrayContaining([
        ['Deployment', 'ScalingReplicaSet', `Scaled up replica set web-${hash} from 0 to 4`],
        ['ReplicaSet', 'SuccessfulCreate', `Created pod: ${pods[0].metadata.name}`],
      ]),
    )
  })

  it('scale up and down through the scale subresource: pods come and go', async () => {
    const scale = (n: number) =>
      api('PATCH', `${NS}/deployments/web/scale`, { spec: { replicas: n } }, 'application/merge-patch+json')
    expect((await scale(6)).json.spec.replicas).toBe(6)
    await until('6 pods', rolledOut('web', 6))
    expect((await scale(2)).status).toBe(200)
    await until('2 pods', rolledOut('web', 2))
    const [rs] = await rsOf('web')
    expect(rs.spec.replicas).toBe(2)
    expect(rs.metadata.annotations['deployment.kubernetes.io/desired-replicas']).toBe('2')
  })

  it('roll out a changed image as a new ReplicaSet (revision 2) and scale the old one to 0', async () => {
    const [first] = await rsOf('web')
    const generation = (await api('GET', `${NS}/deployments/web`)).json.metadata.generation
    const patched = await api(
      'PATCH',
      `${NS}/deployments/web`,
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } },
      'application/strategic-merge-patch+json',
    )
    expect(patched.json.metadata.generation).toBe(generation + 1)
    await until('revision 2 rolled out', async () => {
      const pods = await podsOf('web')
      return (
        (await rolledOut('web', 2)()) &&
        pods.every(
          (p) =>
            p.spec.containers[0].image === 'nginx:1.28' &&
            p.metadata.labels['pod-template-hash'] !== first.metadata.labels['pod-template-hash'],
        )
      )
    })
    const sets = await rsOf('web')
    const old = sets.find((r) => r.metadata.name === first.metadata.name)
    const next = sets.find((r) => r.metadata.name !== first.metadata.name)
    expect(old.spec.replicas).toBe(0)
    expect(old.status).toEqual({ replicas: 0, observedGeneration: old.metadata.generation })
    expect(next.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2')
    const d = (await api('GET', `${NS}/deployments/web`)).json
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2')
    expect(d.status.conditions.find((c: any) => c.type === 'Progressing')).toMatchObject({
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${next.metadata.name}" has successfully progressed.`,
    })
  })

  it('replaces a deleted pod of a ReplicaSet', async () => {
    const [victim] = await podsOf('web')
    await api('DELETE', `/api/v1/namespaces/default/pods/${victim.metadata.name}`)
    await until('a replacement pod', async () => {
      const pods = await podsOf('web')
      return pods.length === 2 && !pods.some((p) => p.metadata.name === victim.metadata.name)
    })
  })

  it('write nothing more once settled (no churn in watches)', async () => {
    await until('settled', rolledOut('web', 2))
    const before = server.api.store.revision()
    // Let any queued sync run: a settled world must not produce a write.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    await api('GET', `${NS}/deployments/web`)
    expect(server.api.store.revision()).toBe(before)
  })

  it('garbage-collect a deleted deployment’s ReplicaSets and pods (Background)', async () => {
    await api('DELETE', `${NS}/deployments/web`, { propagationPolicy: 'Background' })
    await until(
      'nothing left of web',
      async () => (await rsOf('web')).length === 0 && (await podsOf('web')).length === 0,
    )
  })

  it('delete the dependents first with Foreground propagation', async () => {
    await api('POST', `${NS}/deployments`, deployment('fg', 2))
    await until('fg rolled out', rolledOut('fg', 2))
    await api('DELETE', `${NS}/deployments/fg`, { propagationPolicy: 'Foreground' })
    expect(await rsOf('fg')).toEqual([])
    expect(await podsOf('fg')).toEqual([])
  })

  it('run a standalone ReplicaSet, scale it, and orphan its pods on an Orphan delete', async () => {
    const created = await api('POST', `${NS}/replicasets`, {
      metadata: { name: 'solo' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'solo' } },
        template: {
          metadata: { labels: { app: 'solo' } },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    })
    expect(created.status).toBe(201)
    await until('2 solo pods', async () => (await podsOf('solo')).length === 2)
    const pods = await podsOf('solo')
    expect(pods[0].metadata.name).toMatch(/^solo-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
    const scaled = await api('PUT', `${NS}/replicasets/solo/scale`, {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'solo', namespace: 'default' },
      spec: { replicas: 3 },
    })
    expect(scaled.status).toBe(200)
    await until('3 solo pods, status 3', async () => {
      const rs = (await api('GET', `${NS}/replicasets/solo`)).json
      return (await podsOf('solo')).length === 3 && rs.status?.readyReplicas === 3
    })
    await api('DELETE', `${NS}/replicasets/solo`, { propagationPolicy: 'Orphan' })
    const left = await podsOf('solo')
    expect(left).toHaveLength(3)
    for (const p of left) expect(p.metadata.ownerReferences).toBeUndefined()
  })

  it('refuse a ReplicaSet whose selector does not match its template', async () => {
    const r = await api('POST', `${NS}/replicasets`, {
      metadata: { name: 'bad' },
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: {
          metadata: { labels: { app: 'y' } },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    })
    expect(r.status).toBe(422)
    expect(r.json.message).toContain('`selector` does not match template `labels`')
  })
})

describe('after a restart', () => {
  const scratch = scratchDir('apiserver-workloads-')
  afterAll(() => scratch.cleanup())

  it('keeps the ReplicaSets and pods, collects what lost its owner, and writes nothing for a settled deployment', async () => {
    const stateDir = `${scratch.dir}/objects`
    const first = await startApiServer({ stateDir })
    const cert = await first.pki.clientCert('apiserver-workloads-restart', {
      cn: 'admin',
      o: ['system:masters'],
    })
    const req = (s: TestApiServer, method: string, path: string, body?: unknown) =>
      call(s, method, path, {
        cert,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        headers: { 'content-type': 'application/json' },
      })
    await req(first, 'POST', `${NS}/deployments`, deployment('keep', 2))
    await waitFor(
      () => first.api.store.list(first.api.registry.byResource('', 'pods')!, 'default').length === 2,
      'keep pods',
    )
    await waitFor(
      () =>
        (
          first.api.store.get(first.api.registry.byResource('apps', 'deployments')!, 'default', 'keep')
            ?.status as any
        )?.availableReplicas === 2,
      'keep available',
    )
    const pods = (await req(first, 'GET', '/api/v1/namespaces/default/pods')).json.items.map(
      (p: any) => p.metadata.name,
    )
    // A pod whose ReplicaSet went while the controllers were not running: it must go after the restart.
    first.api.close()
    first.api.store.put(
      first.api.registry.byResource('', 'pods')!,
      {
        metadata: {
          name: 'gone-abcde',
          namespace: 'default',
          uid: 'orphan-uid',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'gone-uid', controller: true },
          ],
        },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
      'ADDED',
    )
    await first.close()

    const second = await startApiServer({ stateDir })
    try {
      const rv = second.api.store.revision()
      const names = (await req(second, 'GET', '/api/v1/namespaces/default/pods')).json.items.map(
        (p: any) => p.metadata.name,
      )
      expect(names).toEqual(pods)
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
      expect(second.api.store.revision()).toBe(rv)
    } finally {
      await second.close()
    }
  })
})
