/**
 * The plugin's wait for a person, with the real kubectl: the kubeconfig get-credentials writes has no
 * --timeout by default (the device code's lifetime bounds the wait) and `--token-timeout` writes one;
 * when the sign-in runs out, kubectl — which runs the plugin again for every request it retries —
 * shows one device code, not six; the next kubectl command gets a new one. `logout` says what it kept.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { Simulator } from '../../src/index.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import {
  AKS_CLIENT,
  AKS_SERVER,
  KUBECTL,
  cleanEnv,
  cli,
  countEvents,
  deviceCodeAnswerer,
  lastEventId,
  run,
  scratch,
} from '../client/helpers.js'
import { kubectlDescribe } from '../helpers/kubectl.js'

const describeK = kubectlDescribe()
const TIMEOUT = 180_000

describeK('how long the plugin waits, and one device code per kubectl command', () => {
  let sim: Simulator
  let answer: ReturnType<typeof deviceCodeAnswerer>
  const tmp = scratch('aks-sim-wait-')
  const home = tmp.sub('home')
  const env = () => cleanEnv(home, { AKS_AUTH_SIM_STATE_DIR: sim.endpoints.stateDir })
  const aks = (...args: string[]) => cli(args, { env: env(), cwd: home })
  const kubectl = (...args: string[]) =>
    run(KUBECTL, ['--cache-dir', join(home, 'kc'), ...args], { env: env(), cwd: home })
  const short = () => join(home, 'short.yaml')
  const execArgs = (context: string, file = join(home, '.kube', 'config')) => {
    const config = parse(readFileSync(file, 'utf8'))
    const ctx = config.contexts.find((c: any) => c.name === context)
    return config.users.find((u: any) => u.name === ctx.context.user).user.exec.args as string[]
  }

  beforeAll(async () => {
    sim = await startTestSimulator()
    answer = deviceCodeAnswerer(sim)
  })
  afterAll(async () => {
    answer.stop()
    await sim.stop()
    tmp.cleanup()
  })

  it(
    'writes no --timeout by default and --token-timeout as get-token’s --timeout; convert-kubeconfig sets it too',
    async () => {
      answer.approveAs(BOB)
      expect((await aks('get-credentials')).code).toBe(0)
      expect(execArgs('aks-demo')).not.toContain('--timeout')
      const r = await aks('get-credentials', '-f', short(), '--context', 'short', '--token-timeout', '2s')
      expect(r.code, r.stderr).toBe(0)
      expect(execArgs('short', short()).slice(-2)).toEqual(['--timeout', '2s'])
      const c = await aks('convert-kubeconfig', '--context', 'aks-demo', '--timeout', '20m')
      expect(c.code, c.stderr).toBe(0)
      expect(execArgs('aks-demo').slice(-2)).toEqual(['--timeout', '20m'])
      const bad = await aks('get-credentials', '--token-timeout', '0s')
      expect(bad.code).toBe(2)
      expect(bad.stderr).toMatch(/timeout must be greater than 0/)
    },
    TIMEOUT,
  )

  it(
    'a sign-in that runs out shows one code for the whole kubectl command; the next command signs in',
    async () => {
      answer.ignore()
      const since = lastEventId(sim)
      const r = await kubectl('--kubeconfig', short(), 'get', 'pods', '-n', 'dev')
      expect(r.code).not.toBe(0)
      expect(r.stderr.match(/enter the code/g)).toHaveLength(1)
      expect(r.stderr).toMatch(/timed out after 2s \(--timeout\)/)
      expect(r.stderr).toMatch(/not starting another sign-in for the same kubectl command/)
      expect(countEvents(sim, 'device_code.issued', since)).toBe(1)

      // Each failure is said once, not repeated onto the next.
      expect(r.stderr).not.toMatch(/for a new code\) \(not starting/)
      // The next kubectl command is another process: a new code (same token cache, the 20m kubeconfig).
      answer.approveAs(BOB)
      const next = await kubectl('get', 'pods', '-n', 'dev')
      expect(next.code, next.stderr).toBe(0)
      expect(next.stdout).toMatch(/^web-5d8f7b9c6d-x2k4p/m)
      expect(countEvents(sim, 'device_code.issued', since)).toBe(2)
    },
    TIMEOUT,
  )

  it(
    'without --timeout, a device code sign-in waits until the code expires, not kubelogin’s 60s',
    async () => {
      // A simulator whose codes live 3 s: the wait ends with the code, whoever notices first.
      const short = await startTestSimulator({ deviceCode: { expiresIn: 3 } })
      try {
        const r = await cli(
          [
            'get-token',
            '--server-id',
            AKS_SERVER,
            '--client-id',
            AKS_CLIENT,
            '--tenant-id',
            short.endpoints.tenantId,
            '--cache-dir',
            join(home, 'short-cache'),
          ],
          { env: cleanEnv(home, { AKS_AUTH_SIM_STATE_DIR: short.endpoints.stateDir }) },
        )
        expect(r.code).toBe(1)
        expect(r.stderr).toMatch(/get-token: device code sign-in: the device code expired/)
        expect(r.stderr).not.toMatch(/timed out/)
      } finally {
        await short.stop()
      }
    },
    TIMEOUT,
  )

  it(
    'logout keeps the Azure sign-in and says so; logout --azure signs out of Azure too',
    async () => {
      const kept = await aks('logout')
      expect(kept.code).toBe(0)
      expect(kept.stderr).toMatch(/^removed 1 cached token\(s\) from /m)
      expect(kept.stderr).toMatch(
        /kept the Azure sign-in of bob@contoso\.onmicrosoft\.com in .*: get-credentials, identity and role-assignment still act as this user\. To sign out of Azure too: aks-auth-sim logout --azure/,
      )
      const out = await aks('logout', '--azure')
      expect(out.code).toBe(0)
      expect(out.stderr).toMatch(/signed out of Azure \(bob@contoso\.onmicrosoft\.com\)/)
      const again = await aks('logout')
      expect(again.stderr).not.toMatch(/kept the Azure sign-in/)
    },
    TIMEOUT,
  )
})
