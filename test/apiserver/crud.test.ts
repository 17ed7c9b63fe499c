import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let admin: { certPem: string; keyPem: string }
const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(server, method, path, {
    cert: admin,
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    headers: { 'content-type': 'application/json', ...headers },
  })

beforeAll(async () => {
  server = await startApiServer()
  admin = await server.pki.clientCert('apiserver-crud-admin', { cn: 'masterclient', o: ['system:masters'] })
})
afterAll(() => server.close())

describe('create / get / list / update / delete', () => {
  it('creates a configmap (201, system fields set) and reads it back', async () => {
    const created = await api('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'c1', labels: { app: 'x' } },
      data: { a: '1' },
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c1', namespace: 'default' },
      data: { a: '1' },
    })
    expect(created.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(created.json.metadata.resourceVersion).toMatch(/^\d+$/)
    expect(created.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(Object.keys(created.json).slice(0, 3)).toEqual(['kind', 'apiVersion', 'metadata'])
    const got = await api('GET', '/api/v1/namespaces/default/configmaps/c1')
    expect(got.status).toBe(200)
    expect(got.json).toEqual(created.json)
  })

  it('answers 409 AlreadyExists with the kubectl message', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'c1' } })
    expect(r.status).toBe(409)
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "c1" already exists',
      reason: 'AlreadyExists',
      details: { name: 'c1', kind: 'configmaps' },
      code: 409,
    })
  })

  it('answers 404 NotFound with the kubectl message, and for a missing namespace', async () => {
    const r = await api('GET', '/api/v1/namespaces/default/configmaps/nope')
    expect(r.status).toBe(404)
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'configmaps' },
      code: 404,
    })
    const ns = await api('POST', '/api/v1/namespaces/missing/configmaps', { metadata: { name: 'x' } })
    expect(ns.status).toBe(404)
    expect(ns.json.message).toBe('namespaces "missing" not found')
    const deploy = await api('GET', '/apis/apps/v1/namespaces/default/deployments/nope')
    expect(deploy.json).toMatchObject({
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    })
  })

  it('updates with optimistic concurrency: a stale resourceVersion is 409 Conflict', async () => {
    const current = (await api('GET', '/api/v1/namespaces/default/configmaps/c1')).json
    const ok = await api('PUT', '/api/v1/namespaces/default/configmaps/c1', { ...current, data: { a: '2' } })
    expect(ok.status).toBe(200)
    expect(Number(ok.json.metadata.resourceVersion)).toBeGreaterThan(Number(current.metadata.resourceVersion))
    const stale = await api('PUT', '/api/v1/namespaces/default/configmaps/c1', {
      ...current,
      data: { a: '3' },
    })
    expect(stale.status).toBe(409)
    expect(stale.json).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "c1": the object has been modified; please apply your changes to the latest version and try again',
    })
    expect((await api('GET', '/api/v1/namespaces/default/configmaps/c1')).json.data).toEqual({ a: '2' })
  })

  it('keeps the resourceVersion for a no-op update', async () => {
    const current = (await api('GET', '/api/v1/namespaces/default/configmaps/c1')).json
    const again = await api('PUT', '/api/v1/namespaces/default/configmaps/c1', current)
    expect(again.json.metadata.resourceVersion).toBe(current.metadata.resourceVersion)
  })

  it('rejects a name that does not match the URL', async () => {
    const r = await api('PUT', '/api/v1/namespaces/default/configmaps/c1', { metadata: { name: 'other' } })
    expect(r.status).toBe(400)
    expect(r.json.message).toBe('the name of the object (other) does not match the name on the URL (c1)')
  })

  it('validates names (422 Invalid with causes)', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'Bad_Name' } })
    expect(r.status).toBe(422)
    expect(r.json.reason).toBe('Invalid')
    expect(r.json.message).toBe(
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    )
    expect(r.json.details).toMatchObject({
      name: 'Bad_Name',
      kind: 'ConfigMap',
      causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }],
    })
    const missing = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: {} })
    expect(missing.json.message).toBe(
      'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    )
  })

  it('generates names from generateName', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { generateName: 'gen-' },
    })
    expect(r.status).toBe(201)
    expect(r.json.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
  })

  it('deletes a configmap with a Success Status (uid in the details) and a pod with the object', async () => {
    const c = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'gone' } })
    const del = await api('DELETE', '/api/v1/namespaces/default/configmaps/gone', {
      propagationPolicy: 'Background',
    })
    expect(del.status).toBe(200)
    expect(del.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'gone', kind: 'configmaps', uid: c.json.metadata.uid },
    })
    expect((await api('GET', '/api/v1/namespaces/default/configmaps/gone')).status).toBe(404)
    await api('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'p-del' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    })
    const pod = await api('DELETE', '/api/v1/namespaces/default/pods/p-del')
    expect(pod.json).toMatchObject({
      kind: 'Pod',
      metadata: { name: 'p-del', deletionGracePeriodSeconds: 30 },
    })
    expect(pod.json.metadata.deletionTimestamp).toBeTruthy()
  })

  it('checks delete preconditions', async () => {
    await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'pre' } })
    const r = await api('DELETE', '/api/v1/namespaces/default/configmaps/pre', {
      preconditions: { uid: 'not-it' },
    })
    expect(r.status).toBe(409)
    expect(r.json.message).toMatch(
      /^Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: not-it, UID in object meta: /,
    )
  })

  it('refuses to delete the default namespace', async () => {
    const r = await api('DELETE', '/api/v1/namespaces/default')
    expect(r.status).toBe(403)
    expect(r.json.message).toBe('namespaces "default" is forbidden: this namespace may not be deleted')
  })

  it('deletes a namespace with everything in it', async () => {
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } })
    await api('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'inside' } })
    const r = await api('DELETE', '/api/v1/namespaces/doomed')
    expect(r.json).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } })
    expect((await api('GET', '/api/v1/namespaces/doomed/configmaps/inside')).status).toBe(404)
    expect((await api('GET', '/api/v1/namespaces/doomed')).status).toBe(404)
  })

  it('supports dryRun=All without writing', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
      metadata: { name: 'dry' },
    })
    expect(r.status).toBe(201)
    expect((await api('GET', '/api/v1/namespaces/default/configmaps/dry')).status).toBe(404)
  })
})

