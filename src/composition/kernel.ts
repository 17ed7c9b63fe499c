/**
 * The shared kernel every service is built over, created once per simulator: the clock, the event bus,
 * the fault registry, the PKI (one local CA) and Entra's signing keys, and where errors no renderer
 * knew (bugs) go.
 */
import { join, resolve } from 'node:path'
import type { ResolvedConfig } from '../config/index.js'
import { createClock, type Clock } from '../kernel/clock.js'
import { createEventBus, type EventBus } from '../kernel/events.js'
import { ConfigError } from '../kernel/errors.js'
import { createFaultRegistry, type ActiveFault, type FaultRegistry } from '../kernel/faults.js'
import { jsonStateFile } from '../kernel/state-file.js'
import { loadOrCreateKeyStore, type KeyStore } from '../kernel/keys.js'
import { loadOrCreatePki, type Pki } from '../kernel/tls.js'

export interface Kernel {
  clock: Clock
  events: EventBus
  faults: FaultRegistry
  pki: Pki
  keys: KeyStore
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
  if (!(Number.isFinite(savedOffset) && savedOffset >= 0))
    throw new ConfigError([`${clockFile.path}: offsetMs must be a non-negative number of milliseconds`])
  const clock = createClock(Date.now, {
    initialOffsetMs: savedOffset,
    onAdvance: (offsetMs) => clockFile.save({ offsetMs }),
  })
  const events = createEventBus(() => clock.now())
  const faults = createFaultRegistry(jsonStateFile<ActiveFault[]>(join(o.stateDir, 'faults.json'), 0o600))
  // Side by side: on a first start both generate keys, which node:crypto does off the main thread.
  const [pki, keys] = await Promise.all([
    loadOrCreatePki(resolve(o.pkiDir ?? join(o.stateDir, 'pki')), o.config.publicHosts),
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
  return { clock, events, faults, pki, keys, onUnexpected }
}
