import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { defaults } from '../../src/config/index.js'
import type { Simulator } from '../../src/index.js'
import { describe, it } from 'vitest'
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

/**
 * The kubectl the tests run: the dispatcher that runs a build per server minor (docs/apiserver.md).
 * AKS_SIM_TEST_KUBECTL names another file to probe instead (e.g. a missing one, to see the skips).
 */
const KUBECTL = process.env.AKS_SIM_TEST_KUBECTL ?? '/usr/bin/kubectl'

let probed: { minors: number[]; version: string; dispatcher: boolean } | string | undefined

/** What kubectl is installed: the minors it can serve, or why it cannot run. */
function probe(): { minors: number[]; version: string; dispatcher: boolean } | string {
  if (probed !== undefined) return probed
  if (!existsSync(KUBECTL))
    return (probed = `${KUBECTL} is not installed (.ci/run installs it when a package registry has a usable one)`)
  try {
    const out = execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], {
      env: isolatedEnv(),
      timeout: 30_000,
      encoding: 'utf8',
    })
    const v = (JSON.parse(out) as { clientVersion: { gitVersion: string; minor: string } }).clientVersion
    const dispatcher = v.gitVersion.endsWith('-dispatcher')
    // The dispatcher runs kubectl.1.<minor> next to it, the build for the server's minor.
    const minors = dispatcher
      ? readdirSync(dirname(realpathSync(KUBECTL)))
          .map((f) => /^kubectl\.1\.(\d+)$/.exec(f)?.[1])
          .filter((m): m is string => m !== undefined)
          .map(Number)
      : [parseInt(v.minor, 10)]
    probed = { minors, version: v.gitVersion, dispatcher }
  } catch (err) {
    probed = `${KUBECTL} does not run: ${(err as Error).message.split('\n')[0]}`
  }
  return probed
}

const warned = new Set<string>()

/**
 * Why the real kubectl cannot talk to API servers of these versions on this machine (kubectl supports a
 * server one minor version away at most), or undefined when it can. Tests that run kubectl skip with
 * this reason in their title (`describe.skipIf`, `kubectlTitle`); scripts/test-summary.mjs counts them.
 */
export function kubectlSkipReason(...serverVersions: string[]): string | undefined {
  const p = probe()
  const versions = serverVersions.length > 0 ? serverVersions : [defaults.apiServer.version]
  let reason: string | undefined
  if (typeof p === 'string') reason = p
  else {
    const unserved = versions.filter((sv) => {
      const minor = Number(sv.replace(/^v/, '').split('.')[1])
      return !p.minors.some((m) => Math.abs(m - minor) <= 1)
    })
    if (unserved.length > 0)
      reason = `kubectl ${p.version} cannot talk to an API server ${unserved.join(', ')} (more than one minor version apart)${p.dispatcher ? '' : '; the tests need the per-minor dispatcher'}`
  }
  if (reason && !warned.has(reason)) {
    warned.add(reason)
    console.warn(`kubectl tests skipped: ${reason}`)
  }
  return reason
}

/** A suite or test title that says why it is skipped, when it is. */
export const kubectlTitle = (title: string, reason: string | undefined) =>
  reason === undefined ? title : `${title} [skipped: ${reason}]`

/**
 * `describe` for suites that run the real kubectl against API servers of these versions (default: the
 * default version): where kubectl cannot, the suite is skipped with the reason in its title.
 */
export function kubectlDescribe(...serverVersions: string[]): (title: string, fn: () => void) => void {
  const reason = kubectlSkipReason(...serverVersions)
  return (title, fn) => (reason ? describe.skip(kubectlTitle(title, reason), fn) : describe(title, fn))
}

/** `it` for a test that runs the real kubectl, skipped with the reason in its title where it cannot. */
export function kubectlIt(
  ...serverVersions: string[]
): (title: string, fn: () => Promise<void>, timeout?: number) => void {
  const reason = kubectlSkipReason(...serverVersions)
  return (title, fn, timeout) =>
    reason ? it.skip(kubectlTitle(title, reason), fn, timeout) : it(title, fn, timeout)
}
