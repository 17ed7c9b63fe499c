/**
 * Custom role definitions over the mock ARM (Microsoft.Authorization/roleDefinitions PUT/GET/DELETE/
 * list): the shape of azure-rest-api-specs 2022-04-01, ARM's error codes and texts, who may write them,
 * their use in role assignments (assignable scopes) and in ARM's own authorization, and their survival
 * across a restart.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { armToken } from '../client/helpers.js'
import { ALICE, BOB, FRANK, startTestSimulator } from '../helpers/sim.js'
import { API, CLUSTER_PATH, RA_API, SUB, arm, authorizationFailed, expectArmError } from './helpers.js'

const SUB_SCOPE = `/subscriptions/${SUB}`
const RG_SCOPE = `${SUB_SCOPE}/resourceGroups/rg-aks-demo`
const rdPath = (scope: string, id?: string) =>
  `${scope}/providers/Microsoft.Authorization/roleDefinitions${id ? `/${id}` : ''}?${RA_API}`
const raPath = (scope: string, name: string) =>
  `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${RA_API}`
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'

const definition = (roleName: string, p: Record<string, string[]>, assignableScopes = [RG_SCOPE]) => ({
  properties: {
    roleName,
    description: `${roleName} (test)`,
    type: 'CustomRole',
    permissions: [{ actions: [], notActions: [], dataActions: [], notDataActions: [], ...p }],
    assignableScopes,
  },
})

let sim: Simulator
let alice: string
let bob: string
let frank: string
let aliceOid: string
let frankOid: string
let bobOid: string
beforeAll(async () => {
  sim = await startTestSimulator()
  const users = sim.endpoints.directory.users
  aliceOid = users.find((u) => u.upn === ALICE)!.oid
  frankOid = users.find((u) => u.upn === FRANK)!.oid
  bobOid = users.find((u) => u.upn === BOB)!.oid
  sim.azureRbac!.createRoleAssignment({ principalId: aliceOid, roleDefinitionId: OWNER, scope: SUB_SCOPE })
  ;[alice, bob, frank] = await Promise.all([armToken(sim, ALICE), armToken(sim, BOB), armToken(sim, FRANK)])
})
afterAll(() => sim.stop())

describe('custom role definitions over ARM', () => {
  it('creates one (201, the spec shape), reads it, lists it by name and by type, and its actions authorize ARM calls', async () => {
    const id = randomUUID()
    const body = definition('Cluster credential reader', {
      actions: [
        'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
        'Microsoft.ContainerService/managedClusters/read',
      ],
    })
    const listUser = () =>
      arm(sim, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}`, { token: frank })
    expect((await listUser()).status).toBe(403)

    const put = await arm(sim, 'PUT', rdPath(RG_SCOPE, id), { token: alice, body })
    expect(put.status, JSON.stringify(put.body)).toBe(201)
    expect(put.body).toEqual({
      id: `${SUB_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${id}`,
      name: id,
      type: 'Microsoft.Authorization/roleDefinitions',
      properties: {
        ...body.properties,
        createdOn: expect.any(String),
        updatedOn: expect.any(String),
        createdBy: aliceOid,
        updatedBy: aliceOid,
      },
    })
    expect((await arm(sim, 'GET', rdPath(SUB_SCOPE, id), { token: alice })).body).toEqual(put.body)
    const byName = await arm(
      sim,
      'GET',
      `${rdPath(RG_SCOPE)}&$filter=roleName eq 'cluster CREDENTIAL reader'`,
      {
        token: frank,
      },
    )
    expect(byName.status).toBe(403) // frank cannot read role definitions yet (no role at all)
    const custom = await arm(sim, 'GET', `${rdPath(RG_SCOPE)}&$filter=type eq 'CustomRole'`, { token: alice })
    expect(custom.body.value.map((d: { name: string }) => d.name)).toContain(id)
    expect(custom.body.value.every((d: any) => d.properties.type === 'CustomRole')).toBe(true)
    // Assignable at the resource group: not offered at the subscription.
    const atSub = await arm(sim, 'GET', `${rdPath(SUB_SCOPE)}&$filter=type eq 'CustomRole'`, { token: alice })
    expect(atSub.body.value.map((d: { name: string }) => d.name)).not.toContain(id)

    const assignment = randomUUID()
    const grant = await arm(sim, 'PUT', raPath(CLUSTER_PATH, assignment), {
      token: alice,
      body: { properties: { roleDefinitionId: put.body.id, principalId: frankOid } },
    })
    expect(grant.status, JSON.stringify(grant.body)).toBe(201)
    expect((await listUser()).status).toBe(200)

    // Still assigned: ARM refuses to delete the role.
    expectArmError(
      await arm(sim, 'DELETE', rdPath(SUB_SCOPE, id), { token: alice }),
      409,
      'RoleDefinitionHasAssignments',
      'There are existing role assignments referencing role',
    )
    expect((await arm(sim, 'DELETE', raPath(CLUSTER_PATH, assignment), { token: alice })).status).toBe(200)
    expect((await listUser()).status).toBe(403)
    const del = await arm(sim, 'DELETE', rdPath(SUB_SCOPE, id), { token: alice })
    expect(del.status).toBe(200)
    expect(del.body).toEqual(put.body)
    expect((await arm(sim, 'DELETE', rdPath(SUB_SCOPE, id), { token: alice })).status).toBe(204)
    expectArmError(
      await arm(sim, 'GET', rdPath(SUB_SCOPE, id), { token: alice }),
      404,
      'RoleDefinitionDoesNotExist',
    )
  })

  it('a second PUT of the same id replaces the definition (201 again, createdOn kept)', async () => {
    const id = randomUUID()
    const first = await arm(sim, 'PUT', rdPath(RG_SCOPE, id), {
      token: alice,
      body: definition('Replaced role', { actions: ['Microsoft.ContainerService/managedClusters/read'] }),
    })
    const second = await arm(sim, 'PUT', rdPath(RG_SCOPE, id), {
      token: alice,
      body: definition('Replaced role v2', { actions: ['Microsoft.ContainerRegistry/registries/read'] }),
    })
    expect(second.status).toBe(201)
    expect(second.body.properties).toMatchObject({
      roleName: 'Replaced role v2',
      createdOn: first.body.properties.createdOn,
      permissions: [expect.objectContaining({ actions: ['Microsoft.ContainerRegistry/registries/read'] })],
    })
  })

  it("answers ARM's errors: same name, unknown or misplaced actions, a built-in id, bad assignable scopes", async () => {
    const put = (body: unknown, id = randomUUID()) =>
      arm(sim, 'PUT', rdPath(RG_SCOPE, id), { token: alice, body })
    expectArmError(
      await put(definition('Owner', { actions: ['Microsoft.ContainerService/managedClusters/read'] })),
      409,
      'RoleDefinitionWithSameNameExists',
      'A role definition cannot be updated with a name that already exists.',
    )
    expectArmError(
      await put(definition('Bad action', { actions: ['Microsoft.Nowhere/things/read'] })),
      400,
      'InvalidActionOrNotAction',
      "'Microsoft.Nowhere/things/read' does not match any of the actions supported by the providers.",
    )
    // A data action in `actions` is refused, and the other way round.
    expectArmError(
      await put(
        definition('Data as action', {
          actions: ['Microsoft.ContainerRegistry/registries/repositories/content/read'],
        }),
      ),
      400,
      'InvalidActionOrNotAction',
      "'Microsoft.ContainerRegistry/registries/repositories/content/read' does not match any of the actions supported by the providers.",
    )
    expectArmError(
      await put(
        definition('Action as data', { dataActions: ['Microsoft.ContainerRegistry/registries/pull/read'] }),
      ),
      400,
      'InvalidDataActionOrNotDataAction',
      "'Microsoft.ContainerRegistry/registries/pull/read' does not match any of the actions supported by the providers.",
    )
    expectArmError(
      await put(definition('Built-in id', { actions: ['*/read'] }), OWNER),
      400,
      'RoleDefinitionUpdateNotPermitted',
    )
    expectArmError(
      await put(definition('Root', { actions: ['*/read'] }, ['/'])),
      400,
      'InvalidAssignableScopes',
    )
    expectArmError(await put(definition('None', { actions: ['*/read'] }, [])), 400, 'InvalidAssignableScopes')
    expectArmError(
      await put(
        definition('Missing group', { actions: ['*/read'] }, [`${SUB_SCOPE}/resourceGroups/rg-nowhere`]),
      ),
      404,
      'ResourceGroupNotFound',
    )
    expectArmError(await put({ properties: { roleName: 'x', permissions: 'no' } }), 400, 'BadRequest')
    expectArmError(await put([1, 2]), 400, 'BadRequest')
    expectArmError(
      await arm(sim, 'GET', `${rdPath(SUB_SCOPE)}&$filter=roleType eq 'x'`, { token: alice }),
      400,
      'InvalidFilterInQueryString',
    )
  })

  it('only Owner or User Access Administrator writes them, at the URI scope and every assignable scope', async () => {
    const id = randomUUID()
    const body = definition('Bob role', { actions: ['Microsoft.ContainerService/managedClusters/read'] })
    const action = 'Microsoft.Authorization/roleDefinitions/write'
    expectArmError(
      await arm(sim, 'PUT', rdPath(RG_SCOPE, id), { token: bob, body }),
      403,
      'AuthorizationFailed',
      authorizationFailed(BOB, bobOid, action, RG_SCOPE),
    )
    expectArmError(
      await arm(sim, 'DELETE', rdPath(RG_SCOPE, id), { token: bob }),
      403,
      'AuthorizationFailed',
      authorizationFailed(BOB, bobOid, 'Microsoft.Authorization/roleDefinitions/delete', RG_SCOPE),
    )
    // User Access Administrator on the resource group only: not enough for a subscription-wide role.
    sim.azureRbac!.createRoleAssignment({
      principalId: bobOid,
      roleDefinitionId: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
      scope: RG_SCOPE,
    })
    expect((await arm(sim, 'PUT', rdPath(RG_SCOPE, id), { token: bob, body })).status).toBe(201)
    expectArmError(
      await arm(sim, 'PUT', rdPath(RG_SCOPE, randomUUID()), {
        token: bob,
        body: definition('Bob wide role', { actions: ['*/read'] }, [RG_SCOPE, SUB_SCOPE]),
      }),
      403,
      'AuthorizationFailed',
      authorizationFailed(BOB, bobOid, action, SUB_SCOPE),
    )
  })

  it('a custom role cannot be assigned outside its assignable scopes', async () => {
    const id = randomUUID()
    const put = await arm(sim, 'PUT', rdPath(RG_SCOPE, id), {
      token: alice,
      body: definition('Group-only role', { actions: ['Microsoft.ContainerService/managedClusters/read'] }),
    })
    expect(put.status).toBe(201)
    expectArmError(
      await arm(sim, 'PUT', raPath(SUB_SCOPE, randomUUID()), {
        token: alice,
        body: { properties: { roleDefinitionId: put.body.id, principalId: frankOid } },
      }),
      400,
      'InvalidScope',
    )
  })
})

