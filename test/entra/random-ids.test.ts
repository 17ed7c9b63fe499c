/**
 * The pooled CSPRNG bytes behind token ids, device codes and refresh tokens: every draw is fresh (no
 * byte handed out twice), of the size asked, and a later refill never changes bytes already handed out.
 */
import { describe, expect, it } from 'vitest'
import { newUserCode, opaque, randomSlice } from '../../src/kernel/ids.js'

describe('pooled random bytes', () => {
  it('gives each caller bytes of its own, across many pool refills', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 5000; i++) seen.add(opaque(16))
    expect(seen.size).toBe(5000)
    for (const id of seen) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('never rewrites bytes already handed out when the pool refills', () => {
    const held = randomSlice(24)
    const copy = Buffer.from(held)
    for (let i = 0; i < 1000; i++) randomSlice(30)
    expect(held.equals(copy)).toBe(true)
  })

  it('draws the size asked, large requests included', () => {
    for (const n of [1, 16, 96, 120, 1024, 1025, 8192]) expect(randomSlice(n)).toHaveLength(n)
    expect(opaque(96)).toHaveLength(128)
    expect(newUserCode()).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ2-9]{9}$/)
  })

  it('is not a constant stream: the bits of many draws are balanced', () => {
    let ones = 0
    const bytes = 20_000
    for (let i = 0; i < bytes / 20; i++)
      for (const b of randomSlice(20)) for (let k = 0; k < 8; k++) ones += (b >> k) & 1
    // 160,000 fair bits: mean 80,000, standard deviation 200; 10 deviations is never met by chance.
    expect(Math.abs(ones - bytes * 4)).toBeLessThan(2000)
  })
})
