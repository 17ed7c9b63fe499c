/**
 * Fuzz of the identity side — Entra, Graph and ARM: 2,000 malformed requests each from fixed seeds
 * (test/reliability/fuzz-harness.ts): no 5xx, no hang, and the process still answers afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { describeFailures, fuzz, generateRequests, type FuzzTarget } from './fuzz-harness.js'
import { armTarget, entraTarget, graphTarget, userToken } from './fuzz-targets.js'

const PER_LISTENER = 2000
let sim: Simulator
let targets: Record<string, FuzzTarget>
beforeAll(async () => {
  sim = await startTestSimulator()
  targets = {
    entra: entraTarget(sim),
    graph: graphTarget(sim, await userToken(sim, 'https://graph.microsoft.com/.default')),
    arm: armTarget(sim, await userToken(sim, 'https://management.azure.com/.default')),
  }
})
afterAll(() => sim.stop())

describe.each([
  ['entra', 1501],
  ['graph', 1502],
  ['arm', 1503],
])('fuzz: %s listener', (name, seed) => {
  it(`answers ${PER_LISTENER} malformed requests (seed ${seed}) without a 5xx or a hang`, async () => {
    const target = targets[name]!
    const report = await fuzz(target, generateRequests(target, seed, PER_LISTENER))
    console.log(`fuzz ${name}: ${JSON.stringify(report.byStatus)} client-refused=${report.clientRefused}`)
    expect(report.sent).toBe(PER_LISTENER)
    expect(describeFailures(report)).toBe('')
    // Still alive: its discovery document answers.
    const health = await fetch(
      `${sim.endpoints.authority}/${sim.endpoints.tenantId}/v2.0/.well-known/openid-configuration`,
    )
    expect(health.status).toBe(200)
  }, 120_000)
})
