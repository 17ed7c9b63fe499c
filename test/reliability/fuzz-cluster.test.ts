/**
 * Fuzz of the cluster side — the Kubernetes API server, the guard-like webhook (with the API server's
 * client certificate), the workload identity webhook, the service-account issuer and IMDS: 2,000
 * malformed requests each from fixed seeds (test/reliability/fuzz-harness.ts): no 5xx, no hang, and
 * every listener still answers afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { describeFailures, fuzz, generateRequests, type FuzzTarget } from './fuzz-harness.js'
import {
  apiServerTarget,
  imdsTarget,
  oidcIssuerTarget,
  webhookTarget,
  workloadIdentityWebhookTarget,
} from './fuzz-targets.js'

const PER_LISTENER = 2000
let sim: Simulator
let targets: Record<string, FuzzTarget>
beforeAll(async () => {
  sim = await startTestSimulator()
  targets = {
    apiServer: apiServerTarget(sim),
    webhook: webhookTarget(sim),
    workloadIdentityWebhook: workloadIdentityWebhookTarget(sim),
    oidcIssuer: oidcIssuerTarget(sim),
    imds: imdsTarget(sim),
  }
})
afterAll(() => sim.stop())

describe.each([
  ['apiServer', 1504, '/healthz'],
  ['webhook', 1505, '/healthz'],
  ['workloadIdentityWebhook', 1506, '/healthz'],
  ['oidcIssuer', 1507, undefined],
  ['imds', 1508, '/metadata/instance?api-version=2021-02-01'],
])('fuzz: %s listener', (name, seed, health) => {
  it(`answers ${PER_LISTENER} malformed requests (seed ${seed}) without a 5xx or a hang`, async () => {
    const target = targets[name]!
    const report = await fuzz(target, generateRequests(target, seed, PER_LISTENER))
    console.log(`fuzz ${name}: ${JSON.stringify(report.byStatus)} client-refused=${report.clientRefused}`)
    expect(report.sent).toBe(PER_LISTENER)
    expect(describeFailures(report)).toBe('')
    // Still alive: a request of the listener's own answers (with its credential: the fuzz, as the
    // API server's admin, may have deleted the bindings that let anonymous callers read /healthz).
    const check = await fuzz(target, [
      {
        method: 'GET',
        path: health ?? target.routes[0]!,
        headers: { metadata: 'true', ...(target.credentials?.[0] as Record<string, string> | undefined) },
        body: undefined,
        label: 'health',
      },
    ])
    expect(check.failures).toEqual([])
    expect(Object.keys(check.byStatus)).toEqual([name === 'imds' ? expect.any(String) : '200'])
  }, 120_000)
})