describe('list', () => {
  beforeAll(async () => {
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'listing' } })
    for (const [n, tier] of [
      ['l1', 'web'],
      ['l2', 'web'],
      ['l3', 'db'],
      ['l4', 'db'],
      ['l5', 'cache'],
    ])
      await api('POST', '/api/v1/namespaces/listing/configmaps', { metadata: { name: n, labels: { tier } } })
  })

  it('returns a <Kind>List sorted by name without per-item apiVersion/kind', async () => {
    const r = await api('GET', '/api/v1/namespaces/listing/configmaps')
    expect(r.json.kind).toBe('ConfigMapList')
    expect(r.json.apiVersion).toBe('v1')
    expect(r.json.metadata.resourceVersion).toMatch(/^\d+$/)
    expect(r.json.items.map((i: any) => i.metadata.name)).toEqual(
      ['kube-root-ca.crt', 'l1', 'l2', 'l3', 'l4', 'l5'].filter((n) =>
        r.json.items.some((i: any) => i.metadata.name === n),
      ),
    )
    expect(r.json.items[0].kind).toBeUndefined()
  })

  it('filters by label and field selectors', async () => {
    const labels = await api(
      'GET',
      '/api/v1/namespaces/listing/configmaps?labelSelector=tier%20in%20(web,cache)',
    )
    expect(labels.json.items.map((i: any) => i.metadata.name)).toEqual(['l1', 'l2', 'l5'])
    const fields = await api('GET', '/api/v1/namespaces/listing/configmaps?fieldSelector=metadata.name%3Dl3')
    expect(fields.json.items.map((i: any) => i.metadata.name)).toEqual(['l3'])
    const bad = await api('GET', '/api/v1/namespaces/listing/configmaps?fieldSelector=data.a%3Db')
    expect(bad.status).toBe(400)
    expect(bad.json.message).toBe(
      '"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"',
    )
    const podField = await api('GET', '/api/v1/pods?fieldSelector=spec.bogus%3Db')
    expect(podField.json.message).toBe('field label not supported: spec.bogus')
  })

  it('pages with limit and continue', async () => {
    const first = await api('GET', '/api/v1/namespaces/listing/configmaps?labelSelector=tier&limit=2')
    expect(first.json.items.map((i: any) => i.metadata.name)).toEqual(['l1', 'l2'])
    expect(first.json.metadata.continue).toBeTruthy()
    const second = await api(
      'GET',
      `/api/v1/namespaces/listing/configmaps?labelSelector=tier&limit=2&continue=${first.json.metadata.continue}`,
    )
    expect(second.json.items.map((i: any) => i.metadata.name)).toEqual(['l3', 'l4'])
    const third = await api(
      'GET',
      `/api/v1/namespaces/listing/configmaps?labelSelector=tier&limit=2&continue=${second.json.metadata.continue}`,
    )
    expect(third.json.items.map((i: any) => i.metadata.name)).toEqual(['l5'])
    expect(third.json.metadata.continue).toBeUndefined()
    const unfiltered = await api('GET', '/api/v1/namespaces/listing/configmaps?limit=2')
    expect(unfiltered.json.metadata.remainingItemCount).toBe(4)
  })

  it('lists across namespaces', async () => {
    const r = await api('GET', '/api/v1/configmaps?labelSelector=tier%3Ddb')
    expect(r.json.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
      'listing/l3',
      'listing/l4',
    ])
  })

  it('deletes a collection by selector and answers the deleted list', async () => {
    const r = await api('DELETE', '/api/v1/namespaces/listing/configmaps?labelSelector=tier%3Ddb')
    expect(r.status).toBe(200)
    expect(r.json.kind).toBe('ConfigMapList')
    expect(r.json.items.map((i: any) => i.metadata.name)).toEqual(['l3', 'l4'])
    const left = await api('GET', '/api/v1/namespaces/listing/configmaps?labelSelector=tier')
    expect(left.json.items.map((i: any) => i.metadata.name)).toEqual(['l1', 'l2', 'l5'])
  })
})

