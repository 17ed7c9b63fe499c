/**
 * A registry's files: the kernel's atomic writer (temp + fsync + rename), 0600 in 0700 directories like
 * every file of the state dir (docs/security.md) — the registry's signing key and its tokens' passwords
 * live here, and the content is the users'.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { writeFileAtomic as writeStateFile } from '../kernel/state-file.js'

export function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeStateFile(path, content, mode)
}
