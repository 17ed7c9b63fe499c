/**
 * Microsoft.Resources' own paths, as the Azure CLI calls them to sign in and look around: tenants,
 * subscriptions filtered by the caller's role assignments, resource groups authorized per group,
 * providers with the api-versions `az resource show` picks from, and provider registration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { armToken } from '../client/helpers.js'
import { ALICE, BOB, startTestSimulator } from '../helpers/sim.js'
import { RG, SUB, arm, authorizationFailed, expectArmError } from './helpers.js'

const RES = 'api-version=2022-09-01'
const SUBS = 'api-version=2022-12-01'

let sim: Simulator
let alice: string
let bob: string
let app: string

beforeAll(async () => {
  sim = await startTestSimulator()
  ;[alice, bob] = await Promise.all([armToken(sim, ALICE), armToken(sim, BOB)])
  // An app with no role assignment anywhere: the webhook's own identity, by client credentials.
  const webhook = sim.endpoints.directory.applications.find((a) => a.name === 'aks-webhook')!
  const res = await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: webhook.appId,
      client_secret: webhook.secret!,
      scope: 'https://management.azure.com/.default',
    }).toString(),
  })
  app = ((await res.json()) as { access_token: string }).access_token
})
afterAll(() => sim.stop())

describe('tenants and subscriptions', () => {
  it('lists the tenant, as GetTenants.json shapes it', async () => {
    const res = await arm(sim, 'GET', `/tenants?${SUBS}`, { token: app })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      value: [
        {
          id: `/tenants/${sim.endpoints.tenantId}`,
          tenantId: sim.endpoints.tenantId,
          countryCode: 'US',
          displayName: sim.directory.tenant.displayName,
          domains: ['contoso.onmicrosoft.com'],
          tenantCategory: 'Home',
          defaultDomain: 'contoso.onmicrosoft.com',
          tenantType: 'AAD',
        },
      ],
    })
  })

  it('lists the subscription to a caller with a role assignment at or below it, and to nobody else', async () => {
    const subscription = {
      id: `/subscriptions/${SUB}`,
      subscriptionId: SUB,
      tenantId: sim.endpoints.tenantId,
      displayName: 'Azure subscription 1',
      state: 'Enabled',
      authorizationSource: 'RoleBased',
    }
    for (const token of [alice, bob]) {
      const res = await arm(sim, 'GET', `/subscriptions?${SUBS}`, { token })
      expect(res.body.value).toEqual([expect.objectContaining(subscription)])
      expect((await arm(sim, 'GET', `/subscriptions/${SUB}?${SUBS}`, { token })).body).toMatchObject(
        subscription,
      )
    }
    expect((await arm(sim, 'GET', `/subscriptions?${SUBS}`, { token: app })).body).toEqual({
      value: [],
      count: { type: 'Total', value: 0 },
    })
    expectArmError(
      await arm(sim, 'GET', `/subscriptions/${SUB}?${SUBS}`, { token: app }),
      404,
      'SubscriptionNotFound',
      `The subscription '${SUB}' could not be found.`,
    )
    expectArmError(
      await arm(sim, 'GET', `/subscriptions/not-a-guid?${SUBS}`, { token: bob }),
      400,
      'InvalidSubscriptionId',
    )
    expectArmError(await arm(sim, 'GET', `/subscriptions`, { token: bob }), 400, 'MissingApiVersionParameter')
    expectArmError(
      await arm(sim, 'DELETE', `/subscriptions/${SUB}?${SUBS}`, { token: bob }),
      405,
      'MethodNotAllowed',
    )
  })
})

describe('resource groups', () => {
  it('shows a group to a caller who may read it, and refuses others before looking it up', async () => {
    const list = await arm(sim, 'GET', `/subscriptions/${SUB}/resourcegroups?${RES}`, { token: alice })
    expect(list.body.value).toEqual([
      {
        id: `/subscriptions/${SUB}/resourceGroups/${RG}`,
        name: RG,
        type: 'Microsoft.Resources/resourceGroups',
        location: 'eastus',
        properties: { provisioningState: 'Succeeded' },
      },
    ])
    expect(
      (await arm(sim, 'GET', `/subscriptions/${SUB}/resourceGroups/${RG}?${RES}`, { token: alice })).status,
    ).toBe(200)
    expect(
      (await arm(sim, 'HEAD', `/subscriptions/${SUB}/resourceGroups/${RG}?${RES}`, { token: alice })).status,
    ).toBe(204)
    expect(
      (await arm(sim, 'GET', `/subscriptions/${SUB}/resourcegroups?${RES}`, { token: bob })).body.value,
    ).toEqual([])
    const bobOid = sim.directory.user(BOB)!.id
    expectArmError(
      await arm(sim, 'GET', `/subscriptions/${SUB}/resourceGroups/rg-other?${RES}`, { token: bob }),
      403,
      'AuthorizationFailed',
      authorizationFailed(
        BOB,
        bobOid,
        'Microsoft.Resources/subscriptions/resourceGroups/read',
        `/subscriptions/${SUB}/resourceGroups/rg-other`,
      ),
    )
    // A Reader of the subscription may read any group: one that does not exist is then not found.
    const a = sim.azureRbac!.createRoleAssignment({
      principalId: sim.directory.user(ALICE)!.id,
      roleDefinitionId: sim.azureRbac!.roleDefinition('Reader')!.id,
      scope: `/subscriptions/${SUB}`,
    })
    try {
      expectArmError(
        await arm(sim, 'GET', `/subscriptions/${SUB}/resourceGroups/rg-other?${RES}`, { token: alice }),
        404,
        'ResourceGroupNotFound',
        "Resource group 'rg-other' could not be found.",
      )
    } finally {
      sim.azureRbac!.deleteRoleAssignment(a.id)
    }
  })
})

describe('providers', () => {
  it('lists the namespaces the simulator serves, with their types and api-versions', async () => {
    const res = await arm(sim, 'GET', `/subscriptions/${SUB}/providers?${RES}`, { token: bob })
    expect(res.body.value.map((p: { namespace: string }) => p.namespace)).toEqual([
      'Microsoft.Authorization',
      'Microsoft.ContainerService',
      'Microsoft.ManagedIdentity',
      'Microsoft.ContainerRegistry',
    ])
    const aks = await arm(sim, 'GET', `/subscriptions/${SUB}/providers/microsoft.containerservice?${RES}`, {
      token: bob,
    })
    expect(aks.body).toMatchObject({
      id: `/subscriptions/${SUB}/providers/Microsoft.ContainerService`,
      namespace: 'Microsoft.ContainerService',
      registrationState: 'Registered',
      resourceTypes: [
        expect.objectContaining({
          resourceType: 'managedClusters',
          locations: ['eastus'],
          apiVersions: expect.arrayContaining(['2024-09-01']),
        }),
      ],
    })
    expectArmError(
      await arm(sim, 'GET', `/subscriptions/${SUB}/providers/Microsoft.Nope?${RES}`, { token: bob }),
      404,
      'InvalidResourceNamespace',
      "The resource namespace 'Microsoft.Nope' is invalid.",
    )
    expectArmError(
      await arm(sim, 'GET', `/subscriptions/${SUB}/providers?${RES}`, { token: app }),
      404,
      'SubscriptionNotFound',
    )
  })

  it('registers a namespace for a caller with {namespace}/register/action at the subscription', async () => {
    const path = `/subscriptions/${SUB}/providers/Microsoft.ContainerService/register?${RES}`
    expectArmError(
      await arm(sim, 'POST', path, { token: bob }),
      403,
      'AuthorizationFailed',
      authorizationFailed(
        BOB,
        sim.directory.user(BOB)!.id,
        'Microsoft.ContainerService/register/action',
        `/subscriptions/${SUB}`,
      ),
    )
    const owner = sim.azureRbac!.roleDefinition('Contributor')!
    const a = sim.azureRbac!.createRoleAssignment({
      principalId: sim.directory.user(BOB)!.id,
      roleDefinitionId: owner.id,
      scope: `/subscriptions/${SUB}`,
    })
    try {
      const res = await arm(sim, 'POST', path, { token: bob })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        namespace: 'Microsoft.ContainerService',
        registrationState: 'Registered',
      })
    } finally {
      sim.azureRbac!.deleteRoleAssignment(a.id)
    }
  })
})
