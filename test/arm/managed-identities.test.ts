/**
 * Microsoft.ManagedIdentity on the mock ARM, driven by the real `ManagedServiceIdentityClient`
 * (@azure/arm-msi) with a real @azure/identity credential from the simulator's Entra: identities, the
 * federated identity credential lifecycle, every documented validation error as the SDK's RestError,
 * and paging. Authorization, api-version, routes and faults: managed-identities-access.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { FRANK } from '../helpers/sim.js'
import { RG, SUB, arm, expectArmError } from './helpers.js'
import {
  EXCHANGE_AUDIENCE,
  ORDERS,
  props,
  MSI_API,
  UAMI,
  collect,
  expectRestError,
  ficPath,
  identityPath,
  msiClient,
  userCredential,
  startMsiFixture,
} from './managed-identities.helpers.js'

type Fixture = Awaited<ReturnType<typeof startMsiFixture>>

let sim: Simulator
let client: Fixture['client']
let appToken: string
let fixture: Fixture
beforeAll(async () => {
  fixture = await startMsiFixture()
  ;({ sim, client, appToken } = fixture)
})
afterAll(() => fixture.stop())

describe('user-assigned identities', () => {
  it('gets an identity with its client, principal and tenant ids', async () => {
    const mi = await client.userAssignedIdentities.get(RG, ORDERS)
    expect(mi).toMatchObject({
      id: `/subscriptions/${SUB}/resourcegroups/${RG}/providers/${UAMI}/${ORDERS}`,
      name: ORDERS,
      type: UAMI,
      location: 'eastus',
      clientId: DEMO_POD_IDENTITY.ordersClientId,
      principalId: DEMO_POD_IDENTITY.ordersPrincipalId,
      tenantId: sim.endpoints.tenantId,
      isolationScope: 'None',
    })
  })

  it('lists the identities of a resource group and of the subscription the caller may read', async () => {
    const inGroup = await collect(client.userAssignedIdentities.listByResourceGroup(RG))
    expect(inGroup.map((i) => i.name).sort()).toEqual(['inventory-identity', ORDERS])
    // The grant is on rg-aks-demo: the kubelet identity in the node resource group is not readable.
    const all = await collect(client.userAssignedIdentities.listBySubscription())
    expect(all.map((i) => i.name).sort()).toEqual(['inventory-identity', ORDERS])
    const frank = msiClient(sim, userCredential(sim, FRANK))
    expect(await collect(frank.userAssignedIdentities.listByResourceGroup(RG))).toEqual([])
  })

  it('answers a missing identity with ResourceNotFound, and creation or deletion as unsupported', async () => {
    await expectRestError(
      client.userAssignedIdentities.get(RG, 'ghost'),
      404,
      'ResourceNotFound',
      `The Resource '${UAMI}/ghost' under resource group '${RG}' was not found.`,
    )
    await expectRestError(
      client.userAssignedIdentities.createOrUpdate(RG, 'new-identity', { location: 'eastus' }),
      405,
      'MethodNotAllowed',
      /read-only \(podIdentity\.managedIdentities\); http method 'PUT'/,
    )
    await expectRestError(client.userAssignedIdentities.delete(RG, ORDERS), 405, 'MethodNotAllowed')
    expect((await client.userAssignedIdentities.get(RG, ORDERS)).name).toBe(ORDERS)
  })
})

/** createOrUpdate on orders-api-identity, recording the HTTP statuses when asked. */
const createFic = (name: string, p: Record<string, unknown>, statuses?: number[]) =>
  client.federatedIdentityCredentials.createOrUpdate(RG, ORDERS, name, p, {
    ...(statuses && { onResponse: (r) => void statuses.push(r.status) }),
  })

