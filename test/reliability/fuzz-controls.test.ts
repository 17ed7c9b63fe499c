/**
 * Fuzz of the control surfaces — the admin API and the web UI (its pages and its `/api`): 2,000
 * malformed requests each from fixed seeds (test/reliability/fuzz-harness.ts): no 5xx, no hang, and
 * both still answer afterwards. The admin fuzz may set faults and move the clock (within its bounds);
 * they are cleared before the UI's turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { describeFailures, fuzz, generateRequests, type FuzzTarget } from './fuzz-harness.js'
import { adminTarget, uiTarget } from './fuzz-targets.js'

const PER_LISTENER = 2000
let sim: Simulator
let targets: Record<string, FuzzTarget>
beforeAll(async () => {
  sim = await startTestSimulator()
  targets = { admin: adminTarget(sim), ui: uiTarget(sim) }
})
afterAll(() => sim.stop())

describe.each([
  ['admin', 1509, '/health'],
  ['ui', 1510, '/api/state'],
])('fuzz: %s listener', (name, seed, health) => {
  it(`answers ${PER_LISTENER} malformed requests (seed ${seed}) without a 5xx or a hang`, async () => {
    sim.faults.clear()
    const target = targets[name]!
    const report = await fuzz(target, generateRequests(target, seed, PER_LISTENER))
    console.log(`fuzz ${name}: ${JSON.stringify(report.byStatus)} client-refused=${report.clientRefused}`)
    expect(report.sent).toBe(PER_LISTENER)
    expect(describeFailures(report)).toBe('')
    const check = await fetch(`${target.url}${health}`)
    expect(check.status).toBe(200)
  }, 120_000)
})
