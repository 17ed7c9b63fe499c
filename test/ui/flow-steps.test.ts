/**
 * Issue 18's flow defects, on the data the UI draws: every flow has all 11 steps with an explicit
 * state; a failing webhook's step 5 is failed with the real total time and the attempts; a refused
 * request is filed under who the token claimed to be; a request answered from the API server's token
 * cache links to the request that made the TokenReview; ARM's credential read is a read with its
 * caller; an abandoned device code expires on the simulator clock.
 */
import { describe, expect, it } from 'vitest'
import { createEventBus } from '../../src/kernel/events.js'
import { createFlowStore } from '../../src/ui/flows/store.js'
import { createFlowTracker } from '../../src/ui/flows/tracker.js'

const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
const BOB = 'bob@contoso.example'

function setup(expiries: Record<string, number> = {}) {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const bus = createEventBus(() => now)
  const store = createFlowStore(100)
  const errors: unknown[] = []
  const tracker = createFlowTracker({
    store,
    webhookClients: ['aks-webhook'],
    deviceCodeExpiry: (code) => expiries[code],
    onError: (e) => errors.push(e),
  })
  bus.subscribe((e) => tracker.ingest(e))
  return { bus, store, tracker, errors, now: () => now, advance: (ms: number) => (now += ms) }
}

const webhookStep = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  authenticator: 'webhook',
  detail,
  ...extra,
})

const apiRequest = (extra: Record<string, unknown>) => ({
  method: 'GET',
  path: '/api/v1/namespaces/dev/pods',
  verb: 'list',
  resource: 'pods',
  apiGroup: '',
  namespace: 'dev',
  durationMs: 30,
  ...extra,
})

const stepOf = (flow: { steps: { n: number }[] }, n: number) =>
  flow.steps.find((s) => s.n === n) as unknown as Record<string, unknown> & { state: string; summary: string }

