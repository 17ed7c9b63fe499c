import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Simulator } from '../../src/index.js'
import { isolatedEnv } from './isolation.js'

export interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

/** A kubeconfig for the simulator's API server with a bearer token (or any `user` entry). */
export function tokenKubeconfig(sim: Simulator, user: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aks-kc-'))
  const file = join(dir, 'config')
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'aks-demo',
        cluster: {
          server: sim.endpoints.apiServer,
          'certificate-authority-data': Buffer.from(sim.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'aks-demo', context: { cluster: 'aks-demo', user: 'u', namespace: 'default' } }],
    'current-context': 'aks-demo',
  }
  writeFileSync(file, JSON.stringify(doc))
  return file
}

/**
 * Runs the real kubectl (the /usr/bin/kubectl dispatcher) asynchronously — the simulator shares this
 * process — with a fresh HOME; `input` is written to its standard input (`apply -f -`).
 */
export function kubectl(
  kubeconfig: string,
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<KubectlResult> {
  const home = mkdtempSync(join(tmpdir(), 'aks-home-'))
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'cache'), ...args],
      { env: isolatedEnv(env, { home, base: 'inherit' }), timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
    if (input !== undefined) child.stdin?.end(input)
  })
}
