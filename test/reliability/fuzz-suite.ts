/**
 * One fuzz test file's frame: a simulator of its own, then for each listener 2,000 malformed requests
 * from a fixed seed (fuzz-harness.ts) and a final request of the listener's own that must still be
 * answered. Each file covers one to three listeners so that it stays well under a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { describeFailures, fuzz, generateRequests, type FuzzTarget } from './fuzz-harness.js'

export const PER_LISTENER = 2000

export interface FuzzCase {
  name: string
  seed: number
  target: (sim: Simulator) => FuzzTarget | Promise<FuzzTarget>
  /** A request the listener answers when alive; default: its first route. */
  health?: string
  /** Its status (default 200). */
  healthStatus?: number
}

export function fuzzListeners(cases: readonly FuzzCase[]): void {
  let sim: Simulator
  const targets = new Map<string, FuzzTarget>()
  beforeAll(async () => {
    sim = await startTestSimulator()
    for (const c of cases) targets.set(c.name, await c.target(sim))
  })
  afterAll(() => sim.stop())

  describe.each(cases.map((c) => [c.name, c] as const))('fuzz: %s listener', (name, c) => {
    it(`answers ${PER_LISTENER} malformed requests (seed ${c.seed}) without a 5xx or a hang`, async () => {
      // A fault the admin fuzz may have set is not a bug of the next listener.
      sim.faults.clear()
      const target = targets.get(name)!
      const report = await fuzz(target, generateRequests(target, c.seed, PER_LISTENER))
      console.log(`fuzz ${name}: ${JSON.stringify(report.byStatus)} client-refused=${report.clientRefused}`)
      expect(report.sent).toBe(PER_LISTENER)
      expect(describeFailures(report)).toBe('')
      // Still alive: a request of the listener's own answers (with its credential: the API server's fuzz,
      // as its admin, may have deleted the bindings that let anonymous callers read /healthz).
      const check = await fuzz(target, [
        {
          method: 'GET',
          path: c.health ?? target.routes[0]!,
          headers: { metadata: 'true', ...(target.credentials?.[0] as Record<string, string> | undefined) },
          body: undefined,
          label: 'health',
        },
      ])
      expect(Object.keys(check.byStatus)).toEqual([String(c.healthStatus ?? 200)])
    }, 120_000)
  })
}
