/**
 * The simulator's clock. Every expiry decision (device codes, tokens, caches) reads it, so tests and
 * workshops can jump forward in time without sleeping. Real timers (poll intervals) are not affected.
 */
export interface Clock {
  /** Milliseconds since the epoch, including any offset added by `advance`. */
  now(): number
  /** Seconds since the epoch (JWT `iat`/`exp` units). */
  nowSeconds(): number
  /** Moves simulated time forward. Negative values are refused: time never goes back. */
  advance(ms: number): void
  /** The total offset added so far, in milliseconds. */
  offsetMs(): number
}

export interface ClockOptions {
  /** The offset a previous run had reached (restored from the state dir). */
  initialOffsetMs?: number
  /** Called after every change of the offset, before `advance` returns (to keep it on disk). */
  onAdvance?: (offsetMs: number) => void
}

export function createClock(base: () => number = Date.now, options: ClockOptions = {}): Clock {
  let offset = options.initialOffsetMs ?? 0
  return {
    now: () => base() + offset,
    nowSeconds: () => Math.floor((base() + offset) / 1000),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward (got ${ms} ms)`)
      const next = offset + ms
      options.onAdvance?.(next)
      offset = next
    },
    offsetMs: () => offset,
  }
}
