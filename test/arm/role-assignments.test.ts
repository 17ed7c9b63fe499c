/**
 * Microsoft.Authorization/roleAssignments and roleDefinitions on the mock ARM: a principal with
 * Owner grants and revokes access live (frank's credential download flips), with ARM's validation
 * and errors for everything else.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Simulator } from '../../src/index.js'
import { ALICE, BOB, FRANK, startTestSimulator } from '../helpers/sim.js'
import { armToken } from '../client/helpers.js'
import { API, CLUSTER_PATH, RA_API, SUB, arm, authorizationFailed, expectArmError } from './helpers.js'

const CLUSTER_USER = '4abbcc35-e782-43d8-92c5-2d3f1bd2253f'
const roleDef = (guid: string) =>
  `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`
const raPath = (scope: string, name?: string) =>
  `${scope}/providers/Microsoft.Authorization/roleAssignments${name ? `/${name}` : ''}?${RA_API}`

let sim: Simulator
let alice: string
let bob: string
let frank: string
let frankOid: string
let aliceOid: string
beforeAll(async () => {
  sim = await startTestSimulator()
  const users = sim.endpoints.directory.users
  frankOid = users.find((u) => u.upn === FRANK)!.oid
  aliceOid = users.find((u) => u.upn === ALICE)!.oid
  // The workshop facilitator: alice as Owner of the subscription.
  sim.azureRbac!.createRoleAssignment({
    principalId: aliceOid,
    roleDefinitionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    scope: `/subscriptions/${SUB}`,
  })
  ;[alice, bob, frank] = await Promise.all([armToken(sim, ALICE), armToken(sim, BOB), armToken(sim, FRANK)])
})
afterAll(() => sim.stop())

describe('role assignments', () => {
  it('grants, reads, lists and revokes access live', async () => {
    const name = randomUUID()
    const listUser = () =>
      arm(sim, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}`, { token: frank })
    expect((await listUser()).status).toBe(403)

    const put = await arm(sim, 'PUT', raPath(CLUSTER_PATH, name), {
      token: alice,
      body: {
        properties: { roleDefinitionId: roleDef(CLUSTER_USER), principalId: frankOid, principalType: 'User' },
      },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(201)
    expect(put.body).toMatchObject({
      id: `${CLUSTER_PATH}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: {
        roleDefinitionId: roleDef(CLUSTER_USER),
        principalId: frankOid,
        principalType: 'User',
        scope: CLUSTER_PATH,
        createdBy: aliceOid,
        condition: null,
      },
    })
    expect(Date.parse(put.body.properties.createdOn)).not.toBeNaN()
    expect((await listUser()).status).toBe(200)

    const again = await arm(sim, 'PUT', raPath(CLUSTER_PATH, name), {
      token: alice,
      body: { properties: { roleDefinitionId: roleDef(CLUSTER_USER), principalId: frankOid } },
    })
    expect(again.status).toBe(200)
    expect((await arm(sim, 'GET', raPath(CLUSTER_PATH, name), { token: alice })).body).toEqual(put.body)

    const atNamespace = await arm(
      sim,
      'GET',
      `${raPath(`${CLUSTER_PATH}/namespaces/prod`)}&$filter=atScope()`,
      {
        token: alice,
      },
    )
    const names = atNamespace.body.value.map((a: any) => a.name)
    expect(names).toContain(name) // inherited from the cluster
    const forFrank = await arm(
      sim,
      'GET',
      `${raPath(CLUSTER_PATH)}&$filter=${encodeURIComponent(`principalId eq '${frankOid}'`)}`,
      { token: alice },
    )
    // At the cluster, above it, and below it (frank's RBAC Reader on the prod namespace).
    expect(forFrank.body.value.map((a: any) => a.properties.scope).sort()).toEqual(
      [CLUSTER_PATH, `${CLUSTER_PATH}/namespaces/prod`].sort(),
    )

    const del = await arm(sim, 'DELETE', raPath(CLUSTER_PATH, name), { token: alice })
    expect(del.status).toBe(200)
    expect(del.body.name).toBe(name)
    expect((await arm(sim, 'DELETE', raPath(CLUSTER_PATH, name), { token: alice })).status).toBe(204)
    expectArmError(
      await arm(sim, 'GET', raPath(CLUSTER_PATH, name), { token: alice }),
      404,
      'RoleAssignmentNotFound',
      `The role assignment '${name}' is not found.`,
    )
    expect((await listUser()).status).toBe(403)
  })

  it('refuses callers without roleAssignments/write, naming the action', async () => {
    const name = randomUUID()
    const bobOid = sim.endpoints.directory.users.find((u) => u.upn === BOB)!.oid
    expectArmError(
      await arm(sim, 'PUT', raPath(CLUSTER_PATH, name), {
        token: bob,
        body: { properties: { roleDefinitionId: roleDef(CLUSTER_USER), principalId: bobOid } },
      }),
      403,
      'AuthorizationFailed',
      authorizationFailed(BOB, bobOid, 'Microsoft.Authorization/roleAssignments/write', CLUSTER_PATH),
    )
    expectArmError(await arm(sim, 'GET', raPath(CLUSTER_PATH), { token: bob }), 403, 'AuthorizationFailed')
  })

  it('validates the request as ARM does', async () => {
    const put = (
      body: unknown,
      name: string = randomUUID(),
      extra: { contentType?: string; rawBody?: string } = {},
    ) => arm(sim, 'PUT', raPath(CLUSTER_PATH, name), { token: alice, body, ...extra })
    expectArmError(await put({}), 400, 'InvalidCreateRoleAssignmentRequest')
    expectArmError(
      await put({ properties: { principalId: frankOid } }),
      400,
      'InvalidCreateRoleAssignmentRequest',
    )
    expectArmError(
      await put({
        properties: {
          roleDefinitionId: roleDef(CLUSTER_USER),
          principalId: frankOid,
          principalType: 'Robot',
        },
      }),
      400,
      'InvalidCreateRoleAssignmentRequest',
    )
    expectArmError(
      await put(
        { properties: { roleDefinitionId: roleDef(CLUSTER_USER), principalId: frankOid } },
        'not-a-guid',
      ),
      400,
      'InvalidRoleAssignmentId',
    )
    expectArmError(
      await put({ properties: { roleDefinitionId: roleDef(randomUUID()), principalId: frankOid } }),
      400,
      'RoleDefinitionDoesNotExist',
    )
    expectArmError(
      await put({ properties: { roleDefinitionId: roleDef(CLUSTER_USER), principalId: randomUUID() } }),
      400,
      'PrincipalNotFound',
    )
    expectArmError(
      await put({
        properties: {
          roleDefinitionId: roleDef(CLUSTER_USER),
          principalId: frankOid,
          scope: `/subscriptions/${SUB}`,
        },
      }),
      400,
      'InvalidCreateRoleAssignmentRequest',
      /must match the scope specified on the URI/,
    )
    expectArmError(
      await put(undefined, randomUUID(), { rawBody: '{"properties":', contentType: 'application/json' }),
      400,
      'InvalidRequestContent',
    )
    expectArmError(
      await put(undefined, randomUUID(), { rawBody: 'hello', contentType: 'text/plain' }),
      415,
      'UnsupportedMediaType',
    )
    // bob already holds Cluster User Role on the cluster: the same (principal, role, scope) again is a conflict.
    const bobOid = sim.endpoints.directory.users.find((u) => u.upn === BOB)!.oid
    expectArmError(
      await put({ properties: { roleDefinitionId: roleDef(CLUSTER_USER), principalId: bobOid } }),
      409,
      'RoleAssignmentExists',
      'The role assignment already exists.',
    )
    expectArmError(
      await arm(sim, 'GET', `${raPath(CLUSTER_PATH)}&$filter=roleName eq 'x'`, { token: alice }),
      400,
      'UnsupportedQuery',
    )
  })

  it('finds role definitions by name, as az role assignment create does', async () => {
    const res = await arm(
      sim,
      'GET',
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions?${RA_API}&$filter=${encodeURIComponent("roleName eq 'Azure Kubernetes Service Cluster User Role'")}`,
      { token: alice },
    )
    expect(res.status).toBe(200)
    expect(res.body.value).toHaveLength(1)
    expect(res.body.value[0]).toMatchObject({
      id: roleDef(CLUSTER_USER),
      name: CLUSTER_USER,
      properties: { roleName: 'Azure Kubernetes Service Cluster User Role', type: 'BuiltInRole' },
    })
    const one = await arm(
      sim,
      'GET',
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CLUSTER_USER}?${RA_API}`,
      {
        token: alice,
      },
    )
    expect(one.body.name).toBe(CLUSTER_USER)
    expectArmError(
      await arm(
        sim,
        'GET',
        `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}?${RA_API}`,
        { token: alice },
      ),
      404,
      'RoleDefinitionDoesNotExist',
    )
  })
})
