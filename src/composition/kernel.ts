/**
 * The shared kernel every service is built over, created once per simulator: the clock, the event bus,
 * the fault registry, the metrics registry, the PKI (one local CA) and Entra's signing keys, and where errors no renderer
 * knew (bugs) go.
 */
import { join, resolve } from 'node:path'
import type { ResolvedConfig } from '../config/index.js'
import { createClock, type Clock } from '../kernel/clock.js'
import { createEventBus, type EventBus } from '../kernel/events.js'
import { createFaultRegistry, type FaultRegistry } from '../kernel/faults.js'
import { loadOrCreateKeyStore, type KeyStore } from '../kernel/keys.js'
import { createMetrics, type Metrics } from '../kernel/metrics.js'
import { loadOrCreatePki, type Pki } from '../kernel/tls.js'

export interface Kernel {
  clock: Clock
  events: EventBus
  faults: FaultRegistry
  pki: Pki
  keys: KeyStore
  /** The one Prometheus registry, fed from the event bus. */
  metrics: Metrics
  onUnexpected: (err: unknown) => void
}

export async function createKernel(o: {
  config: ResolvedConfig
  stateDir: string
  /** Where the CA and certificates live; default `<stateDir>/pki`. */
  pkiDir: string | undefined
  /** Default: an event and a line on stderr. */
  onUnexpectedError: ((err: unknown) => void) | undefined
}): Promise<Kernel> {
  const clock = createClock()
  const events = createEventBus(() => clock.now())
  const faults = createFaultRegistry()
  const metrics = createMetrics()
  events.subscribe((e) => metrics.record(e))
  // Side by side: on a first start both generate keys, which node:crypto does off the main thread.
  const [pki, keys] = await Promise.all([
    loadOrCreatePki(resolve(o.pkiDir ?? join(o.stateDir, 'pki'))),
    loadOrCreateKeyStore({
      stateDir: o.stateDir,
      clock,
      rotationGraceMs: o.config.keys.rotationGraceSeconds * 1000,
    }),
  ])
  const onUnexpected =
    o.onUnexpectedError ??
    ((err: unknown) => {
      events.emit('server_error', 'simulator', { message: String((err as Error)?.message ?? err) })
      console.error('aks-auth-sim: unexpected error:', err)
    })
  return { clock, events, faults, pki, keys, metrics, onUnexpected }
}
