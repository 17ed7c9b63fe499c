/**
 * One CA for the whole test run, created before any worker starts, so every worker process and every
 * child process (kubectl, the CLI, client scripts) trusts it through NODE_EXTRA_CA_CERTS — the same
 * "trust this CA" setting real users apply. Each test's simulator issues its certificates from it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadOrCreatePki } from '../src/kernel/tls.js'

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'aks-auth-sim-test-pki-'))
  const pki = await loadOrCreatePki(join(dir, 'pki'))
  process.env.NODE_EXTRA_CA_CERTS = pki.caFile
  process.env.AKS_SIM_TEST_PKI_DIR = join(dir, 'pki')
  return () => rmSync(dir, { recursive: true, force: true })
}
