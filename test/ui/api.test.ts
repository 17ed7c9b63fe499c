/**
 * The UI's JSON and event-stream API on a running simulator: the stream with many clients and
 * reconnects, the explorer's answers, the host controls (each one an event in the flow view), and
 * bad input — always a 4xx, never a 5xx, never a wrong "allowed".
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { ALICE, BOB, FRANK, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
let ui: string

beforeAll(async () => {
  sim = await startTestSimulator()
  ui = String(sim.endpoints.ui)
})
afterAll(() => sim.stop())

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${ui}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() }
}
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${ui}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() }
}

/** Reads an SSE stream, collecting frames, until `until` says so. */
async function readStream(
  headers: Record<string, string>,
  until: (frames: { id?: string; event: string; data: any }[]) => boolean,
) {
  const controller = new AbortController()
  const res = await fetch(`${ui}/api/stream`, { headers, signal: controller.signal })
  expect(res.headers.get('content-type')).toContain('text/event-stream')
  const frames: { id?: string; event: string; data: any }[] = []
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  while (!until(frames)) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let i
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const raw = buffer.slice(0, i)
      buffer = buffer.slice(i + 2)
      const lines = Object.fromEntries(
        raw
          .split('\n')
          .filter((l) => !l.startsWith(':') && l.includes(': '))
          .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
      )
      if (lines.event)
        frames.push({ id: lines.id, event: lines.event, data: JSON.parse(lines.data ?? 'null') })
    }
  }
  controller.abort()
  return frames
}

const emitReview = (user: string) =>
  sim.eventBus.emit('token_review.completed', 'webhook', {
    outcome: 'authenticated',
    user,
    groups: 1,
    groupsSource: 'claim',
    durationMs: 1,
    status: 200,
  })

describe('the event stream', () => {
  it('serves 50 clients at once, and a reconnect gets only what it missed', async () => {
    const streams = Array.from({ length: 50 }, () =>
      readStream({}, (f) => f.some((x) => x.event === 'flow' && x.data.user === 'last@contoso.example')),
    )
    await expect.poll(async () => (await (await fetch(`${ui}/api/stream/stats`)).json()).clients).toBe(50)
    for (let i = 0; i < 200; i++) emitReview(`user${i}@contoso.example`)
    emitReview('last@contoso.example')
    const all = await Promise.all(streams)
    for (const frames of all) {
      expect(frames[0]!.event).toBe('reset')
      expect(
        frames.filter((f) => f.event === 'flow' && f.data.kind === 'token-review').length,
      ).toBeGreaterThanOrEqual(201)
    }
    await expect.poll(async () => (await (await fetch(`${ui}/api/stream/stats`)).json()).clients).toBe(0)

    const lastId = all[0]!.findLast((f) => f.id !== undefined)!.id!
    emitReview('missed@contoso.example')
    const resumed = await readStream({ 'last-event-id': lastId }, (f) => f.length >= 1)
    expect(resumed[0]).toMatchObject({ event: 'flow', data: { user: 'missed@contoso.example' } })
    expect(Number(resumed[0]!.id)).toBeGreaterThan(Number(lastId))
  })
})

