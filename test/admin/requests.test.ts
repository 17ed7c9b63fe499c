/**
 * `GET /requests` with several types: the request log plus the webhook's TokenReviews and
 * SubjectAccessReviews, which `aks-auth-sim requests` prints; without `type` it stays the answered
 * requests only. The reviews are emitted on the simulator's own event bus (what the webhook does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { adminFetch, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(async () => {
  await sim.stop()
})

const TYPES = 'request.completed,token_review.completed,subject_access_review.completed'

async function log(query: string): Promise<{ type: string; service: string }[]> {
  const res = await adminFetch(sim, `/requests?${query}`)
  expect(res.status).toBe(200)
  return ((await res.json()) as { value: { type: string; service: string }[] }).value
}

describe('GET /requests', () => {
  it('adds the webhook reviews when asked for their types, in order, and still filters by service', async () => {
    const first = sim.eventBus.emit('token_review.completed', 'webhook', { outcome: 'authenticated' }).id
    sim.eventBus.emit('subject_access_review.completed', 'webhook', { outcome: 'denied' })
    sim.eventBus.emit('device_code.issued', 'entra', {})
    const since = `sinceId=${first - 1}`
    expect((await log(`${since}&type=${TYPES}`)).map((e) => e.type)).toEqual([
      'token_review.completed',
      'subject_access_review.completed',
    ])
    expect((await log(`${since}&type=${TYPES}&service=webhook&limit=1`)).map((e) => e.type)).toEqual([
      'subject_access_review.completed',
    ])
    const plain = await log(`sinceId=${first - 1}`)
    expect(plain.every((e) => e.type === 'request.completed')).toBe(true)
    // The first GET /requests above is in the log now: the default still lists requests.
    expect(plain.length).toBeGreaterThan(0)
  })
})
