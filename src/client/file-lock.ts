/**
 * A cross-process lock file (`<cache file>.lock`, created with O_EXCL) held around a whole cache
 * read → refresh/sign-in → write. kubectl may run several plugin processes at once (parallel
 * commands, k9s, a shell loop): without the lock two of them would each start a device code flow, or
 * redeem the same refresh token (which Entra rotates, so the second redemption fails). Waiters poll
 * until the holder is done, then find the fresh token in the cache. A lock whose holder died (its pid
 * is gone) or that is older than `staleMs` is taken over.
 */
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { SignInError } from './errors.js'

interface LockRecord {
  pid: number
  host: string
  created: number
  nonce: string
}

const readRecord = (path: string): LockRecord | undefined => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockRecord
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function isStale(r: LockRecord | undefined, staleMs: number): boolean {
  if (!r || typeof r.pid !== 'number' || typeof r.created !== 'number') return true
  if (Date.now() - r.created > staleMs) return true
  return r.host === hostname() && !alive(r.pid)
}

/** Moves a stale lock out of the way; puts it back if it turned out to be someone's fresh lock. */
function breakStale(path: string, seen: LockRecord | undefined): void {
  const aside = `${path}.${randomBytes(4).toString('hex')}.stale`
  try {
    renameSync(path, aside)
  } catch {
    return
  }
  const moved = readRecord(aside)
  if (seen && moved && moved.nonce !== seen.nonce) {
    try {
      linkSync(aside, path)
    } catch {
      // Someone locked again in between; the moved lock's owner will still release by nonce.
    }
  }
  rmSync(aside, { force: true })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function withFileLock<T>(
  path: string,
  opts: { deadline: number; staleMs?: number; onWait?: () => void },
  fn: () => Promise<T>,
): Promise<T> {
  const staleMs = opts.staleMs ?? 10 * 60_000
  const mine: LockRecord = {
    pid: process.pid,
    host: hostname(),
    created: Date.now(),
    nonce: randomBytes(8).toString('hex'),
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  let waited = false
  for (;;) {
    // Written aside, then hard-linked into place: the lock appears atomically with its content.
    const tmp = `${path}.${mine.nonce}.tmp`
    const fd = openSync(tmp, 'w', 0o600)
    try {
      writeSync(fd, JSON.stringify(mine))
    } finally {
      closeSync(fd)
    }
    try {
      linkSync(tmp, path)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      rmSync(tmp, { force: true })
    }
    const holder = readRecord(path)
    if (isStale(holder, staleMs)) {
      breakStale(path, holder)
      continue
    }
    if (Date.now() >= opts.deadline)
      throw new SignInError(
        'timeout',
        `timed out waiting for another aks-auth-sim process (pid ${holder?.pid ?? '?'}) to finish with the token cache (${path})`,
      )
    if (!waited) opts.onWait?.()
    waited = true
    await sleep(100)
  }
  try {
    return await fn()
  } finally {
    if (readRecord(path)?.nonce === mine.nonce) rmSync(path, { force: true })
  }
}
