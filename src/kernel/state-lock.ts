/**
 * One simulator per state directory: `<stateDir>/instance.json` names the process that owns the
 * directory (pid, its start time, host, the URLs once the listeners are open). Two simulators on one
 * state dir would overwrite each other's endpoints.json and object store, so `startSimulator` takes
 * this lock first and releases it in `stop()`; `aks-auth-sim status` and `stop` read it.
 *
 * The file appears atomically with its content (written aside, then hard-linked into place, which
 * fails if it exists — O_EXCL semantics). A lock whose process is gone (`kill -9`), or whose pid now
 * belongs to another process (the recorded start time in /proc/<pid>/stat differs), is stale and is
 * taken over. Only node: modules here: the CLI's `status` must not load the simulator.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { join } from 'node:path'

export const INSTANCE_FILE = 'instance.json'

export interface InstanceRecord {
  pid: number
  /** The process's start time as /proc/<pid>/stat field 22 (clock ticks since boot), where available. */
  processStart?: string
  host: string
  /** When the simulator started (ISO 8601, this machine's clock). */
  startedAt: string
  /** Distinguishes two holders that happen to share a pid. */
  nonce: string
  /** The services' URLs, once the listeners are open; absent while the simulator is starting. */
  urls?: Record<string, string>
}

/** A simulator already runs on this state directory (or one is starting). */
export class StateDirInUseError extends Error {
  readonly holder: InstanceRecord
  readonly file: string
  constructor(file: string, holder: InstanceRecord) {
    const urls = holder.urls
      ? ` (${['authority', 'admin'].flatMap((k) => (holder.urls?.[k] ? [`${k} ${holder.urls[k]}`] : [])).join(', ')})`
      : ' (still starting)'
    super(
      `another simulator (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}) ` +
        `already runs on state dir ${join(file, '..')}${urls}. ` +
        `Stop it with 'aks-auth-sim stop --state-dir ${join(file, '..')}', or choose another --state-dir.`,
    )
    this.name = 'StateDirInUseError'
    this.holder = holder
    this.file = file
  }
}

/** /proc/<pid>/stat's starttime, or undefined where there is no /proc (macOS, Windows). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Whether the recorded process still runs: same pid, and (where /proc tells) the same process. */
export function holderAlive(r: InstanceRecord): boolean {
  if (r.host !== hostname()) return true // cannot tell: assume it runs
  if (!pidAlive(r.pid)) return false
  const now = processStartTime(r.pid)
  return r.processStart === undefined || now === undefined || now === r.processStart
}

export function readInstance(stateDir: string): InstanceRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(stateDir, INSTANCE_FILE), 'utf8')) as InstanceRecord
    return typeof r.pid === 'number' && typeof r.nonce === 'string' ? r : undefined
  } catch {
    return undefined
  }
}

/** The simulator that runs on `stateDir`, if any (a stale lock counts as none). */
export function runningInstance(stateDir: string): InstanceRecord | undefined {
  const r = readInstance(stateDir)
  return r && holderAlive(r) ? r : undefined
}

export interface StateLock {
  readonly record: InstanceRecord
  /** Records the services' URLs in the lock (once the listeners are open). */
  update(urls: Record<string, string>): void
  release(): void
}

/** Locks held by this process, by nonce: a second simulator in the same process must refuse too. */
const heldHere = new Set<string>()

/**
 * Takes the state directory's lock or throws StateDirInUseError. A stale lock is taken over and
 * `onStale` told about it.
 */
export function acquireStateLock(stateDir: string, onStale?: (stale: InstanceRecord) => void): StateLock {
  const file = join(stateDir, INSTANCE_FILE)
  const record: InstanceRecord = {
    pid: process.pid,
    ...(processStartTime(process.pid) !== undefined && { processStart: processStartTime(process.pid) }),
    host: hostname(),
    startedAt: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  }
  const write = (path: string, r: InstanceRecord) => writeFileSync(path, JSON.stringify(r, null, 2) + '\n')
  for (let attempt = 0; ; attempt++) {
    const tmp = `${file}.${record.nonce}.tmp`
    write(tmp, record)
    try {
      linkSync(tmp, file)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      rmSync(tmp, { force: true })
    }
    const holder = readInstance(stateDir)
    // An unreadable lock is a half-written one only in theory (it appears with its content): stale.
    if (
      holder &&
      (heldHere.has(holder.nonce) ||
        (holderAlive(holder) && (holder.pid !== process.pid || holder.host !== hostname())))
    )
      throw new StateDirInUseError(file, holder)
    if (attempt >= 5) throw new Error(`cannot take the lock ${file}: it keeps changing`)
    // Move the stale lock aside; put it back if someone else's fresh lock was moved instead.
    const aside = `${file}.${randomBytes(4).toString('hex')}.stale`
    try {
      renameSync(file, aside)
    } catch {
      continue
    }
    let moved: InstanceRecord | undefined
    try {
      moved = JSON.parse(readFileSync(aside, 'utf8')) as InstanceRecord
    } catch {
      moved = undefined
    }
    if (holder && moved && moved.nonce !== holder.nonce) {
      try {
        linkSync(aside, file)
      } catch {
        // Someone locked again in between; the next attempt finds it.
      }
    } else if (holder) onStale?.(holder)
    rmSync(aside, { force: true })
  }
  heldHere.add(record.nonce)
  let current = record
  return {
    get record() {
      return current
    },
    update(urls) {
      if (readInstance(stateDir)?.nonce !== record.nonce) return
      current = { ...record, urls }
      const tmp = `${file}.${record.nonce}.tmp`
      write(tmp, current)
      renameSync(tmp, file)
    },
    release() {
      heldHere.delete(record.nonce)
      if (readInstance(stateDir)?.nonce === record.nonce) rmSync(file, { force: true })
    },
  }
}
