/**
 * The refresh-token store keeps at most `maxTokens`: once full, each new token first drops the expired
 * ones (oldest first, which is expiry order: every token lives as long), then the oldest live ones.
 */
import { describe, expect, it } from 'vitest'
import { createRefreshTokenStore } from '../../src/entra/refresh-tokens.js'
import { createClock } from '../../src/kernel/clock.js'

function setup(maxTokens: number) {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const clock = createClock(() => now)
  const store = createRefreshTokenStore({ clock, lifetimeSeconds: 100, maxTokens })
  const issue = () => store.issue({ clientId: 'c', userId: 'u' })
  return { store, issue, advance: (s: number) => (now += s * 1000) }
}

describe('refresh-token store capacity', () => {
  it('drops the oldest live token when full, and keeps the newer ones redeemable', () => {
    const { store, issue } = setup(3)
    const [a, b, c, d] = [issue(), issue(), issue(), issue()]
    expect(store.size()).toBe(3)
    expect(store.redeem(a, 'c')).toEqual({ ok: false, reason: 'unknown' })
    for (const t of [b, c, d]) expect(store.redeem(t, 'c').ok).toBe(true)
  })

  it('drops expired tokens before live ones, and only as many live ones as needed', () => {
    const { store, issue, advance } = setup(4)
    const [a, b] = [issue(), issue()]
    advance(60)
    const [c, d] = [issue(), issue()]
    advance(50) // a and b expired, c and d live
    const e = issue()
    expect(store.size()).toBe(3)
    expect(store.redeem(a, 'c')).toEqual({ ok: false, reason: 'unknown' })
    expect(store.redeem(b, 'c')).toEqual({ ok: false, reason: 'unknown' })
    for (const t of [c, d, e]) expect(store.redeem(t, 'c').ok).toBe(true)
  })

  it('stays at its capacity over many sign-ins, the newest kept', () => {
    const { store, issue, advance } = setup(50)
    const issued: string[] = []
    for (let i = 0; i < 500; i++) {
      issued.push(issue())
      if (i % 37 === 0) advance(7)
      expect(store.size()).toBeLessThanOrEqual(50)
    }
    expect(store.redeem(issued.at(-1)!, 'c').ok).toBe(true)
    expect(store.redeem(issued[0]!, 'c')).toEqual({ ok: false, reason: 'unknown' })
  })
})
