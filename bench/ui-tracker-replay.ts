/**
 * The web UI's share of a TokenReview, in process: the whole simulator (as `start` runs it, webhook
 * cache off) with TokenReview events replayed through its event bus, 32 per event-loop turn as under
 * load, against the same bus with no subscriber at all (the limit). Reports main-thread time and
 * young-generation GC time per event. Not part of `npm run bench` (no target): it is how the tracker's
 * cost was found and is checked (docs/benchmarks.md).
 * Usage: npx tsx bench/ui-tracker-replay.ts [events per round] [rounds]
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import { createEventBus, type EventBus } from '../src/kernel/events.js'
import { startSimulator } from '../src/index.js'

const events = Number(process.argv[2] ?? 50_000)
const rounds = Number(process.argv[3] ?? 3)
// The shape of the webhook's own event for an authenticated, uncached review.
const review = {
  token: 'AbCdEfGhIjKl',
  apiVersion: 'authentication.k8s.io/v1',
  outcome: 'authenticated',
  user: 'bob@contoso.onmicrosoft.com',
  oid: '8c1f3f0e-5a0e-4b7d-9b7e-2f2d1f0c9a11',
  groups: 3,
  groupsSource: 'claim',
  cached: false,
  claims: { aud: '6dae42f8-4368-4678-94ff-3960e28e3630', iss: 'https://sts.windows.net/t/', ver: '1.0' },
  status: 200,
  durationMs: 0.4,
}
let minorGcMs = 0
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
      minorGcMs += e.duration
}).observe({ entryTypes: ['gc'] })

const turn = () => new Promise((resolve) => setImmediate(resolve))
async function replay(bus: EventBus, n: number): Promise<void> {
  for (let i = 0; i < n; i += 32) {
    for (let j = 0; j < 32; j++)
      bus.emit('token_review.completed', 'webhook', { requestId: String(i + j), ...review })
    await turn()
  }
}
async function measure(name: string, bus: EventBus): Promise<void> {
  await replay(bus, 20_000) // warm-up
  for (let r = 0; r < rounds; r++) {
    const gc0 = minorGcMs
    const t0 = performance.now()
    await replay(bus, events)
    const us = ((performance.now() - t0) * 1000) / events
    const gc = ((minorGcMs - gc0) * 1000) / events
    console.log(
      `${name}, round ${r + 1}: ${us.toFixed(2)} µs per event, of which young-generation GC ${gc.toFixed(2)} µs`,
    )
  }
}

await measure(
  'limit: the event bus, no subscriber',
  createEventBus(() => Date.now()),
)
const sim = await startSimulator({
  stateDir: mkdtempSync(join(tmpdir(), 'aks-bench-ui-')),
  webhook: { cacheTtlSeconds: 0 },
})
await measure('aks-auth-sim, UI on', sim.eventBus)
await sim.stop()
