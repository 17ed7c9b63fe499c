/** Files the simulator writes into its state directory, replaced atomically so readers never see half a file. */
import { join } from 'node:path'
import { writeFileAtomic } from '../kernel/state-file.js'
import type { Pki } from '../kernel/tls.js'

/** The kernel's atomic writer (temp file, fsync, rename): one way to write a state file. */
export function writeAtomic(path: string, content: string, mode = 0o644): void {
  writeFileAtomic(path, content, mode)
}

/** The CA certificate file clients trust: the PKI's own, or `<stateDir>/ca.crt` written now. */
export function writeCaFile(stateDir: string, pki: Pki): string {
  if (pki.caFile) return pki.caFile
  const caFile = join(stateDir, 'ca.crt')
  writeAtomic(caFile, pki.ca.certPem)
  return caFile
}
