/**
 * The mock ARM with bad input: missing or wrong tokens, api-version problems, malformed paths, unknown
 * resources and methods — each answered with ARM's status and error code, never a 5xx — plus a
 * property test that random requests never get a 5xx and never an admin kubeconfig without the role.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_WEBHOOK_SECRET, type Simulator } from '../../src/index.js'
import { ALICE, BOB, startTestSimulator } from '../helpers/sim.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { armAppToken, armToken } from '../client/helpers.js'
import { API, CLUSTER_PATH, RG, SUB, arm, authorizationFailed, expectArmError } from './helpers.js'

let sim: Simulator
let bob: string
let alice: string
let app: string
let appId: string
let appOid: string
beforeAll(async () => {
  sim = await startTestSimulator()
  const webhookApp = sim.endpoints.directory.applications.find((a) => a.name === 'aks-webhook')!
  appId = webhookApp.appId
  appOid = webhookApp.servicePrincipalId
  ;[bob, alice, app] = await Promise.all([
    armToken(sim, BOB),
    armToken(sim, ALICE),
    armAppToken(sim, appId, DEMO_WEBHOOK_SECRET),
  ])
})
afterAll(() => sim.stop())

describe('authentication', () => {
  it('answers a missing Authorization header with AuthenticationFailed and a WWW-Authenticate challenge', async () => {
    const res = await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`)
    expectArmError(
      res,
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
    )
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer authorization_uri="https:\/\/[^"]+\/", error="invalid_token"/,
    )
  })

  it('refuses other schemes and malformed tokens', async () => {
    expectArmError(
      await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`, { authorization: 'Basic Ym9iOnB3' }),
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    )
    for (const token of ['not-a-jwt', 'a.b.c', `${bob}x`, bob.split('.').slice(0, 2).join('.') + '.'])
      expectArmError(
        await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`, { token }),
        401,
        'InvalidAuthenticationToken',
        'The access token is invalid.',
      )
  })

  it('refuses a token for another audience (the AKS server app) with the allowed audiences', async () => {
    const aks = await deviceCodeToken(sim, BOB)
    expectArmError(
      await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`, { token: aks }),
      401,
      'InvalidAuthenticationTokenAudience',
      "The access token has been obtained for wrong audience or resource '6dae42f8-4368-4678-94ff-3960e28e3630'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
    )
  })

  it('refuses a token signed by another simulator (keys it never published)', async () => {
    const other = await startTestSimulator()
    try {
      const foreign = await armToken(other, BOB)
      expectArmError(
        await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`, { token: foreign }),
        401,
        'InvalidAuthenticationToken',
      )
    } finally {
      await other.stop()
    }
  })

  it('refuses an expired token with both times in .NET’s format', async () => {
    const aged = await startTestSimulator()
    try {
      const token = await armToken(aged, BOB)
      aged.advanceClock(2 * 3600)
      expectArmError(
        await arm(aged, 'GET', `${CLUSTER_PATH}?${API}`, { token }),
        401,
        'ExpiredAuthenticationToken',
        /^The access token expiry UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d [AP]M' is earlier than current UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d [AP]M'\.$/,
      )
    } finally {
      await aged.stop()
    }
  })
})

describe('api-version', () => {
  it('is required, must be a date version, and must exist for the type', async () => {
    expectArmError(
      await arm(sim, 'GET', CLUSTER_PATH, { token: bob }),
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    )
    for (const v of ['latest', '2024-02-30', '2024-9-01', '2024-09-01-final'])
      expectArmError(
        await arm(sim, 'GET', `${CLUSTER_PATH}?api-version=${v}`, { token: bob }),
        400,
        'InvalidApiVersionParameter',
        new RegExp(`^The api-version '${v}' is invalid\\. The supported versions are '`),
      )
    expectArmError(
      await arm(sim, 'GET', `${CLUSTER_PATH}?api-version=2016-01-01`, { token: bob }),
      400,
      'NoRegisteredProviderFound',
      /^No registered resource provider found for location 'eastus' and API version '2016-01-01' for type 'managedClusters'\./,
    )
    expectArmError(
      await arm(sim, 'GET', `${CLUSTER_PATH}?api-version=2024-09-01&api-version=2024-05-01`, { token: bob }),
      400,
      'InvalidApiVersionParameter',
    )
    expect(
      (await arm(sim, 'GET', `${CLUSTER_PATH}?api-version=2025-02-02-preview`, { token: bob })).status,
    ).toBe(200)
  })
})

describe('paths, resources and methods', () => {
  it('checks the subscription id, then authorization, then the resource group and cluster', async () => {
    expectArmError(
      await arm(
        sim,
        'GET',
        `/subscriptions/not-a-guid/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-demo?${API}`,
        { token: bob },
      ),
      400,
      'InvalidSubscriptionId',
      "The provided subscription identifier 'not-a-guid' is malformed or invalid.",
    )
    const otherSub = '11111111-2222-3333-4444-555555555555'
    expectArmError(
      await arm(
        sim,
        'GET',
        `/subscriptions/${otherSub}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-demo?${API}`,
        { token: bob },
      ),
      404,
      'SubscriptionNotFound',
      `The subscription '${otherSub}' could not be found.`,
    )
    // Without access to the group, ARM cannot say whether it exists: "or the scope is invalid".
    const missingRg = `/subscriptions/${SUB}/resourceGroups/rg-missing/providers/Microsoft.ContainerService/managedClusters/aks-demo`
    expectArmError(
      await arm(sim, 'GET', `${missingRg}?${API}`, { token: app }),
      403,
      'AuthorizationFailed',
      authorizationFailed(appId, appOid, 'Microsoft.ContainerService/managedClusters/read', missingRg),
    )
    const owner = sim.azureRbac!.createRoleAssignment({
      principalId: appOid,
      roleDefinitionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      scope: `/subscriptions/${SUB}`,
    })
    try {
      expectArmError(
        await arm(sim, 'GET', `${missingRg}?${API}`, { token: app }),
        404,
        'ResourceGroupNotFound',
        "Resource group 'rg-missing' could not be found.",
      )
      expectArmError(
        await arm(
          sim,
          'POST',
          `${CLUSTER_PATH.replace(/aks-demo$/, 'aks-nope')}/listClusterUserCredential?${API}`,
          { token: app },
        ),
        404,
        'ResourceNotFound',
        "The Resource 'Microsoft.ContainerService/managedClusters/aks-nope' under resource group 'rg-aks-demo' was not found.",
      )
      // Owner's `*` includes the credential actions (but no dataActions).
      expect(
        (await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterAdminCredential?${API}`, { token: app })).status,
      ).toBe(200)
    } finally {
      sim.azureRbac!.deleteRoleAssignment(owner.id)
    }
  })

  it('answers unknown namespaces, types, routes and methods as ARM does', async () => {
    expectArmError(
      await arm(
        sim,
        'GET',
        `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Nope/things/x?${API}`,
        { token: bob },
      ),
      404,
      'InvalidResourceNamespace',
      "The resource namespace 'Microsoft.Nope' is invalid.",
    )
    expectArmError(
      await arm(
        sim,
        'GET',
        `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/fleets/x?${API}`,
        { token: bob },
      ),
      404,
      'InvalidResourceType',
      "The resource type 'fleets' could not be found in the namespace 'Microsoft.ContainerService' for api version '2024-09-01'.",
    )
    expectArmError(
      await arm(sim, 'POST', `${CLUSTER_PATH}/rotateClusterCertificates?${API}`, { token: bob }),
      404,
      'InvalidResourceType',
    )
    expectArmError(await arm(sim, 'GET', `/foo/bar?${API}`, { token: bob }), 404, 'NotFound')
    expectArmError(
      await arm(sim, 'DELETE', `${CLUSTER_PATH}?${API}`, { token: bob }),
      405,
      'MethodNotAllowed',
      "The requested resource does not support http method 'DELETE'.",
    )
    expectArmError(
      await arm(sim, 'GET', `${CLUSTER_PATH}/listClusterUserCredential?${API}`, { token: bob }),
      405,
      'MethodNotAllowed',
    )
  })

  it('accepts ARM paths case-insensitively and keeps the caller’s casing in messages', async () => {
    const upper = CLUSTER_PATH.replace('resourceGroups', 'RESOURCEGROUPS').replace(
      'managedClusters',
      'ManagedClusters',
    )
    expect((await arm(sim, 'POST', `${upper}/listclusterusercredential?${API}`, { token: bob })).status).toBe(
      200,
    )
    const res = await arm(sim, 'POST', `${upper}/listClusterAdminCredential?${API}`, { token: bob })
    expect(res.body.error.message).toContain(`over scope '${upper}'`)
  })
})

describe('random requests (property)', () => {
  const segment = fc.oneof(
    fc.constantFrom(
      'subscriptions',
      SUB,
      'resourceGroups',
      RG,
      'providers',
      'Microsoft.ContainerService',
      'managedClusters',
      'aks-demo',
      'listClusterAdminCredential',
      'listClusterUserCredential',
      'Microsoft.Authorization',
      'roleAssignments',
      'roleDefinitions',
      '',
    ),
    fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
    fc.constantFrom('%', '%zz', '..', '%2F', 'ü'),
  )
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path: fc.array(segment, { minLength: 0, maxLength: 10 }).map((s) => `/${s.join('/')}`),
    query: fc.constantFrom(
      '',
      `?${API}`,
      '?api-version=2022-04-01',
      '?api-version=',
      '?api-version=x&$filter=%27',
      '?$filter=atScope()',
    ),
    body: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 40 })), { nil: undefined }),
    who: fc.constantFrom('bob', 'alice', 'none', 'junk'),
  })

  it('never answers 5xx, always in ARM’s error shape, and never gives bob an admin kubeconfig', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const auth =
          r.who === 'none'
            ? {}
            : r.who === 'junk'
              ? { authorization: 'Bearer x.y.z' }
              : { token: r.who === 'bob' ? bob : alice }
        const res = await arm(sim, r.method, `${r.path}${r.query}`, {
          ...auth,
          ...(r.body !== undefined && r.method !== 'GET' && { rawBody: r.body }),
        })
        expect(res.status, `${r.method} ${r.path}${r.query} → ${JSON.stringify(res.body)}`).toBeLessThan(500)
        if (res.status >= 400) {
          expect(Object.keys(res.body)).toEqual(['error'])
          expect(typeof res.body.error.code).toBe('string')
          expect(typeof res.body.error.message).toBe('string')
        }
        if (r.who === 'bob' && res.status === 200 && /listclusteradmincredential/i.test(r.path))
          expect.fail('bob got admin credentials')
      }),
      { numRuns: 300 },
    )
    // The role assignments the property may have created are the app's only if it had rights; neither
    // bob nor alice may write role assignments, so the demo's 13 (7, issue 17's 5 registry
    // assignments and the kubelet identity's AcrPull) are unchanged.
    expect(sim.azureRbac!.roleAssignments()).toHaveLength(13)
  })
})
