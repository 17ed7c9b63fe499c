/**
 * Abandoned device codes expire on the simulator clock: every event the tracker ingests, and every
 * tick, marks the sign-ins whose code expired by then. The tracker only walks its unfinished sign-ins
 * when the earliest expiry has passed (a load of approved codes nobody redeems once made every event a
 * walk of up to 1,000 of them), so this compares its flows with a plain model over generated histories:
 * codes issued with expiries in the past, now and later, approved, declined, events and ticks at
 * clock steps that land before, on and after the expiries.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createEventBus } from '../../src/kernel/events.js'
import { createFlowStore } from '../../src/ui/flows/store.js'
import { createFlowTracker } from '../../src/ui/flows/tracker.js'

const START = Date.parse('2026-03-01T10:00:00Z')
const MINUTE = 60_000

type Step =
  | { op: 'issue'; expiresIn: number }
  | { op: 'approve' | 'decline'; code: number }
  | { op: 'event' | 'tick'; advance: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('issue' as const), expiresIn: fc.integer({ min: -2, max: 12 }) }),
  fc.record({ op: fc.constantFrom('approve' as const, 'decline' as const), code: fc.nat(40) }),
  fc.record({
    op: fc.constantFrom('event' as const, 'tick' as const),
    advance: fc.integer({ min: 0, max: 6 }),
  }),
)

type State = 'pending' | 'approved' | 'declined' | 'expired'

function run(steps: Step[]) {
  let now = START
  const bus = createEventBus(() => now)
  const store = createFlowStore(1000)
  const expiries: Record<string, number> = {}
  const errors: unknown[] = []
  const tracker = createFlowTracker({
    store,
    deviceCodeExpiry: (code) => expiries[code],
    onError: (e) => errors.push(e),
  })
  bus.subscribe((e) => tracker.ingest(e))
  // The model: each code's state, expired by any check at or after its expiry while undecided or approved.
  const model: { code: string; expiresAt: number; state: State }[] = []
  const check = (at: number) => {
    for (const c of model)
      if (c.expiresAt <= at && (c.state === 'pending' || c.state === 'approved')) c.state = 'expired'
  }
  for (const s of steps) {
    if (s.op === 'issue') {
      const code = `CODE${String(model.length).padStart(5, '0')}`
      expiries[code] = now + s.expiresIn * MINUTE
      check(now) // the event's own check runs before its sign-in is recorded
      bus.emit('device_code.issued', 'entra', { userCode: code, client: 'kubelogin', aud: 'x' })
      model.push({ code, expiresAt: expiries[code], state: 'pending' })
    } else if (s.op === 'approve' || s.op === 'decline') {
      const c = model[s.code]
      // Entra refuses to approve or decline a code that has expired: no such event is ever emitted.
      if (!c || c.state !== 'pending' || c.expiresAt <= now) continue
      check(now)
      bus.emit(`device_code.${s.op === 'approve' ? 'approved' : 'declined'}`, 'entra', {
        userCode: c.code,
        user: 'bob@contoso.example',
      })
      c.state = s.op === 'approve' ? 'approved' : 'declined'
    } else if (s.op === 'event' || s.op === 'tick') {
      now += s.advance * MINUTE
      check(now)
      if (s.op === 'tick') tracker.tick(now)
      else bus.emit('clock.advanced', 'admin', { seconds: s.advance * 60 })
    }
  }
  const flows = store.list().filter((f) => f.kind === 'sign-in')
  return { model, flows, errors }
}

const decisionOf = (state: State) =>
  state === 'pending'
    ? 'waiting for the user'
    : state === 'approved'
      ? 'approved, waiting for the token request'
      : state

describe('sign-in expiry on the simulator clock', () => {
  it('marks exactly the sign-ins whose code expired by the latest event or tick, over generated histories', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const { model, flows, errors } = run(steps)
        expect(errors).toEqual([])
        // Flows are listed newest change first; match them to codes by the order of issue instead.
        const byStart = [...flows].sort((a, b) => Number(a.id.split('-')[1]) - Number(b.id.split('-')[1]))
        expect(byStart.map((f) => f.decision)).toEqual(model.map((c) => decisionOf(c.state)))
      }),
      { numRuns: 400 },
    )
  })

  it('expires a code issued long after an earlier one, once the clock passes it (not only the first)', () => {
    const { model, flows } = run([
      { op: 'issue', expiresIn: 10 },
      { op: 'event', advance: 1 },
      { op: 'issue', expiresIn: 2 },
      { op: 'tick', advance: 2 },
    ])
    expect(model.map((c) => c.state)).toEqual(['pending', 'expired'])
    expect(flows.map((f) => f.decision).sort()).toEqual(['expired', 'waiting for the user'])
  })
})