describe('flow steps (issue 18)', () => {
  it('a: a failed TokenReview still shows 11 steps, the ones after the failure "not reached"', () => {
    const { bus, store, advance } = setup()
    bus.emit('token_review.completed', 'webhook', {
      outcome: 'rejected',
      reason: 'bad_signature',
      error: 'oidc: failed to verify signature',
      durationMs: 2,
      status: 200,
    })
    advance(3)
    bus.emit(
      'request.completed',
      'apiserver',
      apiRequest({
        status: 401,
        authentication: {
          method: 'webhook',
          steps: [
            webhookStep(
              { cached: false, webhookStatus: 200, webhookMs: 3, attempts: 1 },
              { outcome: 'rejected', error: 'oidc: failed to verify signature' },
            ),
          ],
        },
      }),
    )
    const [flow] = store.list()
    expect(flow!.kind).toBe('kubectl')
    expect(flow!.steps.map((s) => s.n)).toEqual(ALL)
    expect(stepOf(flow!, 6).state).toBe('failed')
    for (const n of [7, 8]) {
      expect(stepOf(flow!, n).state).toBe('not-reached')
      expect(stepOf(flow!, n).reason).toMatch(/^not reached: step 6 failed/)
    }
    expect(stepOf(flow!, 9).state).toBe('not-reached')
    // Steps 1 and 2: a token nobody saw issued, said so for both.
    expect(stepOf(flow!, 1).state).toBe('unobserved')
    expect(stepOf(flow!, 2).state).toBe('unobserved')
  })

  it('a: sign-ins, direct reviews, host actions and ARM requests carry 11 steps too, each with a reason', () => {
    const { bus, store } = setup()
    bus.emit('device_code.issued', 'entra', { userCode: 'ABCDEFGHJ', client: 'kubelogin', aud: 'x' })
    bus.emit('token_review.completed', 'webhook', {
      outcome: 'authenticated',
      user: BOB,
      groups: 2,
      groupsSource: 'claim',
    })
    bus.emit('subject_access_review.completed', 'webhook', {
      user: BOB,
      attributes: { verb: 'get', resource: 'pods' },
      outcome: 'allowed',
    })
    bus.emit('keys.rotated', 'admin', { kid: 'k2' })
    bus.emit('request.completed', 'arm', { method: 'GET', path: '/subscriptions', status: 200 })
    const flows = store.list()
    expect(new Set(flows.map((f) => f.kind))).toEqual(
      new Set(['sign-in', 'token-review', 'access-review', 'control']),
    )
    for (const f of flows) {
      expect(
        f.steps.map((s) => s.n),
        f.title,
      ).toEqual(ALL)
      for (const s of f.steps)
        if (!['ok', 'failed', 'pending'].includes(s.state))
          expect(s.reason ?? s.summary, f.title).toBeTruthy()
    }
    const signIn = flows.find((f) => f.kind === 'sign-in')!
    expect(stepOf(signIn, 5)).toMatchObject({ state: 'not-reached' })
    const review = flows.find((f) => f.kind === 'token-review')!
    expect(stepOf(review, 7)).toMatchObject({ state: 'not-needed' })
    expect(stepOf(review, 7).reason).toContain('the groups were in the token')
    expect(stepOf(review, 9)).toMatchObject({ state: 'elsewhere' })
  })

  it('b: a webhook failing with HTTP 500 on 5 attempts shows step 5 failed, with the total time and the attempts', () => {
    const { bus, store, advance } = setup()
    for (let i = 0; i < 5; i++) {
      bus.emit('token_review.completed', 'webhook', {
        outcome: 'upstream_failure',
        reason: 'graph_unreachable',
        error: 'getMemberGroups failed: 503',
        user: 'dave@contoso.example',
        durationMs: 3.7,
        status: 500,
      })
      advance(900)
    }
    bus.emit(
      'request.completed',
      'apiserver',
      apiRequest({
        status: 401,
        durationMs: 4633,
        authentication: {
          method: 'webhook',
          steps: [
            webhookStep(
              { cached: false, webhookStatus: 500, webhookMs: 4630, attempts: 5 },
              { outcome: 'error', error: 'getMemberGroups failed: 503' },
            ),
          ],
        },
      }),
    )
    const flow = store.list().find((f) => f.kind === 'kubectl')!
    expect(store.list().filter((f) => f.kind === 'token-review')).toEqual([])
    const five = stepOf(flow, 5)
    expect(five.state).toBe('failed')
    expect(five.durationMs).toBe(4630)
    expect(five.summary).toContain('HTTP 500 on each of 5 attempts')
    expect(five.facts).toMatchObject({ attempts: 5 })
    expect(Object.keys(five.facts as object).filter((k) => k.startsWith('attempt '))).toHaveLength(5)
    expect(stepOf(flow, 7).state).toBe('failed')
    expect(stepOf(flow, 8).state).toBe('not-reached')
    expect(flow.steps.map((s) => s.n)).toEqual(ALL)
    // The refused request is still filed under the user the webhook identified.
    expect(flow.user).toBe('dave@contoso.example')
  })

  it('c: a request refused for a bad signature is filed under who the token claimed to be, marked unverified', () => {
    const { bus, store, advance } = setup()
    bus.emit('token_review.completed', 'webhook', {
      outcome: 'rejected',
      reason: 'bad_signature',
      error: 'oidc: failed to verify signature',
      claimedUser: BOB,
      durationMs: 2,
      status: 200,
    })
    const direct = store.list()[0]!
    expect(direct).toMatchObject({
      user: BOB,
      userVerified: false,
      title: `TokenReview for ${BOB} (unverified)`,
    })
    bus.emit('token_review.completed', 'webhook', {
      outcome: 'rejected',
      reason: 'bad_signature',
      claimedUser: BOB,
      durationMs: 2,
      status: 200,
    })
    advance(3)
    bus.emit(
      'request.completed',
      'apiserver',
      apiRequest({
        status: 401,
        authentication: {
          method: 'webhook',
          steps: [webhookStep({ cached: false, webhookStatus: 200, webhookMs: 3 }, { outcome: 'rejected' })],
        },
      }),
    )
    const flow = store.list().find((f) => f.kind === 'kubectl')!
    expect(flow).toMatchObject({ outcome: 'unauthorized', user: BOB, userVerified: false })
  })

  it('d: a request answered from the token cache links to the (discovery) request that made the TokenReview', () => {
    const { bus, store, advance } = setup()
    bus.emit('token_review.completed', 'webhook', {
      outcome: 'authenticated',
      user: BOB,
      groups: 2,
      groupsSource: 'claim',
      durationMs: 5,
      status: 200,
    })
    advance(2)
    const ok = { outcome: 'authenticated', user: BOB, groups: ['g1'] }
    bus.emit('request.completed', 'apiserver', {
      method: 'GET',
      path: '/api',
      status: 200,
      durationMs: 8,
      user: BOB,
      authentication: { method: 'webhook', steps: [webhookStep({ cached: false, webhookStatus: 200 }, ok)] },
    })
    const discovery = store.list().find((f) => f.title === 'GET /api')!
    advance(50)
    bus.emit(
      'request.completed',
      'apiserver',
      apiRequest({
        status: 200,
        user: BOB,
        authentication: { method: 'webhook', steps: [webhookStep({ cached: true }, ok)] },
        authorization: { decision: 'Allow', reason: 'RBAC: allowed', detail: { decidedBy: 'RBAC' } },
      }),
    )
    const flow = store.list().find((f) => f.title === 'list pods -n dev')!
    for (const n of [5, 6, 7, 8]) {
      expect(stepOf(flow, n)).toMatchObject({
        state: 'cached',
        refFlowId: discovery.id,
        refTitle: 'GET /api',
      })
      expect(stepOf(flow, n).reason).toBe(
        'answered from cache on request "GET /api", which made the TokenReview',
      )
    }
  })

  it("e: step 9 writes the binding namespace/name and says how Kubernetes' own reason quotes it", () => {
    const { bus, store } = setup()
    const reason = 'RBAC: allowed by RoleBinding "engineering-edit/dev" of ClusterRole "edit" to Group "g1"'
    bus.emit(
      'request.completed',
      'apiserver',
      apiRequest({
        status: 200,
        user: BOB,
        authentication: { method: 'x509', steps: [{ authenticator: 'x509', outcome: 'authenticated' }] },
        authorization: {
          decision: 'Allow',
          reason,
          detail: {
            decidedBy: 'RBAC',
            matched: { binding: { kind: 'RoleBinding', namespace: 'dev', name: 'engineering-edit' } },
          },
        },
      }),
    )
    const nine = stepOf(store.list()[0]!, 9)
    expect(nine.summary).toContain(reason)
    expect(nine.facts).toMatchObject({
      'RBAC binding': 'RoleBinding dev/engineering-edit',
      'binding name form':
        'namespace/name here; Kubernetes\' own reason text quotes it "engineering-edit/dev" (name/namespace)',
    })
    // A client certificate needs no webhook: steps 5–8 say so rather than vanish.
    expect(stepOf(store.list()[0]!, 5).state).toBe('not-needed')
  })

  it('g: the ARM credential read is badged Read, with its caller; a PUT is a Change', () => {
    const { bus, store } = setup()
    const path =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks/listClusterUserCredential'
    bus.emit('request.completed', 'arm', {
      method: 'POST',
      path,
      status: 200,
      detail: { caller: BOB },
    })
    bus.emit('request.completed', 'arm', {
      method: 'PUT',
      path: '/subscriptions/s/resourceGroups/rg',
      status: 201,
      detail: { caller: 'alice@contoso.example' },
    })
    const [read, write] = store.list()
    expect(read).toMatchObject({ outcome: 'allowed', badge: 'Read', user: BOB })
    expect(read!.decision).toContain('listClusterUserCredential (POST action, a read)')
    expect(write).toMatchObject({ outcome: 'info', badge: 'Change', user: 'alice@contoso.example' })
  })

  it('h: an abandoned device code is shown expired once the simulator clock passes its expiry', () => {
    const { bus, store, tracker, now, advance } = setup({ ABCDEFGHJ: Date.parse('2026-03-01T10:15:00Z') })
    bus.emit('device_code.issued', 'entra', { userCode: 'ABCDEFGHJ', client: 'kubelogin', aud: 'x' })
    expect(store.list()[0]).toMatchObject({ outcome: 'pending' })
    tracker.tick(now() + 60_000)
    expect(store.list()[0]).toMatchObject({ outcome: 'pending' })
    advance(3600_000)
    bus.emit('clock.advanced', 'admin', { seconds: 3600 })
    const signIn = store.list().find((f) => f.kind === 'sign-in')!
    expect(signIn).toMatchObject({ outcome: 'unauthorized', decision: 'expired' })
    expect(signIn.reason).toContain('expired_token: the code expired at 10:15:00 (simulator clock)')
    expect(stepOf(signIn, 1).state).toBe('failed')
    expect(stepOf(signIn, 3).state).toBe('not-reached')
    expect(signIn.steps.map((s) => s.n)).toEqual(ALL)
  })
})
