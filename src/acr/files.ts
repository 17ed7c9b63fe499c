/** Atomic file writes for the registry's state (write a sibling, then rename), so a crash never leaves half a file. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { newGuid } from '../kernel/ids.js'

export function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${newGuid()}.tmp`
  writeFileSync(tmp, content, { mode })
  renameSync(tmp, path)
}
