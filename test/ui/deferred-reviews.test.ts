/**
 * Deferred TokenReviews (the tracker's `deferReviews`): with no browser watching, reviews wait for the
 * next reader, and a review the store would forget before then only updates the correlation state. A
 * reader must see exactly what processing every event at once gives: the same flows (JSON, key order,
 * sequence numbers), the same `changesSince` answers, the same correlation buffers — whatever events
 * came in between and however many reviews the store could not keep.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createEventBus, type EventBus } from '../../src/kernel/events.js'
import { createFlowStore, type FlowStore } from '../../src/ui/flows/store.js'
import { createFlowTracker, type FlowTracker } from '../../src/ui/flows/tracker.js'

const USERS = ['bob@contoso.example', 'dave@contoso.example', undefined] as const

type Step =
  | { kind: 'review'; user: (typeof USERS)[number]; ok: boolean; durationMs: number }
  | { kind: 'graph' }
  | { kind: 'api'; user: (typeof USERS)[number] }
  | { kind: 'sar'; user: (typeof USERS)[number] }
  | { kind: 'sign-in'; user: (typeof USERS)[number]; code: string }
  | { kind: 'tick' }
  | { kind: 'read' }

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('review' as const),
      user: fc.constantFrom(...USERS),
      ok: fc.boolean(),
      durationMs: fc.integer({ min: 0, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('graph' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('api' as const), user: fc.constantFrom(...USERS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sar' as const), user: fc.constantFrom(...USERS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('sign-in' as const),
      user: fc.constantFrom(...USERS),
      code: fc.constantFrom('ABCDEFGHJ', 'KLMNPQRST'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const) }) },
)

function emit(bus: EventBus, s: Step): void {
  const user = 'user' in s ? s.user : undefined
  switch (s.kind) {
    case 'review':
      bus.emit('token_review.completed', 'webhook', {
        outcome: s.ok ? 'authenticated' : 'rejected',
        ...(user && (s.ok ? { user, oid: `oid-${user}` } : { claimedUser: user })),
        ...(!s.ok && { reason: 'expired', error: 'token is expired' }),
        groups: 3,
        groupsSource: 'token',
        durationMs: s.durationMs,
        status: 200,
      })
      return
    case 'graph':
      bus.emit('request.completed', 'graph', {
        method: 'POST',
        path: '/v1.0/users/bob/getMemberGroups',
        status: 200,
        durationMs: 3,
      })
      return
    case 'api':
      bus.emit('request.completed', 'apiserver', {
        method: 'GET',
        path: '/api/v1/namespaces/prod/pods',
        status: user ? 200 : 401,
        durationMs: 30,
        verb: 'list',
        resource: 'pods',
        namespace: 'prod',
        ...(user && { user, groups: ['g1', 'system:authenticated'] }),
        authentication: {
          method: user ? 'webhook' : 'none',
          steps: [{ authenticator: 'webhook', outcome: user ? 'authenticated' : 'rejected', user }],
        },
      })
      return
    case 'sar':
      bus.emit('subject_access_review.completed', 'webhook', {
        user,
        attributes: { verb: 'list', resource: 'pods', namespace: 'prod' },
        outcome: 'denied',
        reason: 'nope',
        status: 200,
      })
      return
    case 'sign-in':
      bus.emit('device_code.issued', 'entra', { userCode: s.code, client: 'kubelogin', aud: 'x' })
      if (user) {
        bus.emit('device_code.approved', 'entra', { userCode: s.code, user, accountEnabled: true })
        bus.emit('token.issued', 'entra', { grant: 'device_code', user, oid: `oid-${user}`, ver: '1.0' })
      }
      return
    default:
  }
}

interface Side {
  store: FlowStore
  tracker: FlowTracker
  errors: unknown[]
}

function side(bus: EventBus, capacity: number, defer: boolean): Side {
  const store = createFlowStore(capacity, 16)
  const errors: unknown[] = []
  const tracker = createFlowTracker({
    store,
    webhookClients: ['aks-webhook'],
    // Sign-ins expire 5 minutes after their code was issued.
    deviceCodeExpiry: () => Date.parse('2026-03-01T10:05:00Z'),
    onError: (e) => errors.push(e),
    ...(defer && { deferReviews: () => true }),
  })
  bus.subscribe((e) => tracker.ingest(e))
  return { store, tracker, errors }
}

/** What a reader can see, as JSON (which also builds every lazy flow's steps). */
function seen(s: Side) {
  s.tracker.flush()
  const seq = s.store.seq()
  return JSON.parse(
    JSON.stringify({
      seq,
      size: s.store.size(),
      flows: s.store.list(),
      since: [0, Math.max(0, seq - 3), Math.max(0, seq - 12), seq].map(
        (n) => s.store.changesSince(n) ?? null,
      ),
      buffers: s.tracker.buffers(),
      errors: s.errors.length,
    }),
  ) as unknown
}

function compare(steps: Step[], capacity: number) {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const bus = createEventBus(() => now)
  const eager = side(bus, capacity, false)
  const deferred = side(bus, capacity, true)
  for (const s of steps) {
    now += s.kind === 'review' ? 7 : 2
    if (s.kind === 'tick') {
      now += 60_000
      eager.tracker.tick(now)
      deferred.tracker.tick(now)
    } else if (s.kind === 'read') expect(seen(deferred)).toEqual(seen(eager))
    else emit(bus, s)
  }
  expect(seen(deferred)).toEqual(seen(eager))
  return deferred
}

describe('deferred TokenReviews', () => {
  it('a reader sees what processing every event at once gives, whatever came in between', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), fc.integer({ min: 1, max: 12 }), (steps, capacity) => {
        compare(steps, capacity)
      }),
      { numRuns: 400 },
    )
  })

  it('with more reviews than the store holds, only the newest are built; the rest are counted', () => {
    const reviews: Step[] = Array.from({ length: 50 }, (_, i) => ({
      kind: 'review',
      user: USERS[i % 2]!,
      ok: i % 3 !== 0,
      durationMs: 5,
    }))
    const deferred = compare([...reviews, { kind: 'graph' }, ...reviews], 10)
    expect(deferred.store.seq()).toBe(101)
    expect(deferred.store.list().map((f) => f.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `tr-${91 + i}`),
    )
    expect(deferred.store.changesSince(90)).toBeUndefined()
  })

  it('waits while nobody watches and processes at once while a stream is open', () => {
    const bus = createEventBus(() => Date.parse('2026-03-01T10:00:00Z'))
    const store = createFlowStore(10)
    let watching = false
    const tracker = createFlowTracker({ store, deferReviews: () => !watching })
    bus.subscribe((e) => tracker.ingest(e))
    emit(bus, { kind: 'review', user: USERS[0], ok: true, durationMs: 1 })
    expect(store.seq()).toBe(0)
    watching = true
    emit(bus, { kind: 'review', user: USERS[1], ok: true, durationMs: 1 })
    // The waiting review went first: the order of the flows is the order of the events.
    expect(store.list().map((f) => [f.seq, f.user])).toEqual([
      [1, USERS[0]],
      [2, USERS[1]],
    ])
  })
})
