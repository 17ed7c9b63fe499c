/**
 * The tracker builds a TokenReview's, a SubjectAccessReview's and a kubectl request's steps when they
 * are first read (src/ui/flows/lazy-steps.ts): what a reader gets must be what an eager build gives
 * (the same JSON, key order included), a flow stored earlier must keep the steps of what it saw.
 */
import { describe, expect, it } from 'vitest'
import { createEventBus, type SimEvent } from '../../src/kernel/events.js'
import { completeSteps } from '../../src/ui/flows/complete.js'
import { tokenIssuedStep, type FlowDraft } from '../../src/ui/flows/sign-in.js'
import type { FlowStep } from '../../src/ui/flows/types.js'
import { createFlowStore } from '../../src/ui/flows/store.js'
import { createFlowTracker } from '../../src/ui/flows/tracker.js'
import { accessReviewStep, tokenReviewSteps } from '../../src/ui/flows/webhook-steps.js'

function setup() {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const bus = createEventBus(() => now)
  const store = createFlowStore(100)
  const errors: unknown[] = []
  const tracker = createFlowTracker({
    store,
    webhookClients: ['aks-webhook'],
    onError: (e) => errors.push(e),
  })
  bus.subscribe((e) => tracker.ingest(e))
  return { bus, store, errors, advance: (ms: number) => (now += ms) }
}

/** The keys of a flow's JSON in order, without building anything that is not built yet. */
const keysOf = (flow: object) => Object.keys(flow)

/** A kubectl session: sign-in, a request whose token the webhook reviews (Graph, SAR), then cached ones. */
function kubectlSession(bus: ReturnType<typeof setup>['bus'], advance: (ms: number) => void) {
  bus.emit('device_code.issued', 'entra', { userCode: 'ABCDEFGHJ', client: 'aks client', aud: 'x' })
  bus.emit('device_code.approved', 'entra', { userCode: 'ABCDEFGHJ', user: 'bob@contoso.example' })
  bus.emit('token.issued', 'entra', {
    grant: 'device_code',
    user: 'bob@contoso.example',
    oid: 'oid-bob',
    groups: 'overage',
  })
  advance(1000)
  bus.emit('token.issued', 'entra', { grant: 'client_credentials', client: 'aks-webhook' })
  bus.emit('request.completed', 'graph', {
    method: 'POST',
    path: '/v1.0/users/bob/getMemberGroups',
    status: 200,
    durationMs: 3,
  })
  advance(5)
  bus.emit('token_review.completed', 'webhook', { ...review, user: 'bob@contoso.example', oid: 'oid-bob' })
  advance(5)
  bus.emit('subject_access_review.completed', 'webhook', {
    user: 'bob@contoso.example',
    attributes: { verb: 'list', resource: 'pods', namespace: 'prod' },
    outcome: 'denied',
    reason: 'nope',
    status: 200,
  })
  advance(10)
  const request = (status: number, cached: boolean, namespace: string) => ({
    method: 'GET',
    path: `/api/v1/namespaces/${namespace}/pods`,
    status,
    durationMs: 30,
    verb: 'list',
    resource: 'pods',
    apiGroup: '',
    namespace,
    user: 'bob@contoso.example',
    groups: ['g1', 'system:authenticated'],
    authentication: {
      method: 'webhook',
      steps: [
        {
          authenticator: 'webhook',
          outcome: 'authenticated',
          user: 'bob@contoso.example',
          groups: ['g1'],
          detail: cached
            ? { cached: true }
            : { cached: false, webhookMs: 9, webhookStatus: 200, attempts: 1 },
        },
      ],
    },
    authorization:
      status === 403
        ? {
            decision: 'Deny',
            reason: 'nope',
            detail: {
              decidedBy: 'Webhook',
              chain: [
                { authorizer: 'RBAC', decision: 'NoOpinion', reason: '' },
                { authorizer: 'Webhook', decision: 'Deny', reason: 'nope' },
              ],
            },
          }
        : {
            decision: 'Allow',
            reason: 'RBAC: allowed by RoleBinding "dev-readers/dev"',
            detail: { authorizer: 'RBAC', decidedBy: 'RBAC', chain: [] },
          },
  })
  bus.emit('request.completed', 'apiserver', request(403, false, 'prod'))
  for (let i = 0; i < 3; i++) {
    advance(40)
    bus.emit('request.completed', 'apiserver', request(200, true, 'dev'))
  }
}

