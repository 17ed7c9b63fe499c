/**
 * The real Azure CLI (Debian's /usr/bin/az) on the AKS control plane, each user with a private
 * AZURE_CONFIG_DIR pointed at the simulator as a custom cloud: `az aks show/list`, `az aks scale` as
 * alice (Azure Kubernetes Service Contributor Role: the PUT runs through ARM's operation protocol, which
 * az polls until the simulator clock finishes it) and as bob (AuthorizationFailed naming
 * managedClusters/write), `--no-wait`, then `az aks update --disable-local-accounts` and
 * `az aks get-credentials --admin` refused with AKS's message.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { azDescribe, json as parsed, privateAz, type Run } from '../helpers/azure-cli.js'
import { ALICE, BOB, startTestSimulator } from '../helpers/sim.js'

/** Long enough that only the simulator clock can finish an operation while az polls. */
const OPERATION_SECONDS = 600

let sim: Simulator
const runners = new Map<string, (args: string[], approveAs?: string) => Promise<Run>>()
/** While set, every operation az starts is finished by advancing the simulator clock. */
let finishOperations = true

/** az as `upn`, in that user's private AZURE_CONFIG_DIR. */
const az = (upn: string, args: string[]) => runners.get(upn)!([...args, '--only-show-errors'])

/** `az login --use-device-code`, the code approved on the simulator as `upn`. */
async function login(upn: string): Promise<void> {
  const { az: run } = privateAz(sim)
  runners.set(upn, run)
  const out = await run(['login', '--use-device-code', '-o', 'json'], upn)
  expect(out.code, out.stderr).toBe(0)
}

const json = (r: Run) => {
  expect(r.code, r.stderr).toBe(0)
  return parsed<any>(r)
}
const nodes = () =>
  sim.kube.server.store.list(sim.kube.server.registry.byResource('', 'nodes')!).map((n) => n.metadata.name)
const azRequests = (pattern: RegExp) =>
  sim.eventBus
    .recent({ service: 'arm', type: 'request.completed', limit: 5000 })
    .filter((e) => typeof e.data.path === 'string' && pattern.test(e.data.path))

azDescribe('az aks control plane', () => {
  beforeAll(async () => {
    sim = await startTestSimulator({ arm: { operationSeconds: OPERATION_SECONDS, retryAfterSeconds: 1 } })
    sim.eventBus.subscribe((e) => {
      if (e.type === 'operation.started' && finishOperations)
        setImmediate(() => sim.advanceClock(OPERATION_SECONDS))
    })
    await Promise.all([login(ALICE), login(BOB)])
  }, 240_000)
  afterAll(() => sim?.stop())

  it('az aks show and az aks list read the whole managed cluster', async () => {
    const shown = json(await az(BOB, ['aks', 'show', '-g', 'rg-aks-demo', '-n', 'aks-demo', '-o', 'json']))
    expect(shown).toMatchObject({
      name: 'aks-demo',
      provisioningState: 'Succeeded',
      servicePrincipalProfile: { clientId: 'msi' },
      identity: { type: 'SystemAssigned' },
      kubernetesVersion: '1.32.4',
      aadProfile: { managed: true, enableAzureRbac: true },
      agentPoolProfiles: [{ name: 'nodepool1', count: 3, mode: 'System', powerState: { code: 'Running' } }],
    })
    expect(shown.identityProfile.kubeletidentity.clientId).toMatch(/^[0-9a-f-]{36}$/)
    const listed = json(await az(ALICE, ['aks', 'list', '-o', 'json']))
    expect(listed.map((c: { name: string }) => c.name)).toEqual(['aks-demo'])
  })

  it('az aks scale as bob fails with AuthorizationFailed naming managedClusters/write', async () => {
    const out = await az(BOB, ['aks', 'scale', '-g', 'rg-aks-demo', '-n', 'aks-demo', '--node-count', '4'])
    expect(out.code).toBe(1)
    expect(out.stderr).toMatch(
      /\(AuthorizationFailed\) The client 'bob@contoso\.onmicrosoft\.com' with object id '[0-9a-f-]{36}' does not have authorization to perform action 'Microsoft\.ContainerService\/managedClusters\/write' over scope '\/subscriptions\/00000000-0000-0000-0000-000000000001\/resourceGroups\/rg-aks-demo\/providers\/Microsoft\.ContainerService\/managedClusters\/aks-demo' or the scope is invalid\./,
    )
    expect(nodes()).toHaveLength(3)
  })

  it('az aks scale as alice succeeds through the operation protocol', async () => {
    const out = json(
      await az(ALICE, [
        'aks',
        'scale',
        '-g',
        'rg-aks-demo',
        '-n',
        'aks-demo',
        '--node-count',
        '4',
        '-o',
        'json',
      ]),
    )
    expect(out).toMatchObject({ provisioningState: 'Succeeded', agentPoolProfiles: [{ count: 4 }] })
    expect(nodes()).toHaveLength(4)
    // az polled the Azure-AsyncOperation URL the PUT answered with.
    expect(
      azRequests(/\/providers\/Microsoft\.ContainerService\/locations\/eastus\/operations\//i).length,
    ).toBeGreaterThan(0)
  })

  it('--no-wait returns at once; the operation finishes when the simulator clock says so', async () => {
    finishOperations = false
    try {
      const out = await az(ALICE, [
        'aks',
        'scale',
        '-g',
        'rg-aks-demo',
        '-n',
        'aks-demo',
        '--node-count',
        '2',
        '--no-wait',
      ])
      expect(out.code, out.stderr).toBe(0)
      const running = json(
        await az(ALICE, ['aks', 'show', '-g', 'rg-aks-demo', '-n', 'aks-demo', '-o', 'json']),
      )
      expect(running.provisioningState).toBe('Scaling')
      expect(nodes()).toHaveLength(4)
      sim.advanceClock(OPERATION_SECONDS)
      const done = json(await az(ALICE, ['aks', 'show', '-g', 'rg-aks-demo', '-n', 'aks-demo', '-o', 'json']))
      expect(done).toMatchObject({ provisioningState: 'Succeeded', agentPoolProfiles: [{ count: 2 }] })
      expect(nodes()).toHaveLength(2)
    } finally {
      finishOperations = true
    }
  })

  it('az aks update --disable-local-accounts, then get-credentials --admin is refused', async () => {
    const updated = json(
      await az(ALICE, [
        'aks',
        'update',
        '-g',
        'rg-aks-demo',
        '-n',
        'aks-demo',
        '--disable-local-accounts',
        '-o',
        'json',
      ]),
    )
    expect(updated).toMatchObject({ disableLocalAccounts: true, provisioningState: 'Succeeded' })
    const file = join(mkdtempSync(join(tmpdir(), 'aks-az-kc-')), 'config')
    const admin = await az(ALICE, [
      'aks',
      'get-credentials',
      '-g',
      'rg-aks-demo',
      '-n',
      'aks-demo',
      '--admin',
      '--file',
      file,
    ])
    expect(admin.code).toBe(1)
    expect(admin.stderr).toContain(
      '(BadRequest) Getting static credential is not allowed because this cluster is set to disable local accounts.',
    )
    expect(existsSync(file)).toBe(false)
  })
})
