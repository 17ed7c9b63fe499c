import { delay } from '../http/index.js'
import type { FaultRegistry, GraphFaultOperation } from '../kernel/faults.js'
import type { GraphError } from './errors.js'
import { InjectedGraphFault, ServiceNotAvailable, TooManyRequests } from './errors.js'

/**
 * Applies an injected fault for `endpoint` (`graph.getMemberGroups`, `graph.*`, …): waits its latency,
 * then throws its error, if any. A 429 always carries Retry-After, as Graph's throttling does.
 */
export async function applyGraphFault(
  faults: FaultRegistry,
  endpoint: `graph.${GraphFaultOperation}`,
): Promise<void> {
  const fault = faults.take(endpoint)
  if (!fault) return
  if (fault.latencyMs) await delay(fault.latencyMs)
  if (fault.status === undefined && fault.error === undefined) return
  let err: GraphError
  if (fault.status === 429 && !fault.error) err = new TooManyRequests()
  else if (fault.status === 503 && !fault.error) err = new ServiceNotAvailable()
  else err = new InjectedGraphFault(fault.status ?? 400, fault.error ?? 'UnknownError')
  const retryAfter = fault.retryAfter ?? (err.status === 429 ? 1 : undefined)
  if (retryAfter !== undefined) err.headers['Retry-After'] = String(retryAfter)
  throw err
}