describe('access explorer API', () => {
  it('answers check and who-can from the live state', async () => {
    const denied = await post('/access/check', {
      user: BOB,
      verb: 'delete',
      resource: 'deployments',
      group: 'apps',
      namespace: 'prod',
    })
    expect(denied.status).toBe(200)
    expect(denied.body).toMatchObject({ allowed: false, decidedBy: 'Webhook (Azure RBAC)' })
    expect(denied.body.kubectl).toBe(
      `Error from server (Forbidden): deployments.apps is forbidden: User "${BOB}" cannot delete resource "deployments" in API group "apps" in the namespace "prod": User does not have access to the resource in Azure. Update role assignment to allow access.`,
    )
    expect(denied.body.azure.explanation.dataAction).toBe(
      'Microsoft.ContainerService/managedClusters/apps/deployments/delete',
    )

    const allowed = await post('/access/check', {
      user: FRANK,
      verb: 'get',
      resource: 'pods',
      namespace: 'prod',
    })
    expect(allowed.body).toMatchObject({ allowed: true, decidedBy: 'Webhook (Azure RBAC)' })
    const admin = await post('/access/check', { user: ALICE, verb: 'delete', resource: 'nodes' })
    expect(admin.body).toMatchObject({ allowed: true, decidedBy: 'RBAC' })
    expect(admin.body.rbac.grantedBy.binding).toBe('ClusterRoleBinding aks-cluster-admin-binding-aad')

    const who = await post('/access/who-can', { verb: 'get', resource: 'pods', namespace: 'prod' })
    const allowedUsers = who.body.users.filter((u: any) => u.allowed).map((u: any) => u.upn)
    expect(allowedUsers.sort()).toEqual([ALICE, 'dave@contoso.onmicrosoft.com', FRANK].sort())
    expect(who.body.azure.map((a: any) => a.principal)).toContain('Frank Reader')
  })

  it('refuses bad input with a 4xx and never answers "allowed" for a user it does not know', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.record(
            {
              user: fc.oneof(fc.string(), fc.constant(BOB), fc.integer()),
              verb: fc.oneof(fc.string(), fc.constantFrom('get', 'list', '*')),
              resource: fc.oneof(fc.string(), fc.constantFrom('pods', 'pods/exec', '*')),
              namespace: fc.oneof(fc.string(), fc.constant('prod')),
              path: fc.string(),
            },
            { requiredKeys: [] },
          ),
        ),
        async (body) => {
          const r = await post('/access/check', typeof body === 'string' ? body : body)
          expect(r.status).toBeLessThan(500)
          if (r.status === 200) expect(r.body.identity.upn).toBe(BOB)
          else expect(r.body.error.code).toMatch(/^[a-z_]+$/)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('refuses cross-origin and non-JSON writes', async () => {
    const cross = await post('/clock/advance', { seconds: 1 }, { origin: 'https://evil.example' })
    expect(cross).toMatchObject({ status: 403, body: { error: { code: 'cross_origin' } } })
    const res = await fetch(`${ui}/api/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"seconds":1}',
    })
    expect(res.status).toBe(415)
    expect(sim.clock().offsetSeconds).toBe(0)
  })
})

describe('host controls API', () => {
  it('grants and revokes a role assignment and a binding, each visible in the flows', async () => {
    const grant = await post('/azure/role-assignments', {
      principal: BOB,
      role: 'Azure Kubernetes Service RBAC Writer',
      namespace: 'prod',
    })
    expect(grant.status).toBe(201)
    expect(sim.azureRbac!.roleAssignments().some((a) => a.id === grant.body.id)).toBe(true)
    expect(
      (await post('/access/check', { user: BOB, verb: 'create', resource: 'configmaps', namespace: 'prod' }))
        .body.allowed,
    ).toBe(true)
    expect(
      (
        await post('/azure/role-assignments', {
          principal: BOB,
          role: 'Azure Kubernetes Service RBAC Writer',
          namespace: 'prod',
        })
      ).body.error.code,
    ).toBe('RoleAssignmentExists')
    expect((await call('DELETE', `/azure/role-assignments/${grant.body.id}`)).status).toBe(204)
    expect((await call('DELETE', `/azure/role-assignments/${grant.body.id}`)).status).toBe(404)

    const binding = {
      kind: 'RoleBinding',
      name: 'bob-view-prod',
      namespace: 'prod',
      role: 'view',
      subjectKind: 'User',
      subject: BOB,
    }
    expect((await post('/kubernetes/bindings', binding)).status).toBe(201)
    expect((await post('/kubernetes/bindings', binding)).status).toBe(409)
    // The binding is an object of the API server: its RBAC engine allows bob now.
    const decision = sim.kube.rbac.authorize({
      user: { name: BOB, groups: [] },
      resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'prod' },
    })
    expect(decision.reason).toBe(
      `RBAC: allowed by RoleBinding "bob-view-prod/prod" of ClusterRole "view" to User "${BOB}"`,
    )
    const check = await post('/access/check', {
      user: BOB,
      verb: 'list',
      resource: 'pods',
      namespace: 'prod',
    })
    expect(check.body).toMatchObject({ allowed: true, decidedBy: 'RBAC' })
    expect(
      (await call('DELETE', '/kubernetes/bindings/RoleBinding/bob-view-prod?namespace=prod')).status,
    ).toBe(204)
    expect(
      (await call('DELETE', '/kubernetes/bindings/RoleBinding/bob-view-prod?namespace=prod')).status,
    ).toBe(404)
    expect((await post('/kubernetes/bindings', { ...binding, name: 'Not A Name' })).status).toBe(400)

    await expect
      .poll(async () => ((await (await fetch(`${ui}/api/flows`)).json()).value as any[]).map((f) => f.title))
      .toEqual(
        expect.arrayContaining([
          `Azure role assignment granted: Azure Kubernetes Service RBAC Writer for Bob Builder`,
          `Azure role assignment revoked: Azure Kubernetes Service RBAC Writer for Bob Builder`,
          'RoleBinding created: prod/bob-view-prod',
          'RoleBinding deleted: prod/bob-view-prod',
        ]),
      )
  })

  it('injects and clears faults, and rejects malformed ones', async () => {
    expect((await call('PUT', '/faults/graph.getMemberGroups', { status: 503, times: 1 })).status).toBe(200)
    expect(sim.faults.list()).toMatchObject([{ endpoint: 'graph.getMemberGroups', status: 503 }])
    expect((await call('PUT', '/faults/graph.getMemberGroups', { status: 200 })).status).toBe(400)
    expect((await call('PUT', '/faults/%3Cscript%3E', { status: 503 })).status).toBe(400)
    expect((await call('DELETE', '/faults')).status).toBe(204)
    expect(sim.faults.list()).toEqual([])
  })

  it('reviews made while no stream is open are in every read: list, detail, reconnect', async () => {
    const before = ((await (await fetch(`${ui}/api/flows?limit=1`)).json()) as { seq: number }).seq
    const users = [0, 1, 2].map((i) => `deferred-${i}@contoso.example`)
    for (const u of users) emitReview(u)
    // The UI's subscriber takes events on the next turn of the event loop; then they wait (deferReviews).
    await new Promise((r) => setImmediate(r))
    expect(((await (await fetch(`${ui}/api/stream/stats`)).json()) as { clients: number }).clients).toBe(0)
    const listed = (await (await fetch(`${ui}/api/flows`)).json()) as { seq: number; value: any[] }
    expect(listed.seq).toBe(before + 3)
    expect(listed.value.slice(-3).map((f) => [f.kind, f.user, f.seq])).toEqual(
      users.map((u, i) => ['token-review', u, before + 1 + i]),
    )
    const detail = await (await fetch(`${ui}/api/flows/${listed.value.at(-1).id}`)).json()
    expect(detail.steps.length).toBeGreaterThan(0)
    expect(detail.events.map((e: any) => e.data.user)).toEqual([users[2]])
    // A browser reconnecting with the last sequence number it had gets the three as changes.
    const frames = await readStream({ 'last-event-id': String(before) }, (f) => f.length >= 3)
    expect(frames.slice(0, 3).map((f) => [f.event, f.data.user])).toEqual(users.map((u) => ['flow', u]))
  })

  it('returns a flow with the raw events it was built from', async () => {
    const flows = (await (await fetch(`${ui}/api/flows`)).json()).value as any[]
    const one = flows.at(-1)
    const detail = await (await fetch(`${ui}/api/flows/${one.id}`)).json()
    expect(detail.events.map((e: any) => e.id)).toEqual(one.eventIds)
    expect((await fetch(`${ui}/api/flows/nope`)).status).toBe(404)
  })
})
