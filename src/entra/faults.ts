import type { FaultPoint, FaultRegistry } from '../kernel/faults.js'
import { delay } from '../http/index.js'
import type { EntraError } from './errors.js'
import { InjectedFault, SlowDown, TemporarilyUnavailable, Throttled } from './errors.js'

/** Applies an injected fault for `endpoint`: waits its latency, then throws its error, if any. */
export async function applyEntraFault(
  faults: FaultRegistry,
  endpoint: FaultPoint & `entra.${string}`,
): Promise<void> {
  const fault = faults.take(endpoint)
  if (!fault) return
  if (fault.latencyMs) await delay(fault.latencyMs)
  if (fault.status === undefined && fault.error === undefined) return
  let err: EntraError
  if (fault.error === 'slow_down') err = new SlowDown()
  else if (fault.status === 429 && !fault.error) err = new Throttled()
  else if (fault.status === 503 && !fault.error) err = new TemporarilyUnavailable()
  else err = new InjectedFault(fault.status ?? 400, fault.error ?? 'temporarily_unavailable')
  if (fault.retryAfter !== undefined) err.headers['Retry-After'] = String(fault.retryAfter)
  throw err
}
