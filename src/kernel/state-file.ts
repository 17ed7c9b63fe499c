/**
 * Durable files in the state directory. `writeFileAtomic` writes a temporary file next to the target,
 * flushes it to disk, renames it over the target and flushes the directory, so a crash at any point
 * leaves either the old file or the new one, never half of one; it returns only once the new content
 * is on disk, so a change written before the answer survives `kill -9` right after it.
 * `jsonStateFile` is one piece of state (the clock offset, the faults, directory changes…) kept as
 * JSON with it: read once at start, written whole on every change.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { ConfigError } from './errors.js'

let tmpCounter = 0

/** Steps of an atomic write, replaceable in tests to simulate a crash between two of them. */
export interface AtomicWriteSteps {
  rename(from: string, to: string): void
}
const realSteps: AtomicWriteSteps = { rename: renameSync }

export function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  mode = 0o644,
  steps: AtomicWriteSteps = realSteps,
): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${tmpCounter++}`)
  const fd = openSync(tmp, 'w', mode)
  try {
    // writeFileSync on a descriptor writes it all (writeSync may stop short on a large buffer).
    writeFileSync(fd, content)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    steps.rename(tmp, path)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  syncDirectory(dirname(path))
}

/** Makes the rename itself durable; some file systems refuse to open a directory for this, which is harmless. */
function syncDirectory(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // EISDIR/EPERM on some platforms: the rename is still atomic, only its durability is the OS's.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

export interface StateFile<T> {
  readonly path: string
  /** The saved value, or undefined when nothing was saved yet. A corrupt file is a ConfigError naming it. */
  load(): T | undefined
  save(value: T): void
}

/** One JSON document in the state dir. `mode` 0o600 for anything holding a secret. */
export function jsonStateFile<T>(path: string, mode = 0o644): StateFile<T> {
  return {
    path,
    load() {
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      }
      try {
        return JSON.parse(text) as T
      } catch (err) {
        throw new ConfigError([
          `${path}: not valid JSON (${(err as Error).message}); fix or delete the file to start without it`,
        ])
      }
    },
    save(value) {
      writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', mode)
    },
  }
}

/** A state file that keeps nothing (no state directory to keep it in). */
export function memoryStateFile<T>(): StateFile<T> {
  let value: T | undefined
  return {
    path: '',
    load: () => value,
    save(v) {
      value = v
    },
  }
}