describe('patch', () => {
  beforeAll(async () => {
    await api('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] }] },
        },
      },
    })
  })

  it('applies a strategic merge patch (containers merged by name) and bumps generation', async () => {
    const r = await api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web',
      { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }] }] } } } },
      { 'content-type': 'application/strategic-merge-patch+json' },
    )
    expect(r.status).toBe(200)
    expect(r.json.spec.template.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ])
    expect(r.json.spec.template.spec.containers[0].image).toBe('nginx:1')
    expect(r.json.metadata.generation).toBe(2)
  })

  it('applies a merge patch (lists replaced) and a JSON patch', async () => {
    const merge = await api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web',
      { metadata: { labels: { team: 'a' } } },
      { 'content-type': 'application/merge-patch+json' },
    )
    expect(merge.json.metadata.labels).toEqual({ team: 'a' })
    const json = await api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web',
      [{ op: 'replace', path: '/spec/replicas', value: 3 }],
      { 'content-type': 'application/json-patch+json' },
    )
    expect(json.json.spec.replicas).toBe(3)
    const failing = await api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web',
      [{ op: 'test', path: '/spec/replicas', value: 9 }],
      { 'content-type': 'application/json-patch+json' },
    )
    expect(failing.status).toBe(422)
  })

  it('rejects an unsupported patch content type with 415', async () => {
    const r = await api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web',
      {},
      { 'content-type': 'text/plain' },
    )
    expect(r.status).toBe(415)
    expect(r.json).toMatchObject({
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    })
  })

  it('ignores status in a PUT of the object and spec in a PUT of the status', async () => {
    const d = (await api('GET', '/apis/apps/v1/namespaces/default/deployments/web')).json
    const put = await api('PUT', '/apis/apps/v1/namespaces/default/deployments/web', {
      ...d,
      status: { replicas: 99 },
    })
    expect(put.json.status.replicas).toBe(3)
    const status = await api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web/status',
      { spec: { replicas: 7 }, status: { availableReplicas: 1 } },
      { 'content-type': 'application/merge-patch+json' },
    )
    expect(status.json.spec.replicas).toBe(3)
    expect(status.json.status.availableReplicas).toBe(1)
  })
})