describe('custom role definitions across a restart', () => {
  it('keeps the definition and the assignment that uses it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'arm-rd-restart-'))
    let s = await startTestSimulator({ stateDir })
    const id = randomUUID()
    try {
      const oid = s.endpoints.directory.users.find((u) => u.upn === ALICE)!.oid
      s.azureRbac!.createRoleAssignment({ principalId: oid, roleDefinitionId: OWNER, scope: SUB_SCOPE })
      const token = await armToken(s, ALICE)
      const put = await arm(s, 'PUT', rdPath(SUB_SCOPE, id), {
        token,
        body: definition(
          'Persistent role',
          { actions: ['Microsoft.ContainerService/managedClusters/read'] },
          [SUB_SCOPE],
        ),
      })
      expect(put.status).toBe(201)
      const fOid = s.endpoints.directory.users.find((u) => u.upn === FRANK)!.oid
      const ra = await arm(s, 'PUT', raPath(CLUSTER_PATH, randomUUID()), {
        token,
        body: { properties: { roleDefinitionId: put.body.id, principalId: fOid } },
      })
      expect(ra.status).toBe(201)
      await s.stop()
      s = await startTestSimulator({ stateDir })
      const after = await arm(s, 'GET', rdPath(SUB_SCOPE, id), { token: await armToken(s, ALICE) })
      expect(after.body).toEqual(put.body)
      const frankToken = await armToken(s, FRANK)
      expect((await arm(s, 'GET', `${CLUSTER_PATH}?${API}`, { token: frankToken })).status).toBe(200)
    } finally {
      await s.stop()
    }
  })
})
