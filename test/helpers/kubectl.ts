import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Simulator } from '../../src/index.js'

const run = promisify(execFile)

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

/** Runs the real kubectl (the /usr/bin/kubectl dispatcher) asynchronously — the simulator shares this process. */
export async function kubectl(
  kubeconfig: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<KubectlResult> {
  const home = mkdtempSync(join(tmpdir(), 'aks-home-'))
  try {
    const { stdout, stderr } = await run(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'cache'), ...args],
      {
        env: { ...process.env, HOME: home, ...env },
        timeout: 60_000,
      },
    )
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}
