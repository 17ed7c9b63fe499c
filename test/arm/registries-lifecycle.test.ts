/**
 * `PUT`/`DELETE …/Microsoft.ContainerRegistry/registries/{name}` (Registries_Create, Registries_Delete):
 * ARM's shapes and errors, the new registry's own HTTPS listener (login server `127.0.0.1:<port>`, in
 * endpoints.json), its empty storage, checkNameAvailability following it, and — across a restart on
 * the same state directory — the created registry back, a deleted one still gone, with its listener,
 * storage and role assignments.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { demoScenario } from '../../src/scenario/index.js'
import { armToken } from '../client/helpers.js'
import { ALICE, FRANK, startTestSimulator } from '../helpers/sim.js'
import { SUB, arm, authorizationFailed, expectArmError } from './helpers.js'
import { ACR_API, ACR_NS, ROLE, basicToken, registryPath } from './registries.helpers.js'

const NAME = 'teamreg01'
const REG = registryPath(NAME)
const CHECK = `/subscriptions/${SUB}/providers/Microsoft.ContainerRegistry/checkNameAvailability?${ACR_API}`
const ACR_PULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

async function as(sim: Simulator, upn: string) {
  const token = await armToken(sim, upn)
  return (method: string, path: string, body?: unknown) =>
    arm(sim, method, path.includes('?') ? path : `${path}?${ACR_API}`, {
      token,
      ...(body !== undefined && { body }),
    })
}

const oidOf = (sim: Simulator, upn: string) => sim.endpoints.directory.users.find((u) => u.upn === upn)!.oid
const published = (sim: Simulator) =>
  (
    JSON.parse(readFileSync(join(sim.config.stateDir!, 'endpoints.json'), 'utf8')) as {
      registries?: { name: string; loginServer: string }[]
    }
  ).registries ?? []
const nameCheck = async (call: Awaited<ReturnType<typeof as>>) =>
  (await call('POST', CHECK, { name: NAME, type: 'Microsoft.ContainerRegistry/registries' })).body

describe('creating and deleting registries over ARM', () => {
  it('creates a registry with its own listener, keeps it across a restart, deletes it with its role assignments', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'arm-acr-lifecycle-'))
    let sim = await startTestSimulator({ stateDir })
    let loginServer: string
    let password: string
    try {
      const aliceOid = oidOf(sim, ALICE)
      sim.azureRbac!.createRoleAssignment({
        principalId: aliceOid,
        roleDefinitionId: ROLE.contributor,
        scope: `/subscriptions/${SUB}/resourceGroups/rg-aks-demo`,
      })
      // checkNameAvailability is authorized at the subscription.
      sim.azureRbac!.createRoleAssignment({
        principalId: aliceOid,
        roleDefinitionId: ROLE.reader,
        scope: `/subscriptions/${SUB}`,
      })
      const alice = await as(sim, ALICE)
      const frank = await as(sim, FRANK)
      const body = { location: 'East US', sku: { name: 'Basic' }, properties: { adminUserEnabled: true } }

      // Authorization first, even for a registry that does not exist.
      expectArmError(
        await frank('PUT', REG, body),
        403,
        'AuthorizationFailed',
        authorizationFailed(FRANK, oidOf(sim, FRANK), 'Microsoft.ContainerRegistry/registries/write', REG),
      )
      expectArmError(
        await alice('PUT', registryPath('bad-name'), body),
        400,
        'BadRequest',
        'Registry names may contain only alpha numeric characters and must be between 5 and 50 characters',
      )
      expectArmError(await alice('PUT', registryPath('abc'), body), 400, 'BadRequest')
      expectArmError(
        await alice('PUT', REG, { sku: { name: 'Basic' } }),
        400,
        'LocationRequired',
        'The location property is required for this definition.',
      )
      expectArmError(
        await alice('PUT', REG, { location: 'eastus', sku: { name: 'Classic' } }),
        400,
        'BadRequest',
      )
      // ARM authorizes before it looks the resource group up: Contributor on rg-aks-demo says nothing of rg-none.
      expectArmError(
        await alice('PUT', REG.replace('rg-aks-demo', 'rg-none'), body),
        403,
        'AuthorizationFailed',
      )
      expect(await nameCheck(alice)).toEqual({ nameAvailable: true })

      const created = await alice('PUT', REG, body)
      expect(created.status, JSON.stringify(created.body)).toBe(201)
      expect(created.body).toMatchObject({
        id: REG,
        name: NAME,
        type: 'Microsoft.ContainerRegistry/registries',
        location: 'eastus',
        sku: { name: 'Basic', tier: 'Basic' },
        properties: {
          provisioningState: 'Succeeded',
          adminUserEnabled: true,
          anonymousPullEnabled: false,
          roleAssignmentMode: 'LegacyRegistryPermissions',
        },
      })
      loginServer = created.body.properties.loginServer as string
      expect(loginServer).toMatch(/^127\.0\.0\.1:\d+$/)
      const others = sim.endpoints.registries!.filter((r) => r.name !== NAME).map((r) => r.loginServer)
      expect(others).not.toContain(loginServer)
      // The Azure-AsyncOperation az polls.
      const op = created.headers.get('azure-asyncoperation')!
      expect(op).toMatch(new RegExp(`${REG}/operationStatuses/registries-[0-9a-f-]{36}\\?api-version=`))
      const status = await alice('GET', new URL(op).pathname + new URL(op).search)
      expect(status.body).toEqual({ status: 'Succeeded' })
      expectArmError(await alice('GET', `${REG}/operationStatuses/registries-nope`), 404, 'ResourceNotFound')

      // The same PUT again updates it in place.
      const again = await alice('PUT', REG, { ...body, properties: { anonymousPullEnabled: true } })
      expect(again.status).toBe(200)
      expect(again.body.properties).toMatchObject({
        adminUserEnabled: true,
        anonymousPullEnabled: true,
        loginServer,
      })

      const listed = await alice('GET', `${ACR_NS}/registries`)
      expect(listed.body.value.map((r: { name: string }) => r.name)).toContain(NAME)
      expect(await nameCheck(alice)).toMatchObject({ nameAvailable: false, reason: 'AlreadyExists' })
      const entry = sim.endpoints.registries!.find((r) => r.name === NAME)!
      expect(entry).toEqual({
        name: NAME,
        loginServer,
        url: `https://${loginServer}`,
        resourceId: REG,
        roleAssignmentMode: 'LegacyRegistryPermissions',
      })
      expect(published(sim).find((r) => r.name === NAME)?.loginServer).toBe(loginServer)

      // Its data plane: empty, the admin user from ARM may push.
      const catalogRes = await fetch(`https://${loginServer}/v2/`)
      expect(catalogRes.status).toBe(401)
      expect(catalogRes.headers.get('www-authenticate')).toBe(
        `Bearer realm="https://${loginServer}/oauth2/token",service="${loginServer}"`,
      )
      const creds = await alice('POST', `${REG}/listCredentials`)
      password = creds.body.passwords[0].value as string
      const push = await basicToken(sim, NAME, NAME, password, 'repository:demo/app:push,pull')
      expect(push.access).toEqual([
        { type: 'repository', name: 'demo/app', actions: ['push', 'pull', 'metadata_read'] },
      ])
      expect(existsSync(join(stateDir, 'registries', NAME, 'settings.json'))).toBe(true)
      sim.azureRbac!.createRoleAssignment({ principalId: aliceOid, roleDefinitionId: ACR_PULL, scope: REG })
    } finally {
      await sim.stop()
    }

    sim = await startTestSimulator({ stateDir })
    try {
      const alice = await as(sim, ALICE)
      const reg = await alice('GET', REG)
      expect(reg.status, JSON.stringify(reg.body)).toBe(200)
      expect(reg.body.properties).toMatchObject({ adminUserEnabled: true, anonymousPullEnabled: true })
      const entry = sim.endpoints.registries!.find((r) => r.name === NAME)!
      expect(published(sim).map((r) => r.name)).toContain(NAME)
      const again = await basicToken(sim, NAME, NAME, password, 'repository:demo/app:pull')
      expect(again.access).toEqual([
        { type: 'repository', name: 'demo/app', actions: ['pull', 'metadata_read'] },
      ])
      const atScope = () =>
        sim.azureRbac!.roleAssignments().filter((a) => a.scope.toLowerCase() === REG.toLowerCase())
      expect(atScope()).toHaveLength(1)

      const frank = await as(sim, FRANK)
      expectArmError(await frank('DELETE', REG), 403, 'AuthorizationFailed')
      expect((await alice('DELETE', REG)).status).toBe(200)
      expect(atScope()).toHaveLength(0)
      expectArmError(await alice('GET', REG), 404, 'ResourceNotFound')
      expect(sim.endpoints.registries!.map((r) => r.name)).not.toContain(NAME)
      expect(published(sim).map((r) => r.name)).not.toContain(NAME)
      await expect(fetch(`${entry.url}/v2/`)).rejects.toThrow()
      expect(existsSync(join(stateDir, 'registries', NAME))).toBe(false)
      expect(await nameCheck(alice)).toEqual({ nameAvailable: true })
      expect((await alice('DELETE', REG)).status).toBe(204)
      // A scenario registry can go too.
      expect((await alice('DELETE', registryPath('contosoteams'))).status).toBe(200)
    } finally {
      await sim.stop()
    }

    sim = await startTestSimulator({ stateDir })
    try {
      const alice = await as(sim, ALICE)
      expectArmError(await alice('GET', REG), 404, 'ResourceNotFound')
      expectArmError(await alice('GET', registryPath('contosoteams')), 404, 'ResourceNotFound')
      expect(sim.endpoints.registries!.map((r) => r.name)).toEqual(['contosoacr'])
    } finally {
      await sim.stop()
    }
  }, 120_000)
})

describe('a registry name taken in another resource group', () => {
  it('is AlreadyInUse with the service text', async () => {
    const scenario = demoScenario()
    scenario.azure!.resourceGroups!.push({ name: 'rg-other', location: 'westeurope' })
    const sim = await startTestSimulator({ scenario })
    try {
      sim.azureRbac!.createRoleAssignment({
        principalId: oidOf(sim, ALICE),
        roleDefinitionId: ROLE.contributor,
        scope: `/subscriptions/${SUB}`,
      })
      const alice = await as(sim, ALICE)
      const other = registryPath('ContosoACR').replace('rg-aks-demo', 'rg-other')
      expectArmError(
        await alice('PUT', other, { location: 'westeurope', sku: { name: 'Basic' } }),
        400,
        'AlreadyInUse',
        'The registry DNS name contosoacr.azurecr.io is already in use. You can check if the name is already claimed using following API: https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability',
      )
      // Nothing was created in rg-other.
      expect((await alice('GET', `${ACR_NS.replace('rg-aks-demo', 'rg-other')}/registries`)).body).toEqual({
        value: [],
      })
    } finally {
      await sim.stop()
    }
  }, 60_000)
})
