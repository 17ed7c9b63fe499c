/** Files the simulator writes into its state directory, replaced atomically so readers never see half a file. */
import { chmodSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Pki } from '../kernel/tls.js'

export function writeAtomic(path: string, content: string, mode = 0o644): void {
  writeFileSync(`${path}.tmp`, content, { mode })
  // writeFileSync's mode applies only to a new file and is filtered by the umask: a leftover temp file
  // would keep its own.
  chmodSync(`${path}.tmp`, mode)
  renameSync(`${path}.tmp`, path)
}

/** The CA certificate file clients trust: the PKI's own, or `<stateDir>/ca.crt` written now. */
export function writeCaFile(stateDir: string, pki: Pki): string {
  if (pki.caFile) return pki.caFile
  const caFile = join(stateDir, 'ca.crt')
  writeAtomic(caFile, pki.ca.certPem)
  return caFile
}