describe('deployments and pods', () => {
  it('runs the pods of a deployment (ReplicaSet-owned, pod-template-hash label) and removes them with it', async () => {
    await api('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'ctrl' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'ctrl' } },
        template: {
          metadata: { labels: { app: 'ctrl' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    })
    let pods: any[] = []
    for (let i = 0; i < 50 && pods.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20))
      pods = (await api('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dctrl')).json.items
    }
    expect(pods).toHaveLength(2)
    for (const p of pods) {
      expect(p.status.phase).toBe('Running')
      expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', controller: true })
      expect(p.metadata.name).toMatch(
        new RegExp(`^ctrl-${p.metadata.labels['pod-template-hash']}-[a-z0-9]{5}$`),
      )
    }
    const d = (await api('GET', '/apis/apps/v1/namespaces/default/deployments/ctrl')).json
    expect(d.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1,
    })
    await api('DELETE', '/apis/apps/v1/namespaces/default/deployments/ctrl')
    expect((await api('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dctrl')).json.items).toEqual(
      [],
    )
  })

  it('validates that the selector matches the template labels', async () => {
    const r = await api('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'mismatch' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
      },
    })
    expect(r.status).toBe(422)
    expect(r.json.message).toBe(
      'Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
    )
  })
})

describe('subresources and simulated cluster activity', () => {
  it('scales a deployment through deployments/scale (kubectl scale)', async () => {
    await api('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'scaled' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'scaled' } },
        template: {
          metadata: { labels: { app: 'scaled' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    })
    const scale = await api('GET', '/apis/apps/v1/namespaces/default/deployments/scaled/scale')
    expect(scale.json).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'scaled' },
      spec: { replicas: 1 },
      status: { replicas: 1, selector: 'app=scaled' },
    })
    const patched = await api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/scaled/scale',
      { spec: { replicas: 3 } },
      { 'content-type': 'application/merge-patch+json' },
    )
    expect(patched.json.spec.replicas).toBe(3)
    expect((await api('GET', '/apis/apps/v1/namespaces/default/deployments/scaled')).json.spec.replicas).toBe(
      3,
    )
  })

  it('serves an empty pods/log and records the scheduler and kubelet events of a new pod', async () => {
    await api('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'evented' },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    })
    const log = await api('GET', '/api/v1/namespaces/default/pods/evented/log')
    expect([log.status, log.headers['content-type'], log.text]).toEqual([200, 'text/plain', ''])
    let events: any[] = []
    for (let i = 0; i < 50 && events.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 20))
      events = (
        await api('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Devented')
      ).json.items
    }
    // Event names end in a random suffix, so the list order is arbitrary: compare by reason.
    const byReason = Object.fromEntries(events.map((e) => [e.reason, e.message]))
    expect(byReason).toEqual({
      Scheduled: expect.stringMatching(/^Successfully assigned default\/evented to aks-nodepool1-/),
      Pulled: 'Container image "nginx:1.27" already present on machine',
      Created: 'Created container app',
      Started: 'Started container app',
    })
    expect(events[0].involvedObject).toMatchObject({ kind: 'Pod', name: 'evented', namespace: 'default' })
  })
})