const review = {
  outcome: 'authenticated',
  user: 'dave@contoso.example',
  oid: 'oid-dave',
  groups: 250,
  groupsSource: 'graph',
  durationMs: 20,
  status: 200,
}

describe('flow steps built when read', () => {
  it("gives a TokenReview's and a SubjectAccessReview's flow the steps an eager build gives", () => {
    const { bus, store } = setup()
    const tr: SimEvent = bus.emit('token_review.completed', 'webhook', review)
    const sar: SimEvent = bus.emit('subject_access_review.completed', 'webhook', {
      user: 'dave@contoso.example',
      attributes: { verb: 'get', resource: 'pods', namespace: 'dev' },
      outcome: 'allowed',
    })
    const [trFlow, sarFlow] = store.list()
    const eager = (flow: FlowDraft, steps: FlowStep[]) =>
      JSON.parse(JSON.stringify(completeSteps({ ...flow, steps })))
    const { steps: _t, ...trHeader } = JSON.parse(JSON.stringify(trFlow))
    const { steps: _s, ...sarHeader } = JSON.parse(JSON.stringify(sarFlow))
    expect(JSON.parse(JSON.stringify(trFlow))).toEqual(eager(trHeader, tokenReviewSteps(tr, [])))
    expect(JSON.parse(JSON.stringify(sarFlow))).toEqual(eager(sarHeader, [accessReviewStep(sar)]))
    expect(trFlow!.steps.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    // A spread (as the UI's flow detail answer makes) carries the steps too.
    expect({ ...trFlow }.steps).toEqual(trFlow!.steps)
  })

  it("builds a token's own flow (a refresh, an app's token) when read: the eager build's JSON and key order", () => {
    const { bus, store, errors } = setup()
    const refresh: SimEvent = bus.emit('token.issued', 'entra', {
      grant: 'refresh_token',
      clientId: 'c1',
      client: 'aks client',
      user: 'bob@contoso.example',
      oid: 'oid-bob',
      groups: 3,
    })
    const app: SimEvent = bus.emit('token.issued', 'entra', { grant: 'client_credentials', client: 'ci-bot' })
    const flows = store.list()
    expect(flows).toHaveLength(2)
    for (const f of flows) expect('get' in Object.getOwnPropertyDescriptor(f, 'steps')!).toBe(true)
    const refreshFlow = flows.find((f) => f.user === 'bob@contoso.example')
    const appFlow = flows.find((f) => f.title.endsWith('ci-bot'))
    expect(keysOf(refreshFlow!)).toEqual([
      'id',
      'kind',
      'startedAt',
      'endedAt',
      'title',
      'user',
      'outcome',
      'decision',
      'steps',
      'eventIds',
      'seq',
    ])
    expect(keysOf(appFlow!)).not.toContain('user')
    const eager = (id: string, e: SimEvent, user?: string) =>
      completeSteps({
        id,
        kind: 'sign-in',
        startedAt: e.time,
        endedAt: e.time,
        title: `Token issued — ${String(e.data.grant)} for ${user ?? String(e.data.client)}`,
        ...(user && { user }),
        outcome: 'allowed',
        decision: 'token issued',
        steps: [tokenIssuedStep(e)],
        eventIds: [e.id],
      })
    expect(JSON.stringify(refreshFlow)).toBe(
      JSON.stringify({ ...eager(refreshFlow!.id, refresh, 'bob@contoso.example'), seq: refreshFlow!.seq }),
    )
    expect(JSON.stringify(appFlow)).toBe(JSON.stringify({ ...eager(appFlow!.id, app), seq: appFlow!.seq }))
    expect(refreshFlow!.steps.find((s) => s.n === 2)!.state).toBe('ok')
    expect(errors).toEqual([])
  })

  it('keeps, in a flow read later, the steps of what it saw then; the Graph call that joins makes a new one', () => {
    const { bus, store, advance } = setup()
    bus.emit('token_review.completed', 'webhook', review)
    const before = store.list().find((f) => f.kind === 'token-review')!
    advance(2)
    bus.emit('request.completed', 'graph', {
      method: 'POST',
      path: '/v1.0/users/dave/getMemberGroups',
      status: 200,
      durationMs: 8,
    })
    const after = store.get(before.id)!
    expect(after).not.toBe(before)
    expect(after.seq).toBeGreaterThan(before.seq)
    // Read only now, the earlier flow still shows no Graph call; the later one does.
    expect(JSON.stringify(before.steps)).not.toContain('/v1.0/users/dave/getMemberGroups')
    expect(JSON.stringify(after.steps)).toContain('/v1.0/users/dave/getMemberGroups')
    expect(after.eventIds.length).toBe(before.eventIds.length + 1)
  })

  it("builds a kubectl request's flow when read: the same JSON as a build at once, keys in the same order", () => {
    // At once: what a browser's event stream reads as each change is made (the eager build).
    const atOnce = setup()
    const seen = new Map<string, string>()
    atOnce.store.subscribe((c) => {
      if ('flow' in c) seen.set(c.flow.id, JSON.stringify(c.flow))
    })
    kubectlSession(atOnce.bus, atOnce.advance)
    // Later: nothing reads a flow until the session is over.
    const later = setup()
    kubectlSession(later.bus, later.advance)
    const flows = later.store.list()
    const kubectl = flows.filter((f) => f.kind === 'kubectl')
    expect(kubectl).toHaveLength(4)
    // Not built yet: `steps` is still the builder's getter.
    for (const f of kubectl) expect('get' in Object.getOwnPropertyDescriptor(f, 'steps')!).toBe(true)
    expect(flows.map((f) => JSON.stringify(f))).toEqual(flows.map((f) => seen.get(f.id)))
    expect(later.errors).toEqual([])
    const [first, cached] = kubectl
    expect(first!.steps.find((s) => s.n === 7)!.facts!['Graph call 1']).toContain('getMemberGroups')
    expect(cached!.steps.find((s) => s.n === 5)!.state).toBe('cached')
    expect(cached!.steps.find((s) => s.n === 5)!.refFlowId).toBe(first!.id)
    // `steps` in its place among the keys, as the flows have always had it.
    expect(keysOf(first!)).toEqual([
      'id',
      'kind',
      'startedAt',
      'endedAt',
      'title',
      'user',
      'namespace',
      'outcome',
      'decision',
      'reason',
      'status',
      'durationMs',
      'steps',
      'eventIds',
      'related',
      'seq',
    ])
  })

  it("keeps a review's steps in their place among the flow's keys", () => {
    const { bus, store, advance } = setup()
    bus.emit('token_review.completed', 'webhook', review)
    bus.emit('subject_access_review.completed', 'webhook', {
      user: 'dave@contoso.example',
      attributes: { verb: 'get', resource: 'pods', namespace: 'dev' },
      outcome: 'allowed',
      status: 200,
    })
    const [tr, sar] = store.list()
    const beforeEventIds = (f: object) => keysOf(f).indexOf('steps') === keysOf(f).indexOf('eventIds') - 1
    expect(beforeEventIds(tr!)).toBe(true)
    expect(beforeEventIds(sar!)).toBe(true)
    advance(2)
    bus.emit('request.completed', 'graph', {
      method: 'POST',
      path: '/v1.0/users/dave/getMemberGroups',
      status: 200,
      durationMs: 8,
    })
    const joined = store.get(tr!.id)!
    expect(keysOf(joined).slice(-3)).toEqual(['steps', 'eventIds', 'seq'])
  })
})
