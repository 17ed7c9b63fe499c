/**
 * Real kubectl (/usr/bin/kubectl) against the simulator's API server, with a user's Entra access
 * token in the kubeconfig (what the exec plugin would hand kubectl), a fresh HOME and cache per run.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Simulator } from '../../src/index.js'
import { isolatedEnv } from '../helpers/isolation.js'

export interface KubectlRun {
  code: number
  stdout: string
  stderr: string
}

export function kubectlAs(sim: Simulator, token: string): (...args: string[]) => Promise<KubectlRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ui-kubectl-'))
  const config = join(dir, 'kubeconfig')
  writeFileSync(
    config,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: aks',
      '  cluster:',
      `    server: ${String(sim.endpoints.apiServer)}`,
      `    certificate-authority: ${sim.endpoints.caFile}`,
      'users:',
      '- name: user',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: aks',
      '  context: {cluster: aks, user: user}',
      'current-context: aks',
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  let n = 0
  return (...args) => {
    const home = join(dir, `home-${++n}`)
    mkdirSync(home, { recursive: true })
    return new Promise((resolve) => {
      execFile(
        '/usr/bin/kubectl',
        ['--kubeconfig', config, '--cache-dir', join(home, 'cache'), ...args],
        { env: isolatedEnv({}, { home }), timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
    })
  }
}
