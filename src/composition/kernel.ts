/**
 * The shared kernel every service is built over, created once per simulator: the clock, the event bus,
 * the fault registry, the metrics registry, the PKI (one local CA) and Entra's signing keys, and where errors no renderer
 * knew (bugs) go.
 */
import { join, resolve } from 'node:path'
import type { ResolvedConfig } from '../config/index.js'
import { createClock, MAX_CLOCK_OFFSET_SECONDS, type Clock } from '../kernel/clock.js'
import { createEventBus, type EventBus } from '../kernel/events.js'
import { ConfigError } from '../kernel/errors.js'
import { createFaultRegistry, type ActiveFault, type FaultRegistry } from '../kernel/faults.js'
import { describeError, report } from '../kernel/guard.js'
import { jsonStateFile } from '../kernel/state-file.js'
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
  // The clock offset and the faults are kept in the state dir, written before `advance`/`set` returns,
  // so a restart neither forgets them nor shows objects created "in the future" (docs/reliability.md).
  const clockFile = jsonStateFile<{ offsetMs: number }>(join(o.stateDir, 'clock.json'), 0o600)
  const savedOffset = clockFile.load()?.offsetMs ?? 0
  if (!(Number.isFinite(savedOffset) && savedOffset >= 0 && savedOffset <= MAX_CLOCK_OFFSET_SECONDS * 1000))
    throw new ConfigError([`${clockFile.path}: offsetMs must be a non-negative number of milliseconds`])
  const clock = createClock(Date.now, {
    initialOffsetMs: savedOffset,
    onAdvance: (offsetMs) => clockFile.save({ offsetMs }),
  })
  // A subscriber's throw is a bug: reported through onUnexpected (defined below, once the bus exists).
  const events = createEventBus(
    () => clock.now(),
    undefined,
    (err) => onUnexpected(err),
  )
  const faults = createFaultRegistry(jsonStateFile<ActiveFault[]>(join(o.stateDir, 'faults.json'), 0o600))
  const metrics = createMetrics()
  events.subscribe((e) => metrics.record(e))
  // Side by side: on a first start both generate keys, which node:crypto does off the main thread.
  const [pki, keys] = await Promise.all([
    loadOrCreatePki(resolve(o.pkiDir ?? join(o.stateDir, 'pki')), o.config.publicHosts),
    loadOrCreateKeyStore({
      stateDir: o.stateDir,
      clock,
      rotationGraceMs: o.config.keys.rotationGraceSeconds * 1000,
    }),
  ])
  const sink =
    o.onUnexpectedError ??
    ((err: unknown) => {
      const text = describeError(err)
      events.emit('server_error', 'simulator', { message: text.split('\n')[0] })
      console.error(`aks-auth-sim: unexpected error: ${text}`)
    })
  // Never throws, so a renderer, a timer or a 'finish' handler that reports a bug cannot fail with it.
  const onUnexpected = (err: unknown) => report(sink, err)
  return { clock, events, faults, pki, keys, metrics, onUnexpected }
}
