/**
 * A cache of successful reviews, keyed by a hash of the token and the requested audiences. An entry
 * never outlives the token's `exp` (nor the TTL), and the cache has a size bound.
 */
import { hash } from 'node:crypto'

export interface CachedReview<T> {
  value: T
  expiresAt: number
}

export interface ReviewCache<T> {
  get(token: string, audiences: string[] | undefined, now: number): T | undefined
  set(token: string, audiences: string[] | undefined, value: T, tokenExpMs: number, now: number): void
  size(): number
  clear(): void
}

export function createReviewCache<T>(opts: { ttlMs: number; maxEntries?: number }): ReviewCache<T> {
  const entries = new Map<string, CachedReview<T>>()
  const max = opts.maxEntries ?? 10_000
  const key = (token: string, audiences: string[] | undefined) =>
    `${hash('sha256', token, 'base64url')}|${(audiences ?? []).join(',')}`
  return {
    get(token, audiences, now) {
      if (opts.ttlMs <= 0) return undefined
      const k = key(token, audiences)
      const e = entries.get(k)
      if (!e) return undefined
      if (e.expiresAt <= now) {
        entries.delete(k)
        return undefined
      }
      return e.value
    },
    set(token, audiences, value, tokenExpMs, now) {
      if (opts.ttlMs <= 0) return
      const expiresAt = Math.min(now + opts.ttlMs, tokenExpMs)
      if (expiresAt <= now) return
      if (entries.size >= max) {
        for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k)
        // Still full: drop the oldest entries (Map keeps insertion order).
        for (const k of entries.keys()) {
          if (entries.size < max) break
          entries.delete(k)
        }
      }
      entries.set(key(token, audiences), { value, expiresAt })
    },
    size: () => entries.size,
    clear: () => entries.clear(),
  }
}
