/**
 * Safe readers for event data. Events are free-form JSON written by other services; the flow view
 * must cope with any field missing or of another type (older or newer emitters), never throw.
 */
import type { SimEvent } from '../../kernel/events.js'

export type Data = Record<string, unknown>

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined)
export const rec = (v: unknown): Data | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Data) : undefined
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
export const strings = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string')

/** A duration in milliseconds, when it is one (not negative, under a day). */
export const duration = (v: unknown): number | undefined => {
  const n = num(v)
  return n !== undefined && n >= 0 && n < 86_400_000 ? n : undefined
}

/** An ISO time, or `fallback` when `ms` is no valid time. */
export const iso = (ms: number, fallback: string): string => {
  const d = new Date(ms)
  return Number.isFinite(d.getTime()) ? d.toISOString() : fallback
}

// Events come in bursts within one millisecond (the bus formats each millisecond once), and the
// tracker reads an event's time several times: parse each time text once.
let lastTimeText = ''
let lastTimeMs = 0

/** Milliseconds since the epoch of the event (simulator clock), 0 when unreadable. */
export const timeOf = (e: SimEvent): number => {
  if (e.time !== lastTimeText) {
    const t = Date.parse(e.time)
    lastTimeMs = Number.isFinite(t) ? t : 0
    lastTimeText = e.time
  }
  return lastTimeMs
}

export const ms = (v: number | undefined): string | undefined =>
  v === undefined ? undefined : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`

/** `1.2 s ago`-free absolute time for summaries: `14:03:27`. */
export const clockTime = (iso: string): string => iso.slice(11, 19)

/** Copies only defined values, so facts never show "undefined". */
export function facts(
  entries: Record<string, string | number | boolean | undefined | null>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== null && v !== '') out[k] = v
  return out
}