describe('federated identity credentials', () => {
  it('creates (201), reads, lists, replaces (200) and deletes (200, then 204) a credential', async () => {
    const statuses: number[] = []
    const created = await createFic('sdk-fic', props('system:serviceaccount:a:b'), statuses)
    expect(created).toEqual({
      id: `/subscriptions/${SUB}/resourcegroups/${RG}/providers/${UAMI}/${ORDERS}/federatedIdentityCredentials/sdk-fic`,
      name: 'sdk-fic',
      type: `${UAMI}/federatedIdentityCredentials`,
      issuer: 'https://issuer.example/tenant/abc/',
      subject: 'system:serviceaccount:a:b',
      audiences: [EXCHANGE_AUDIENCE],
    })
    expect(await client.federatedIdentityCredentials.get(RG, ORDERS, 'sdk-fic')).toEqual(created)
    const listed = await collect(client.federatedIdentityCredentials.list(RG, ORDERS))
    expect(listed.map((f) => f.name)).toEqual(['aks-demo-dev-orders-api', 'sdk-fic'])
    // Names compare case-insensitively, as ARM's do: this replaces sdk-fic.
    const replaced = await createFic('SDK-FIC', props('system:serviceaccount:a:c'), statuses)
    expect(replaced).toMatchObject({ name: 'sdk-fic', subject: 'system:serviceaccount:a:c' })
    expect(statuses).toEqual([201, 200])
    // The credential the token exchange reads is the one ARM wrote.
    const stored = sim.podIdentity.credentials.list(DEMO_POD_IDENTITY.ordersClientId).at(-1)!
    expect(stored).toMatchObject({ name: 'sdk-fic', subject: 'system:serviceaccount:a:c' })
    const deletes: number[] = []
    const onResponse = (r: { status: number }) => void deletes.push(r.status)
    await client.federatedIdentityCredentials.delete(RG, ORDERS, 'sdk-fic', { onResponse })
    await client.federatedIdentityCredentials.delete(RG, ORDERS, 'sdk-fic', { onResponse })
    expect(deletes).toEqual([200, 204])
    await expectRestError(
      client.federatedIdentityCredentials.get(RG, ORDERS, 'sdk-fic'),
      404,
      'NotFound',
      "Federated Identity Credential 'sdk-fic' was not found.",
    )
    const events = sim.eventBus.recent({ service: 'arm', limit: 50 }).map((e) => e.type)
    expect(events).toEqual(
      expect.arrayContaining([
        'federated_credential.created',
        'federated_credential.updated',
        'federated_credential.deleted',
      ]),
    )
  })

  it('surfaces each documented validation error as RestError 400 BadRequest, storing nothing', async () => {
    const before = sim.podIdentity.credentials.list(DEMO_POD_IDENTITY.ordersClientId)
    await expectRestError(
      createFic('two-aud', props('s', { audiences: [EXCHANGE_AUDIENCE, 'api://other'] })),
      400,
      'BadRequest',
      'Federated identity credentials must have exactly one audience.',
    )
    await expectRestError(
      createFic('no-aud', props('s', { audiences: [] })),
      400,
      'BadRequest',
      'Federated identity credentials must have exactly one audience.',
    )
    // The scenario's credential already federates dev/orders-api from the cluster's issuer.
    const scenario = sim.podIdentity.credentials.list(DEMO_POD_IDENTITY.ordersClientId)[0]!
    await expectRestError(
      createFic('dup', {
        issuer: scenario.issuer,
        subject: scenario.subject,
        audiences: [EXCHANGE_AUDIENCE],
      }),
      400,
      'BadRequest',
      'Issuer and subject combination already exists for this Managed Identity.',
    )
    const missing =
      "The request format was unexpected. Federated Identity Credential must specify 'issuer', 'subject' and 'audience'."
    await expectRestError(
      createFic('no-subject', { issuer: 'https://i.example/', audiences: [EXCHANGE_AUDIENCE] }),
      400,
      'BadRequest',
      missing,
    )
    await expectRestError(
      createFic('no-audiences', { issuer: 'https://i.example/', subject: 's' }),
      400,
      'BadRequest',
      missing,
    )
    await expectRestError(
      createFic('empty', {}),
      400,
      'BadRequest',
      'Federated Identity Credential from HTTP body has empty properties',
    )
    for (const field of ['issuer', 'subject'] as const)
      await expectRestError(
        createFic(`long-${field}`, props('s', { [field]: `https://x.example/${'a'.repeat(600)}` })),
        400,
        'BadRequest',
        `The '${field}' of the Federated Identity Credential exceeds the maximum length of 600 characters.`,
      )
    expect(sim.podIdentity.credentials.list(DEMO_POD_IDENTITY.ordersClientId)).toEqual(before)
  })

  it('refuses the 21st credential of an identity', async () => {
    const existing = sim.podIdentity.credentials.list(DEMO_POD_IDENTITY.ordersClientId).length
    const names = Array.from({ length: 20 - existing }, (_, i) => `fill-${i}`)
    try {
      for (const n of names) await createFic(n, props(`system:serviceaccount:fill:${n}`))
      await expectRestError(
        createFic('one-too-many', props('system:serviceaccount:fill:x')),
        400,
        'BadRequest',
        `Too many Federated Identity Credentials are written to Managed Identity '${identityPath(ORDERS)}'. The maximum number allowed is 20.`,
      )
      // Replacing one of the twenty is not a new one.
      expect((await createFic(names[0]!, props('system:serviceaccount:fill:again'))).name).toBe(names[0])
    } finally {
      for (const n of names) await client.federatedIdentityCredentials.delete(RG, ORDERS, n)
    }
    expect(sim.podIdentity.credentials.list(DEMO_POD_IDENTITY.ordersClientId)).toHaveLength(existing)
  })

  it('validates the name from the path: 3–120 letters, digits, - or _, starting alphanumeric', async () => {
    for (const name of ['_bad', 'ab', 'a'.repeat(121), 'with.dot', '-dash'])
      await expectRestError(
        createFic(name, props('s')),
        400,
        'BadRequest',
        `Federated Identity Credential name '${name}' is invalid.`,
      )
    expect((await createFic(`A${'b'.repeat(119)}`, props('system:serviceaccount:n:long'))).name).toHaveLength(
      120,
    )
    await client.federatedIdentityCredentials.delete(RG, ORDERS, `A${'b'.repeat(119)}`)
  })

  it('answers a credential under a missing identity with the parent error', async () => {
    await expectRestError(
      client.federatedIdentityCredentials.createOrUpdate(RG, 'ghost', 'fic', props('s')),
      404,
      'ParentResourceNotFound',
      "The parent user-assigned identity doesn't exist.",
    )
    await expectRestError(
      collect(client.federatedIdentityCredentials.list(RG, 'ghost')),
      404,
      'ParentResourceNotFound',
    )
  })

  it('pages a list with $top, following nextLink', async () => {
    const names = ['page-a', 'page-b', 'page-c']
    try {
      for (const n of names) await createFic(n, props(`system:serviceaccount:page:${n}`))
      const pages: string[][] = []
      for await (const page of client.federatedIdentityCredentials.list(RG, ORDERS, { top: 2 }).byPage())
        pages.push(page.map((f) => f.name!))
      expect(pages).toEqual([
        ['aks-demo-dev-orders-api', 'page-a'],
        ['page-b', 'page-c'],
      ])
      expectArmError(
        await arm(sim, 'GET', `${ficPath(ORDERS)}?${MSI_API}&$top=0`, { token: appToken }),
        400,
        'BadRequest',
        "The value '0' of '$top' is invalid.",
      )
    } finally {
      for (const n of names) await client.federatedIdentityCredentials.delete(RG, ORDERS, n)
    }
  })
})
