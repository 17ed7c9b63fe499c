/**
 * The tracker builds a TokenReview's (and a SubjectAccessReview's) steps when they are first read
 * (src/ui/flows/lazy-steps.ts): what a reader gets must be what an eager build gives, a flow stored
 * earlier must keep the steps of what it saw.
 */
import { describe, expect, it } from 'vitest'
import { createEventBus, type SimEvent } from '../../src/kernel/events.js'
import { completeSteps } from '../../src/ui/flows/complete.js'
import type { FlowDraft } from '../../src/ui/flows/sign-in.js'
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
  return { bus, store, advance: (ms: number) => (now += ms) }
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
})
