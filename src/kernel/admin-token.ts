/**
 * The admin token: the credential the admin API (and the web UI's host sign-in, when other machines can
 * reach it) requires. Created at the first start as `<state-dir>/admin-token`, mode 0600, so only the
 * user who runs the simulator can read it; the CLI and `adminRequest` read it from there, so nothing
 * changes for a local user. Kept in the kernel: the CLI reads it without loading the simulator.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const ADMIN_TOKEN_FILE = 'admin-token'

export const adminTokenFile = (stateDir: string): string => join(stateDir, ADMIN_TOKEN_FILE)

/** Reads the state dir's admin token, or creates it (32 random bytes, base64url) if there is none. */
export function loadOrCreateAdminToken(stateDir: string): string {
  const file = adminTokenFile(stateDir)
  const existing = readAdminToken(stateDir)
  if (existing) {
    chmodSync(file, 0o600)
    return existing
  }
  const token = randomBytes(32).toString('base64url')
  // 'w' replaces an empty or unreadable leftover; the mode of a new file is filtered by the umask.
  writeFileSync(file, `${token}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
  return token
}

/** The state dir's admin token, or undefined when there is none (no simulator has started there). */
export function readAdminToken(stateDir: string): string | undefined {
  try {
    const token = readFileSync(adminTokenFile(stateDir), 'utf8').trim()
    return token === '' ? undefined : token
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * Whether `presented` is `expected`, in time that does not depend on where they differ (both are
 * hashed first, so their lengths leak nothing either).
 */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()
  return timingSafeEqual(digest(expected), digest(presented))
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it is. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(authorization ?? '')
  return m?.[1]
}
