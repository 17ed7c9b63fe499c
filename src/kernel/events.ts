/**
 * The simulator's event stream: every request each service answers, with its outcome and the reason
 * for every rejection. It is the request log of the admin API, the feed of the web UI and a test hook.
 * A bounded ring buffer keeps memory flat however long the simulator runs.
 */
import { report, type ErrorSink } from './guard.js'

export interface SimEvent {
  id: number
  /** ISO time from the simulator clock. */
  time: string
  /** `noun.verb`, e.g. `request.completed`, `device_code.approved`, `token.issued`. */
  type: string
  /** The service that emitted it: entra, graph, webhook, apiserver, arm, admin, imds, ui. */
  service: string
  /** Free-form, JSON-serialisable details. Never whole tokens or secrets. */
  data: Record<string, unknown>
}

/**
 * The services that log `request.completed` events: the names `GET /requests?service=` and
 * `aks-auth-sim requests --service` take (test/cli/conventions.test.ts checks the emitters against it).
 */
export const REQUEST_LOG_SERVICES = [
  'entra',
  'graph',
  'arm',
  'apiserver',
  'imds',
  'oidc-issuer',
  'workload-identity-webhook',
  'admin',
  'acr',
] as const

export type EventListener = (event: SimEvent) => void

export interface EventBus {
  emit(type: string, service: string, data: Record<string, unknown>): SimEvent
  subscribe(listener: EventListener): () => void
  /** Most recent events first filtered, oldest first in the result. */
  /** `type` may name several types (any of them matches). */
  recent(filter?: {
    service?: string
    type?: string | readonly string[]
    sinceId?: number
    limit?: number
  }): SimEvent[]
}

/** An ISO time for `ms`; real time when `ms` is not a representable date (an emit must never throw). */
function isoTime(ms: number): string {
  const d = new Date(ms)
  return Number.isFinite(d.getTime()) ? d.toISOString() : new Date().toISOString()
}

/**
 * `onListenerError` receives what a subscriber throws (a bug): neither the emitter nor the other
 * subscribers see it, so a request that emits an event is never failed by the UI or a test hook.
 */
export function createEventBus(
  now: () => number,
  capacity = 5000,
  onListenerError: ErrorSink = () => {},
): EventBus {
  // A fixed-size circular buffer: appending never shifts the array, whatever the load.
  const ring: (SimEvent | undefined)[] = new Array<SimEvent | undefined>(capacity)
  let head = 0
  const listeners = new Set<EventListener>()
  let nextId = 1
  // Events come in bursts within one millisecond: format each millisecond's ISO time once.
  let lastMs = NaN
  let lastIso = ''
  const timeOf = (ms: number) => {
    if (ms !== lastMs) {
      lastIso = isoTime(ms)
      lastMs = ms
    }
    return lastIso
  }
  return {
    emit(type, service, data) {
      const event: SimEvent = { id: nextId++, time: timeOf(now()), type, service, data }
      ring[head] = event
      head = (head + 1) % capacity
      for (const l of listeners) {
        try {
          l(event)
        } catch (err) {
          report(onListenerError, err)
        }
      }
      return event
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    recent(filter = {}) {
      const { service, type, sinceId = 0, limit = 200 } = filter
      const types = type === undefined || type === '' ? undefined : typeof type === 'string' ? [type] : type
      const ordered = [...ring.slice(head), ...ring.slice(0, head)]
      const out = ordered.filter(
        (e): e is SimEvent =>
          e !== undefined &&
          e.id > sinceId &&
          (!service || e.service === service) &&
          (!types || types.includes(e.type)),
      )
      return out.slice(-limit)
    },
  }
}
