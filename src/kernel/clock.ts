/**
 * The simulator's clock. Every expiry decision (device codes, tokens, caches) reads it, so tests and
 * workshops can jump forward in time without sleeping. Real timers (poll intervals) are not affected.
 */
/**
 * How far ahead of real time the clock may run: ten years. Far enough for any certificate, token or
 * key lifetime a test needs; near enough that every date stays representable (an `advance` of 1e300
 * seconds once made every later timestamp an invalid date).
 */
export const MAX_CLOCK_OFFSET_SECONDS = 10 * 365 * 86_400

/** An advance the clock refuses: negative, not a number, or beyond MAX_CLOCK_OFFSET_SECONDS in total. */
export class ClockRangeError extends RangeError {}

export interface Clock {
  /** Milliseconds since the epoch, including any offset added by `advance`. */
  now(): number
  /** Seconds since the epoch (JWT `iat`/`exp` units). */
  nowSeconds(): number
  /**
   * Moves simulated time forward. Refused with ClockRangeError: negative values (time never goes
   * back) and a total offset beyond MAX_CLOCK_OFFSET_SECONDS.
   */
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
      if (!Number.isFinite(ms) || ms < 0)
        throw new ClockRangeError(`the clock can only move forward (got ${ms} ms)`)
      if (offset + ms > MAX_CLOCK_OFFSET_SECONDS * 1000)
        throw new ClockRangeError(
          `the clock can run at most ten years (${MAX_CLOCK_OFFSET_SECONDS} s) ahead of real time; it is ${offset / 1000} s ahead now`,
        )
      const next = offset + ms
      options.onAdvance?.(next)
      offset = next
    },
    offsetMs: () => offset,
  }
}
