import type { TestContext } from 'vitest'

/**
 * Skips the running test with a reason CI prints: vitest's JSON report keeps `task.meta` but not the
 * note given to `ctx.skip`, so the reason goes into both (scripts/test-summary.mjs reads `meta.skipReason`).
 */
export function skipWithReason(ctx: TestContext, reason: string): never {
  ;(ctx.task.meta as Record<string, unknown>).skipReason = reason
  return ctx.skip(reason)
}
