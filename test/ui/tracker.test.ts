/**
 * Correlation of one kubectl request's events into one flow — and robustness when pieces are
 * missing, arrive for someone else, or carry fields of the wrong type.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createEventBus } from '../../src/kernel/events.js'
import { createFlowStore } from '../../src/ui/flows/store.js'
import { createFlowTracker } from '../../src/ui/flows/tracker.js'

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
  return { bus, store, tracker, errors, advance: (ms: number) => (now += ms) }
}

const apiRequest = (extra: Record<string, unknown> = {}) => ({
  method: 'GET',
  path: '/api/v1/namespaces/prod/pods',
  status: 403,
  durationMs: 30,
  verb: 'list',
  resource: 'pods',
  apiGroup: '',
  namespace: 'prod',
  user: 'bob@contoso.example',
  groups: ['g1', 'system:authenticated'],
  authentication: {
    method: 'webhook',
    steps: [
      {
        authenticator: 'webhook',
        outcome: 'authenticated',
        user: 'bob@contoso.example',
        detail: { cached: false, webhookMs: 9, webhookStatus: 200, attempts: 1 },
      },
    ],
  },
  authorization: {
    decision: 'Deny',
    reason: 'nope',
    detail: {
      decidedBy: 'Webhook',
      chain: [
        { authorizer: 'RBAC', decision: 'NoOpinion', reason: '' },
        { authorizer: 'Webhook', decision: 'Deny', reason: 'nope' },
      ],
    },
  },
  ...extra,
})

describe('flow tracker', () => {
  it('joins a Graph call that Graph logs after the TokenReview it was made for to that review', () => {
    const { bus, store, advance } = setup()
    bus.emit('token_review.completed', 'webhook', {
      outcome: 'authenticated',
      user: 'dave@contoso.example',
      groups: 250,
      groupsSource: 'graph',
      durationMs: 20,
      status: 200,
    })
    // Graph's response finished 2 ms later than the webhook's answer; the call started inside the review.
    advance(2)
    const graph = bus.emit('request.completed', 'graph', {
      method: 'POST',
      path: '/v1.0/users/dave/getMemberGroups',
      status: 200,
      durationMs: 8,
    })
    const review = store.list().find((f) => f.kind === 'token-review')!
    expect(review.eventIds).toContain(graph.id)
    expect(JSON.stringify(review.steps)).toContain('getMemberGroups')
  })

  it("joins a request's TokenReview, Graph call and SubjectAccessReview into one kubectl flow", () => {
    const { bus, store, advance } = setup()
    bus.emit('device_code.issued', 'entra', {
      userCode: 'ABCDEFGHJ',
      client: 'Azure Kubernetes Service AAD Client',
      aud: 'x',
    })
    bus.emit('device_code.approved', 'entra', {
      userCode: 'ABCDEFGHJ',
      user: 'bob@contoso.example',
      accountEnabled: true,
    })
    bus.emit('token.issued', 'entra', {
      grant: 'device_code',
      user: 'bob@contoso.example',
      oid: 'oid-bob',
      aud: 'x',
      ver: '1.0',
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
    bus.emit('token_review.completed', 'webhook', {
      outcome: 'authenticated',
      user: 'bob@contoso.example',
      oid: 'oid-bob',
      groups: 250,
      groupsSource: 'graph',
      durationMs: 10,
      status: 200,
    })
    advance(5)
    bus.emit('subject_access_review.completed', 'webhook', {
      user: 'bob@contoso.example',
      attributes: { verb: 'list', resource: 'pods', namespace: 'prod' },
      outcome: 'denied',
      reason: 'nope',
      status: 200,
      explanation: {
        summary: 'no role assignment grants it',
        dataAction: 'Microsoft.ContainerService/managedClusters/pods/read',
      },
    })
    // Someone else's review in the same moment is not taken.
    bus.emit('token_review.completed', 'webhook', {
      outcome: 'authenticated',
      user: 'alice@contoso.example',
      durationMs: 1,
    })
    advance(10)
    bus.emit('request.completed', 'apiserver', apiRequest())

    const flows = store.list()
    expect(flows.map((f) => f.kind).sort()).toEqual(['kubectl', 'sign-in', 'token-review'])
    expect(flows.find((f) => f.kind === 'token-review')!.user).toBe('alice@contoso.example')
    const flow = flows.find((f) => f.kind === 'kubectl')!
    expect(flow).toMatchObject({
      title: 'list pods -n prod',
      outcome: 'forbidden',
      reason: 'nope',
      user: 'bob@contoso.example',
    })
    expect(flow.steps.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    const step7 = flow.steps.find((s) => s.n === 7)!
    expect(step7.summary).toBe('groups overage claim: Microsoft Graph getMemberGroups returned 250 groups')
    expect(step7.facts!['Graph call 1']).toBe('POST /v1.0/users/bob/getMemberGroups → 200 (3.0 ms)')
    expect(step7.facts!['Graph token 1']).toBe('client credentials for aks-webhook')
    const step9 = flow.steps.find((s) => s.n === 9)!
    expect(step9.facts!['data action']).toBe('Microsoft.ContainerService/managedClusters/pods/read')
    expect(step9.bodies![0]!.json).toMatchObject({ user: 'bob@contoso.example', extra: { oid: ['oid-bob'] } })
    expect(flow.steps.find((s) => s.n === 11)!.summary).toBe(
      'Error from server (Forbidden): pods is forbidden: User "bob@contoso.example" cannot list resource "pods" in API group "" in the namespace "prod": nope',
    )
    expect(flow.related).toEqual([
      { id: flows.find((f) => f.kind === 'sign-in')!.id, title: expect.stringContaining('ABCDEFGHJ') },
    ])
  })

  it('draws a request whose webhook events it never saw, saying so', () => {
    const { bus, store } = setup()
    bus.emit(
      'request.completed',
      'apiserver',
      apiRequest({
        authorization: undefined,
        status: 401,
        user: undefined,
        authentication: {
          method: 'none',
          steps: [{ authenticator: 'webhook', outcome: 'rejected', error: 'token expired' }],
        },
      }),
    )
    const [flow] = store.list()
    expect(flow).toMatchObject({ kind: 'kubectl', outcome: 'unauthorized', reason: 'token expired' })
    expect(flow!.steps.find((s) => s.n === 5)!.summary).toContain("the webhook's own event was not seen")
    expect(flow!.steps.find((s) => s.n === 9)!.state).toBe('not-reached') // was 'skipped': issue 18 names a step that never happened 'not reached'
  })

  it('never throws and only builds well-formed flows from events of any shape', () => {
    const types = [
      'request.completed',
      'token_review.completed',
      'subject_access_review.completed',
      'device_code.issued',
      'device_code.approved',
      'device_code.declined',
      'token.issued',
      'clock.advanced',
      'keys.rotated',
      'directory.changed',
      'fault.set',
      'role_assignment.created',
      'rbac.binding.created',
    ]
    const services = ['apiserver', 'webhook', 'entra', 'graph', 'arm', 'admin', 'ui']
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: fc.constantFrom(...types),
            service: fc.constantFrom(...services),
            data: fc.dictionary(
              fc.constantFrom(
                'user',
                'status',
                'durationMs',
                'path',
                'outcome',
                'authentication',
                'authorization',
                'userCode',
                'attributes',
                'groups',
                'resource',
                'explanation',
                'grant',
                'reason',
                'detail',
                'claimedUser',
              ),
              fc.anything(),
            ),
          }),
          { maxLength: 30 },
        ),
        (events) => {
          const { bus, store, errors } = setup()
          for (const e of events) bus.emit(e.type, e.service, e.data)
          expect(errors).toEqual([])
          for (const f of store.list()) {
            expect(typeof f.title).toBe('string')
            expect(['allowed', 'forbidden', 'unauthorized', 'error', 'pending', 'info']).toContain(f.outcome)
            for (const s of f.steps) expect(s.n >= 1 && s.n <= 11 && typeof s.summary === 'string').toBe(true)
            // Issue 18: every flow shows all 11 steps, in order.
            expect(f.steps.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
            expect(() => JSON.stringify(f)).not.toThrow()
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
