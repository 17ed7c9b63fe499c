/**
 * guard's authorization result cache (`--azure.cache-ttl-minutes`, default 3): a yes/no per key
 * (see guardCacheKey), read before any Azure call. Time comes from the injected clock so tests and
 * workshops can jump past the TTL. Bounded: past `maxEntries` the oldest entry goes first, standing in
 * for guard's size-bounded BigCache (`--azure.cache-size-mb` 50).
 */

export interface CachedDecision {
  allowed: boolean
  storedAt: number
  expiresAt: number
}

export interface DecisionCache {
  get(key: string): CachedDecision | undefined
  set(key: string, allowed: boolean): void
  clear(): void
  size(): number
}

export interface DecisionCacheOptions {
  now: () => number
  /** Default 3 minutes, guard's default; guard accepts 1–60 minutes. */
  ttlMs?: number
  maxEntries?: number
}

export const DEFAULT_DECISION_CACHE_TTL_MS = 3 * 60 * 1000

export function createDecisionCache(opts: DecisionCacheOptions): DecisionCache {
  const ttl = opts.ttlMs ?? DEFAULT_DECISION_CACHE_TTL_MS
  const max = opts.maxEntries ?? 100_000
  if (!(ttl > 0) || !(max > 0)) throw new RangeError('decision cache: ttlMs and maxEntries must be positive')
  const entries = new Map<string, CachedDecision>()
  return {
    get(key) {
      const e = entries.get(key)
      if (!e) return undefined
      if (opts.now() >= e.expiresAt) {
        entries.delete(key)
        return undefined
      }
      return e
    },
    set(key, allowed) {
      const now = opts.now()
      entries.delete(key)
      entries.set(key, { allowed, storedAt: now, expiresAt: now + ttl })
      while (entries.size > max) entries.delete(entries.keys().next().value!)
    },
    clear: () => entries.clear(),
    size: () => entries.size,
  }
}
