/**
 * The real Azure CLI's other ways in, each in its own private config dir: bob signs in without
 * `--tenant` (az lists the tenants, then each tenant's subscriptions), downloads the user kubeconfig
 * (`--format exec`) and kubectl signs him in through it; an app signs in with `--service-principal`;
 * `aks-auth-sim az-interception` switches a configuration to the simulator and restores it byte for byte.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { AZ, azDescribe, json, privateAz, run } from '../helpers/azure-cli.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { kubectlSkipReason } from '../helpers/kubectl.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { skipWithReason } from '../helpers/skip.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const BIN = join(import.meta.dirname, '../../bin/aks-auth-sim.js')

azDescribe('the real Azure CLI: sign-in without --tenant, as a service principal, and interception', () => {
  let sim: Simulator
  const scratch = mkdtempSync(join(tmpdir(), 'aks-az-logins-'))
  beforeAll(async () => {
    sim = await startTestSimulator({ stateDir: join(scratch, 'state') })
  }, 60_000)
  afterAll(() => sim?.stop())

  it('bob: az login --use-device-code (no --tenant), az aks get-credentials --format exec, kubectl', async (ctx) => {
    const { az } = privateAz(sim)
    const login = json<{ id: string; tenantId: string; user: { name: string } }[]>(
      await az(['login', '--use-device-code', '-o', 'json'], BOB),
    )
    expect(login).toEqual([
      expect.objectContaining({
        id: SUB,
        tenantId: sim.directory.tenant.id,
        user: { name: BOB, type: 'user' },
      }),
    ])
    const file = join(scratch, 'bob.kubeconfig')
    const creds = await az([
      'aks',
      'get-credentials',
      '-g',
      'rg-aks-demo',
      '-n',
      'aks-demo',
      '--format',
      'exec',
      '-f',
      file,
    ])
    expect(creds.code, creds.stderr).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain('clusterUser_rg-aks-demo_aks-demo')
    const skip = kubectlSkipReason()
    if (skip) return skipWithReason(ctx, skip)
    // kubectl runs the kubeconfig's credential plugin, which signs bob in with a device code of its own.
    const home = mkdtempSync(join(tmpdir(), 'aks-az-kubectl-'))
    const k = await run(
      'kubectl',
      ['--kubeconfig', file, 'get', 'pods', '-n', 'dev', '-o', 'name'],
      isolatedEnv({}, { home, base: 'inherit' }),
      {
        sim,
        as: BOB,
      },
    )
    expect(k.code, k.stderr).toBe(0)
    expect(k.stdout).toMatch(/^pod\//m)
  }, 150_000)

  it('an app: az login --service-principal, then az account get-access-token', async () => {
    const app = sim.endpoints.directory.applications.find((a) => a.name === 'aks-webhook')!
    // What an administrator would have done: the app may download the user kubeconfig.
    sim.azureRbac!.createRoleAssignment({
      principalId: app.servicePrincipalId,
      roleDefinitionId: sim.azureRbac!.roleDefinition('Azure Kubernetes Service Cluster User Role')!.id,
      scope: `/subscriptions/${SUB}/resourceGroups/rg-aks-demo`,
    })
    const { az } = privateAz(sim)
    const args = [
      'login',
      '--service-principal',
      '-u',
      app.appId,
      '-p',
      app.secret!,
      '--tenant',
      sim.directory.tenant.id,
    ]
    const login = json<{ id: string; user: { name: string; type: string } }[]>(
      await az([...args, '-o', 'json']),
    )
    expect(login).toEqual([
      expect.objectContaining({ id: SUB, user: { name: app.appId, type: 'servicePrincipal' } }),
    ])
    const t = json<{ accessToken: string }>(await az(['account', 'get-access-token', '-o', 'json']))
    const claims = JSON.parse(Buffer.from(t.accessToken.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >
    expect(claims).toMatchObject({ appid: app.appId, oid: app.servicePrincipalId, idtyp: 'app' })
  }, 90_000)

  it('aks-auth-sim az-interception start switches a configuration to the simulator; stop restores it exactly', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'aks-az-intercepted-'))
    const before = { config: '[core]\noutput = table\n', 'azureProfile.json': '{"subscriptions": []}' }
    for (const [f, text] of Object.entries(before)) writeFileSync(join(configDir, f), text)
    const env = isolatedEnv({}, { base: 'inherit', allowAzureCli: { configDir } })
    const cli = (args: string[]) => run(process.execPath, [BIN, ...args], env)
    const start = await cli(['az-interception', 'start', '--state-dir', sim.endpoints.stateDir])
    expect(start.code, start.stderr).toBe(0)
    const bundle = /^export REQUESTS_CA_BUNDLE=(.+)$/m.exec(start.stdout)![1]!
    expect((await cli(['az-interception', 'start', '--state-dir', sim.endpoints.stateDir])).code).toBe(2)
    const cloud = await run(AZ, ['cloud', 'show', '-o', 'json'], { ...env, REQUESTS_CA_BUNDLE: bundle })
    expect(json(cloud)).toMatchObject({ name: 'aks-auth-sim', isActive: true })
    const stop = await cli(['az-interception', 'stop'])
    expect(stop.code, stop.stderr).toBe(0)
    for (const [f, text] of Object.entries(before))
      expect(readFileSync(join(configDir, f), 'utf8')).toBe(text)
    expect(existsSync(join(configDir, 'clouds.config'))).toBe(false)
    expect(readdirSync(configDir)).not.toContain('aks-auth-sim-backup')
    expect((await cli(['az-interception', 'stop'])).code).toBe(1)
  }, 90_000)

  it('aks-auth-sim az without a simulator exits 1 and says so', async () => {
    const nowhere = join(scratch, 'nowhere')
    const env = isolatedEnv({}, { base: 'inherit', allowAzureCli: { configDir: join(nowhere, 'azure-cli') } })
    const r = await run(process.execPath, [BIN, 'az', '--state-dir', nowhere, 'account', 'show'], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^aks-auth-sim: no simulator found: .*endpoints\.json does not exist/)
  }, 30_000)
})
