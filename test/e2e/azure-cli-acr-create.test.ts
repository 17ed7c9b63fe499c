/**
 * The real Azure CLI (Debian's /usr/bin/az 2.45) creating and deleting a registry over the simulator's
 * ARM: `az acr create -n … -g rg-aks-demo --sku Basic`, `az acr show`, `az acr login --expose-token`
 * on the new registry's own listener, skopeo copying an image into it with that token, then `az acr
 * delete --yes`: the registry is gone (`az acr show` fails, skopeo's connection is refused).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { certDir, NULL_GUID, ociLayout, skopeo } from '../acr/helpers.js'
import { azDescribe, json as parsed, privateAz, type Run } from '../helpers/azure-cli.js'
import { ALICE, startTestSimulator } from '../helpers/sim.js'

const RG_SCOPE = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks-demo'
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c'
const NAME = 'azcreated01'

let sim: Simulator
let azRun: (args: string[], approveAs?: string) => Promise<Run>
const az = (args: string[]) => azRun([...args, '--only-show-errors'])
const json = (r: Run) => {
  expect(r.code, r.stderr).toBe(0)
  return parsed<any>(r)
}

azDescribe('az acr create and az acr delete', () => {
  beforeAll(async () => {
    sim = await startTestSimulator()
    // The demo gives nobody Microsoft.ContainerRegistry/registries/write: alice gets Contributor here.
    const alice = sim.endpoints.directory.users.find((u) => u.upn === ALICE)!.oid
    sim.azureRbac!.createRoleAssignment({
      principalId: alice,
      roleDefinitionId: CONTRIBUTOR,
      scope: RG_SCOPE,
    })
    azRun = privateAz(sim).az
    const out = await azRun(['login', '--use-device-code', '-o', 'json'], ALICE)
    expect(out.code, out.stderr).toBe(0)
  }, 240_000)
  afterAll(() => sim?.stop())

  it('creates a registry, pushes into it with az acr login --expose-token, deletes it', async () => {
    const created = json(
      await az(['acr', 'create', '-n', NAME, '-g', 'rg-aks-demo', '--sku', 'Basic', '-o', 'json']),
    )
    const entry = sim.endpoints.registries!.find((r) => r.name === NAME)!
    expect(entry.loginServer).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(created).toMatchObject({
      name: NAME,
      loginServer: entry.loginServer,
      provisioningState: 'Succeeded',
      adminUserEnabled: false,
      resourceGroup: 'rg-aks-demo',
      sku: { name: 'Basic', tier: 'Basic' },
    })
    // az followed the 201's Azure-AsyncOperation.
    const armPaths = () =>
      sim.eventBus
        .recent({ service: 'arm', type: 'request.completed', limit: 5000 })
        .map((e) => `${String(e.data.method)} ${String(e.data.path)}`)
    expect(
      armPaths().some((p) => new RegExp(`/registries/${NAME}/operationStatuses/registries-`).test(p)),
    ).toBe(true)
    const shown = json(await az(['acr', 'show', '-n', NAME, '-o', 'json']))
    expect(shown).toMatchObject({ id: entry.resourceId, loginServer: entry.loginServer })

    const login = json(await az(['acr', 'login', '-n', NAME, '--expose-token', '-o', 'json']))
    expect(login.loginServer).toBe(entry.loginServer)
    const creds = `${NULL_GUID}:${login.accessToken as string}`
    const certs = certDir(sim)
    const layout = ociLayout('team/app', 3, 'v1')
    const target = `docker://${entry.loginServer}/team/app:v1`
    const push = await skopeo([
      'copy',
      '--dest-cert-dir',
      certs,
      '--dest-creds',
      creds,
      `oci:${layout.dir}:v1`,
      target,
    ])
    expect(push.code, push.stderr).toBe(0)
    const inspect = await skopeo(['inspect', '--cert-dir', certs, '--creds', creds, target])
    expect(inspect.code, inspect.stderr).toBe(0)
    expect(JSON.parse(inspect.stdout).Digest).toBe(layout.digest)
    const repos = json(await az(['acr', 'repository', 'list', '-n', NAME, '-o', 'json']))
    expect(repos).toEqual(['team/app'])

    const deleted = await az(['acr', 'delete', '-n', NAME, '--yes', '-o', 'json'])
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(sim.endpoints.registries!.map((r) => r.name)).not.toContain(NAME)
    const gone = await az(['acr', 'show', '-n', NAME, '-o', 'json'])
    expect(gone.code).not.toBe(0)
    // az finds the registry's resource group through Resources_List first, and finds none…
    expect(gone.stderr).toContain(
      `The resource with name '${NAME}' and type 'Microsoft.ContainerRegistry/registries' could not be found`,
    )
    // …and with -g it asks ARM directly: ResourceNotFound.
    const gone2 = await az(['acr', 'show', '-n', NAME, '-g', 'rg-aks-demo', '-o', 'json'])
    expect(gone2.code).not.toBe(0)
    expect(gone2.stderr).toContain('(ResourceNotFound)')
    const refused = await skopeo(['inspect', '--cert-dir', certs, '--creds', creds, target])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/connection refused/)
  }, 240_000)
})
