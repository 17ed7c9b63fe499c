/**
 * Microsoft.ManagedIdentity on the mock ARM around the resources themselves, with the real
 * `ManagedServiceIdentityClient` (@azure/arm-msi) and real @azure/identity credentials (a confidential
 * client, and people signing in with the device code flow): Azure RBAC with the provider's action
 * names, checked before anything is looked up; 404s for subscription and resource group; api-version;
 * routing, headers and body errors; faults. What the SDK cannot send goes over plain HTTPS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { DAVE, FRANK } from '../helpers/sim.js'
import { RG, SUB, arm, authorizationFailed, expectArmError } from './helpers.js'
import {
  ORDERS,
  oid,
  props,
  MSI_API,
  ROLES,
  UAMI,
  collect,
  expectRestError,
  ficPath,
  grant,
  identityPath,
  msiClient,
  userCredential,
  startMsiFixture,
} from './managed-identities.helpers.js'

type Fixture = Awaited<ReturnType<typeof startMsiFixture>>

let sim: Simulator
let app: Fixture['app']
let client: Fixture['client']
let appToken: string
let fixture: Fixture
beforeAll(async () => {
  fixture = await startMsiFixture((sim) => [grant(sim, oid(sim, DAVE), ROLES.operator)])
  ;({ sim, app, client, appToken } = fixture)
})
afterAll(() => fixture.stop())

describe('authorization (Azure RBAC before any lookup)', () => {
  it('refuses a caller without a role with AuthorizationFailed naming the action and scope', async () => {
    const frank = msiClient(sim, userCredential(sim, FRANK))
    const frankOid = oid(sim, FRANK)
    const denied = (action: string, scope: string) => authorizationFailed(FRANK, frankOid, action, scope)
    await expectRestError(
      frank.federatedIdentityCredentials.createOrUpdate(RG, ORDERS, 'frank-fic', props('s')),
      403,
      'AuthorizationFailed',
      denied(`${UAMI}/federatedIdentityCredentials/write`, ficPath(ORDERS, 'frank-fic')),
    )
    await expectRestError(
      frank.federatedIdentityCredentials.get(RG, ORDERS, 'aks-demo-dev-orders-api'),
      403,
      'AuthorizationFailed',
      denied(`${UAMI}/federatedIdentityCredentials/read`, ficPath(ORDERS, 'aks-demo-dev-orders-api')),
    )
    await expectRestError(
      collect(frank.federatedIdentityCredentials.list(RG, ORDERS)),
      403,
      'AuthorizationFailed',
      denied(`${UAMI}/federatedIdentityCredentials/read`, identityPath(ORDERS)),
    )
    await expectRestError(
      frank.federatedIdentityCredentials.delete(RG, ORDERS, 'aks-demo-dev-orders-api'),
      403,
      'AuthorizationFailed',
      denied(`${UAMI}/federatedIdentityCredentials/delete`, ficPath(ORDERS, 'aks-demo-dev-orders-api')),
    )
    await expectRestError(
      frank.userAssignedIdentities.get(RG, ORDERS),
      403,
      'AuthorizationFailed',
      denied(`${UAMI}/read`, identityPath(ORDERS)),
    )
    await expectRestError(
      frank.userAssignedIdentities.createOrUpdate(RG, ORDERS, { location: 'eastus' }),
      403,
      'AuthorizationFailed',
      denied(`${UAMI}/write`, identityPath(ORDERS)),
    )
    // Without access ARM cannot say whether the identity exists: 403, not 404.
    await expectRestError(
      frank.federatedIdentityCredentials.get(RG, 'ghost', 'x-fic'),
      403,
      'AuthorizationFailed',
      denied(`${UAMI}/federatedIdentityCredentials/read`, ficPath('ghost', 'x-fic')),
    )
    expect(sim.podIdentity.credentials.list(DEMO_POD_IDENTITY.ordersClientId).map((f) => f.name)).toEqual([
      'aks-demo-dev-orders-api',
    ])
  })

  it('Managed Identity Operator reads credentials but cannot write them', async () => {
    const dave = msiClient(sim, userCredential(sim, DAVE))
    const listed = await collect(dave.federatedIdentityCredentials.list(RG, ORDERS))
    expect(listed.map((f) => f.name)).toEqual(['aks-demo-dev-orders-api'])
    await expectRestError(
      dave.federatedIdentityCredentials.createOrUpdate(RG, ORDERS, 'dave-fic', props('s')),
      403,
      'AuthorizationFailed',
      authorizationFailed(
        DAVE,
        oid(sim, DAVE),
        `${UAMI}/federatedIdentityCredentials/write`,
        ficPath(ORDERS, 'dave-fic'),
      ),
    )
  })

  it('with access, a missing resource group or subscription is a 404 in ARM’s words', async () => {
    const other = '11111111-2222-3333-4444-555555555555'
    await expectRestError(
      msiClient(sim, app.credential, { subscriptionId: other }).userAssignedIdentities.get(RG, ORDERS),
      404,
      'SubscriptionNotFound',
      `The subscription '${other}' could not be found.`,
    )
    // Access at the resource group only: elsewhere ARM cannot tell whether the group exists.
    await expectRestError(
      client.federatedIdentityCredentials.get('rg-missing', ORDERS, 'x-fic'),
      403,
      'AuthorizationFailed',
    )
    const undoSub = grant(sim, app.oid, ROLES.contributor, `/subscriptions/${SUB}`)
    try {
      await expectRestError(
        client.federatedIdentityCredentials.get('rg-missing', ORDERS, 'x-fic'),
        404,
        'ResourceGroupNotFound',
        "Resource group 'rg-missing' could not be found.",
      )
      // The node resource group exists although the scenario does not declare it.
      const node = await client.userAssignedIdentities.get(
        'MC_rg-aks-demo_aks-demo_eastus',
        'aks-demo-agentpool',
      )
      expect(node.clientId).toBe(DEMO_POD_IDENTITY.kubeletClientId)
    } finally {
      undoSub()
    }
  })
})

describe('api-version, routes and faults', () => {
  it('refuses api-versions before federated credentials existed, and malformed ones', async () => {
    const old = msiClient(sim, app.credential, { apiVersion: '2021-09-30-preview' })
    expect((await old.userAssignedIdentities.get(RG, ORDERS)).name).toBe(ORDERS)
    await expectRestError(
      old.federatedIdentityCredentials.get(RG, ORDERS, 'aks-demo-dev-orders-api'),
      400,
      'NoRegisteredProviderFound',
      "No registered resource provider found for location 'eastus' and API version '2021-09-30-preview' for type 'userAssignedIdentities/federatedIdentityCredentials'. The supported api-versions are '2025-05-31-preview, 2025-01-31-preview, 2024-11-30, 2023-07-31-preview, 2023-01-31, 2022-01-31-preview'. The supported locations are 'eastus'.",
    )
    await expectRestError(
      msiClient(sim, app.credential, { apiVersion: 'latest' }).userAssignedIdentities.get(RG, ORDERS),
      400,
      'InvalidApiVersionParameter',
      /^The api-version 'latest' is invalid\. The supported versions are '2025-05-31-preview,/,
    )
    for (const version of ['2022-01-31-preview', '2023-01-31'])
      expect(
        (
          await msiClient(sim, app.credential, { apiVersion: version }).federatedIdentityCredentials.get(
            RG,
            ORDERS,
            'aks-demo-dev-orders-api',
          )
        ).subject,
      ).toBe('system:serviceaccount:dev:orders-api')
    expectArmError(
      await arm(sim, 'GET', ficPath(ORDERS), { token: appToken }),
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    )
  })

  it('routes case-insensitively, echoes the correlation id, and refuses unknown children and methods', async () => {
    const upper = ficPath(ORDERS, 'aks-demo-dev-orders-api')
      .replace('resourceGroups', 'RESOURCEGROUPS')
      .replace('Microsoft.ManagedIdentity', 'microsoft.managedidentity')
      .replace('federatedIdentityCredentials', 'FederatedIdentityCredentials')
    const res = await fetch(`${sim.endpoints.arm as string}${upper}?${MSI_API}`, {
      headers: { authorization: `Bearer ${appToken}`, 'x-ms-correlation-request-id': 'corr-123' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-ms-correlation-request-id')).toBe('corr-123')
    expect(res.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(((await res.json()) as { name: string }).name).toBe('aks-demo-dev-orders-api')
    expectArmError(
      await arm(sim, 'POST', `${ficPath(ORDERS, 'aks-demo-dev-orders-api')}?${MSI_API}`, { token: appToken }),
      405,
      'MethodNotAllowed',
      "The requested resource does not support http method 'POST'.",
    )
    expectArmError(
      await arm(sim, 'POST', `${identityPath(ORDERS)}/revokeTokens?${MSI_API}`, { token: appToken }),
      404,
      'InvalidResourceType',
      "The resource type 'userAssignedIdentities/revokeTokens' could not be found in the namespace 'Microsoft.ManagedIdentity' for api version '2024-11-30'.",
    )
    expectArmError(
      await arm(sim, 'PUT', `${ficPath(ORDERS, 'text-fic')}?${MSI_API}`, {
        token: appToken,
        rawBody: 'issuer=x',
        contentType: 'text/plain',
      }),
      415,
      'UnsupportedMediaType',
    )
    expectArmError(
      await arm(sim, 'PUT', `${ficPath(ORDERS, 'json-fic')}?${MSI_API}`, {
        token: appToken,
        rawBody: '{"properties":',
      }),
      400,
      'InvalidRequestContent',
    )
    expectArmError(
      await arm(sim, 'GET', `${identityPath(ORDERS)}?${MSI_API}`),
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
    )
  })

  it('applies the arm.managedIdentities fault: the SDK retries a 429 after Retry-After; a 503 surfaces', async () => {
    sim.faults.set('arm.managedIdentities', { status: 429, retryAfter: 1, times: 1 })
    expect((await client.federatedIdentityCredentials.get(RG, ORDERS, 'aks-demo-dev-orders-api')).name).toBe(
      'aks-demo-dev-orders-api',
    )
    expect(sim.faults.list()).toEqual([])
    sim.faults.set('arm.managedIdentities', { status: 503, times: 1 })
    await expectRestError(
      msiClient(sim, app.credential, { maxRetries: 0 }).userAssignedIdentities.get(RG, ORDERS),
      503,
      'ServiceUnavailable',
    )
  })
})
