/**
 * The real Azure CLI (Debian's /usr/bin/az 2.45) on Azure Container Registry: `az acr show/list` and
 * `az acr update` over the simulator's ARM, `az acr login --expose-token` (ARM token → the registry's
 * /oauth2/exchange), `az acr repository list/show-tags` on the data plane, `az acr scope-map create`,
 * `az acr token create` (its password then used by skopeo), `az acr credential show`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { certDir } from '../acr/helpers.js'
import { azDescribe, json as parsed, privateAz, run, type Run } from '../helpers/azure-cli.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { ALICE, startTestSimulator } from '../helpers/sim.js'

const RG_SCOPE = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks-demo'
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

let sim: Simulator
let azRun: (args: string[], approveAs?: string) => Promise<Run>
const az = (args: string[]) => azRun([...args, '--only-show-errors'])
const json = (r: Run) => {
  expect(r.code, r.stderr).toBe(0)
  return parsed<any>(r)
}
const loginServer = () => sim.endpoints.registries!.find((r) => r.name === 'contosoacr')!.loginServer

azDescribe('az acr', () => {
  beforeAll(async () => {
    sim = await startTestSimulator()
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

  it('az acr show and az acr list read the registries over ARM', async () => {
    const shown = json(await az(['acr', 'show', '-n', 'contosoacr', '-o', 'json']))
    expect(shown).toMatchObject({
      name: 'contosoacr',
      loginServer: loginServer(),
      adminUserEnabled: false,
      provisioningState: 'Succeeded',
      resourceGroup: 'rg-aks-demo',
    })
    const listed = json(await az(['acr', 'list', '-o', 'json']))
    expect(listed.map((r: { name: string }) => r.name).sort()).toEqual(['contosoacr', 'contosoteams'])
  })

  it('az acr login --expose-token exchanges the ARM token for a registry refresh token', async () => {
    const out = json(await az(['acr', 'login', '-n', 'contosoacr', '--expose-token', '-o', 'json']))
    expect(out.loginServer).toBe(loginServer())
    const claims = JSON.parse(Buffer.from((out.accessToken as string).split('.')[1]!, 'base64url').toString())
    expect(claims).toMatchObject({
      iss: 'Azure Container Registry',
      aud: loginServer(),
      grant_type: 'refresh_token',
      sub: ALICE,
    })
  })

  it('az acr repository list and show-tags read the data plane', async () => {
    const repos = json(await az(['acr', 'repository', 'list', '-n', 'contosoacr', '-o', 'json']))
    expect(repos).toEqual(expect.arrayContaining(['orders/api', 'billing/worker', 'samples/nginx']))
    const tags = json(
      await az([
        'acr',
        'repository',
        'show-tags',
        '-n',
        'contosoacr',
        '--repository',
        'samples/nginx',
        '-o',
        'json',
      ]),
    )
    expect([...tags].sort()).toEqual(['1.25', '1.27', 'latest'])
  })

  it('az acr scope-map create and az acr token create make a token skopeo can use at once', async () => {
    const map = json(
      await az([
        'acr',
        'scope-map',
        'create',
        '-r',
        'contosoacr',
        '-n',
        'orders-read',
        '--repository',
        'orders/api',
        'content/read',
        'metadata/read',
        '-o',
        'json',
      ]),
    )
    expect(map).toMatchObject({ name: 'orders-read', provisioningState: 'Succeeded' })
    // The SDK flattens `properties.type` (UserDefined) under another name; ARM's own shape: test/arm/registries.test.ts.
    expect([...map.actions].sort()).toEqual([
      'repositories/orders/api/content/read',
      'repositories/orders/api/metadata/read',
    ])
    const token = json(
      await az([
        'acr',
        'token',
        'create',
        '-r',
        'contosoacr',
        '-n',
        'orders-token',
        '--scope-map',
        'orders-read',
        '-o',
        'json',
      ]),
    )
    expect(token).toMatchObject({ name: 'orders-token', status: 'enabled', provisioningState: 'Succeeded' })
    // az followed the Azure-AsyncOperation of each 201 (the PUTs of the scope map and the token).
    const polled = sim.eventBus
      .recent({ service: 'arm', type: 'request.completed', limit: 5000 })
      .map((e) => String(e.data.path))
      .filter((p) => p.includes('/operationStatuses/'))
    expect(polled.some((p) => /\/scopeMaps\/orders-read\/operationStatuses\/scopemaps-/.test(p))).toBe(true)
    expect(polled.some((p) => /\/tokens\/orders-token\/operationStatuses\/tokens-/.test(p))).toBe(true)
    const passwords = token.credentials.passwords as { name: string; value: string }[]
    expect(passwords.map((p) => p.name).sort()).toEqual(['password1', 'password2'])
    const env = isolatedEnv({}, { base: 'inherit' })
    const creds = `orders-token:${passwords[0]!.value}`
    const dir = certDir(sim)
    const ok = await run(
      '/usr/bin/skopeo',
      ['list-tags', '--cert-dir', dir, '--creds', creds, `docker://${loginServer()}/orders/api`],
      env,
    )
    expect(ok.code, ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout).Tags).toContain('latest')
    const refused = await run(
      '/usr/bin/skopeo',
      ['list-tags', '--cert-dir', dir, '--creds', creds, `docker://${loginServer()}/samples/nginx`],
      env,
    )
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/authentication required|unauthorized/i)
  })

  it('az acr credential show refuses while the admin user is disabled, then works after az acr update --admin-enabled true', async () => {
    const before = await az(['acr', 'credential', 'show', '-n', 'contosoacr', '-o', 'json'])
    expect(before.code).not.toBe(0)
    // az reads adminUserEnabled from the registry first and refuses on its own.
    expect(before.stderr).toContain(
      "Run 'az acr update -n contosoacr --admin-enabled true' to enable admin first.",
    )
    const updated = json(
      await az(['acr', 'update', '-n', 'contosoacr', '--admin-enabled', 'true', '-o', 'json']),
    )
    expect(updated.adminUserEnabled).toBe(true)
    const creds = json(await az(['acr', 'credential', 'show', '-n', 'contosoacr', '-o', 'json']))
    expect(creds.username).toBe('contosoacr')
    expect(creds.passwords.map((p: { name: string }) => p.name)).toEqual(['password', 'password2'])
  })
})
