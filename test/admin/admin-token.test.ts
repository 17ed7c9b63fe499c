/** The admin token file: created once (0600), kept across restarts, repaired when wider; compared in constant time. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  adminTokenFile,
  bearerToken,
  loadOrCreateAdminToken,
  readAdminToken,
  tokenMatches,
} from '../../src/kernel/admin-token.js'

const dir = mkdtempSync(join(tmpdir(), 'aks-admin-token-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the admin token', () => {
  it('is created once, 0600, 32 random bytes, and read back unchanged', () => {
    expect(readAdminToken(dir)).toBeUndefined()
    const token = loadOrCreateAdminToken(dir)
    expect(token).toMatch(/^[\w-]{43}$/)
    expect(statSync(adminTokenFile(dir)).mode & 0o777).toBe(0o600)
    expect(readFileSync(adminTokenFile(dir), 'utf8')).toBe(`${token}\n`)
    expect(loadOrCreateAdminToken(dir)).toBe(token)
    expect(readAdminToken(dir)).toBe(token)
    expect(loadOrCreateAdminToken(mkdtempSync(join(dir, 'other-')))).not.toBe(token)
  })

  it('puts a file that became readable by others back to 0600', () => {
    chmodSync(adminTokenFile(dir), 0o644)
    loadOrCreateAdminToken(dir)
    expect(statSync(adminTokenFile(dir)).mode & 0o777).toBe(0o600)
  })

  it('matches only the same token, of any length', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true)
    expect(tokenMatches('abc', 'abd')).toBe(false)
    expect(tokenMatches('abc', 'abcd')).toBe(false)
    expect(tokenMatches('abc', '')).toBe(false)
    expect(tokenMatches('abc', undefined)).toBe(false)
  })

  it('reads the token of an Authorization: Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc')
    expect(bearerToken('bearer abc')).toBe('abc')
    expect(bearerToken('Basic abc')).toBeUndefined()
    expect(bearerToken('Bearer a b')).toBeUndefined()
    expect(bearerToken(undefined)).toBeUndefined()
  })
})
