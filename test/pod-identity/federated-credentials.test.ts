import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { applicationObjectId, DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { arm } from '../arm/helpers.js'
import { armToken } from '../client/helpers.js'
import { ALICE, startTestSimulator } from '../helpers/sim.js'
import { exchange, podToken } from './helpers.js'

let sim: Simulator
let graphToken: string
const BILLING = DEMO_POD_IDENTITY.billingAppId

beforeAll(async () => {
  sim = await startTestSimulator()
  // The app that may manage applications: aks-webhook, given Application.ReadWrite.All for this test.
  const webhookApp = sim.directory.application('aks-webhook')!
  webhookApp.permissions[0]!.applicationPermissions.push('Application.ReadWrite.All')
  const res = await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: webhookApp.appId,
      client_secret: webhookApp.secrets[0]!.value,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  })
  graphToken = ((await res.json()) as { access_token: string }).access_token
})
afterAll(() => sim.stop())

const graph = (path: string, init: RequestInit = {}, token = graphToken) =>
  fetch(`${sim.endpoints.graph as string}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  })
const ficPath = () =>
  `/v1.0/applications/${applicationObjectId(sim.endpoints.tenantId, BILLING)}/federatedIdentityCredentials`

describe('Graph federatedIdentityCredentials on app registrations', () => {
  it('lists, creates (201 + @odata.context), reads and deletes; the new credential works for the exchange', async () => {
    const list = await graph(ficPath())
    expect(list.status).toBe(200)
    const listed = (await list.json()) as { value: { name: string }[]; '@odata.context': string }
    expect(listed.value.map((f) => f.name)).toEqual(['aks-demo-prod-billing'])
    expect(listed['@odata.context']).toMatch(
      /\/v1\.0\/\$metadata#applications\('[0-9a-f-]{36}'\)\/federatedIdentityCredentials$/,
    )
    const body = {
      name: 'dev-orders',
      issuer: sim.podIdentity.issuer.issuer(),
      subject: 'system:serviceaccount:dev:orders-api',
      audiences: ['api://AzureADTokenExchange'],
    }
    const created = await graph(`/v1.0/applications(appId='${BILLING}')/federatedIdentityCredentials`, {
      method: 'POST',
      body: JSON.stringify(body),
    })
    expect(created.status).toBe(201)
    const fic = (await created.json()) as Record<string, unknown>
    expect(fic).toMatchObject({ ...body, description: null, id: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    expect(String(fic['@odata.context'])).toMatch(/federatedIdentityCredentials\/\$entity$/)
    expect((await exchange(sim, BILLING, await podToken(sim, 'dev', 'orders-api-0'))).status).toBe(200)
    expect((await graph(`${ficPath()}/${String(fic.id)}`)).status).toBe(200)
    expect((await graph(`${ficPath()}/${String(fic.id)}`, { method: 'DELETE' })).status).toBe(204)
    expect((await graph(`${ficPath()}/${String(fic.id)}`)).status).toBe(404)
    expect(
      (await exchange(sim, BILLING, await podToken(sim, 'dev', 'orders-api-0'))).body.error_codes,
    ).toEqual([700213])
  })

  it('enforces the limits with Graph errors', async () => {
    const post = (b: Record<string, unknown>) => graph(ficPath(), { method: 'POST', body: JSON.stringify(b) })
    const base = {
      issuer: 'https://issuer.example/',
      subject: 's',
      audiences: ['api://AzureADTokenExchange'],
    }
    const two = await post({ ...base, name: 'two-auds', audiences: ['a', 'b'] })
    expect(two.status).toBe(400)
    expect(((await two.json()) as { error: { code: string } }).error.code).toBe('Request_BadRequest')
    expect((await post({ ...base, name: '-bad' })).status).toBe(400)
    expect((await post({ ...base, name: 'x'.repeat(121) })).status).toBe(400)
    expect((await post({ ...base, name: 'long', subject: 's'.repeat(601) })).status).toBe(400)
    expect((await post({ ...base, name: 'no-issuer', issuer: undefined })).status).toBe(400)
    expect((await graph(ficPath(), { method: 'POST', body: '{nope' })).status).toBe(400)
    for (let i = 1; i < 20; i++)
      expect((await post({ ...base, name: `fic-${i}`, subject: `s${i}` })).status).toBe(201)
    const dup = await post({ ...base, name: 'dup', subject: 's1' })
    expect(dup.status).toBe(409)
    const over = await post({ ...base, name: 'twenty-one', subject: 's21' })
    expect(over.status).toBe(400)
    expect(((await over.json()) as { error: { message: string } }).error.message).toContain('(20)')
    for (let i = 1; i < 20; i++) await graph(`${ficPath()}/fic-${i}`, { method: 'DELETE' })
  })

  it('needs Application.ReadWrite.All to write and a valid Graph token at all', async () => {
    expect((await graph(ficPath(), {}, 'garbage')).status).toBe(401)
    const orders = await exchange(
      sim,
      DEMO_POD_IDENTITY.ordersClientId,
      await podToken(sim, 'dev', 'orders-api-0'),
    )
    const denied = await graph(ficPath(), { method: 'POST', body: '{}' }, orders.body.access_token)
    expect(denied.status).toBe(403)
    // Managed identities have no application object.
    expect(
      (
        await graph(
          `/v1.0/applications(appId='${DEMO_POD_IDENTITY.ordersClientId}')/federatedIdentityCredentials`,
        )
      ).status,
    ).toBe(404)
    // Everything else is still Graph's.
    expect((await graph('/v1.0/groups?$top=1')).status).toBe(200)
  })
})

describe('ARM federatedIdentityCredentials on user-assigned identities', () => {
  // Through the mock ARM over HTTPS, as alice (Managed Identity Contributor on rg-aks-demo in the demo).
  let token: string
  beforeAll(async () => {
    token = await armToken(sim, ALICE)
  })
  const call = async (method: string, path: string, body?: unknown, query = q) => {
    const r = await arm(sim, method, `${path}?${query.toString()}`, {
      token,
      ...(body !== undefined && { body }),
    })
    return { status: r.status, ...(r.status !== 204 && { body: r.body }) }
  }
  const uami =
    '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-api-identity'
  const q = new URLSearchParams({ 'api-version': '2023-01-31' })

  it('GETs the identity and PUT/GET/DELETEs credentials with the ARM shapes', async () => {
    const id = await call('GET', uami)
    expect(id).toMatchObject({
      status: 200,
      body: {
        name: 'orders-api-identity',
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
        properties: {
          clientId: DEMO_POD_IDENTITY.ordersClientId,
          principalId: DEMO_POD_IDENTITY.ordersPrincipalId,
        },
      },
    })
    const props = {
      issuer: 'https://issuer.example/',
      subject: 'system:serviceaccount:a:b',
      audiences: ['api://AzureADTokenExchange'],
    }
    const ficUrl = `${uami}/federatedIdentityCredentials/fic1`
    const put = await call('PUT', ficUrl, { properties: props })
    expect(put).toEqual({
      status: 201,
      body: {
        id: `${uami.replace('resourceGroups', 'resourcegroups')}/federatedIdentityCredentials/fic1`,
        name: 'fic1',
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
        properties: props,
      },
    })
    expect((await call('PUT', ficUrl, { properties: props })).status).toBe(200)
    expect((await call('DELETE', ficUrl)).status).toBe(200)
    expect((await call('GET', ficUrl)).status).toBe(404)
  })

  it('answers the documented errors', async () => {
    const put = (name: string, body: unknown, path = uami) =>
      call('PUT', `${path}/federatedIdentityCredentials/${name}`, body)
    const msg = (r: { body?: unknown }) => (r.body as { error: { message: string } }).error.message
    const props = { issuer: 'https://i.example/', subject: 's', audiences: ['api://AzureADTokenExchange'] }
    expect(msg(await put('fic-a', { properties: { ...props, audiences: ['a', 'b'] } }))).toBe(
      'Federated identity credentials must have exactly one audience.',
    )
    expect(msg(await put('_x', { properties: props }))).toBe(
      "Federated Identity Credential name '_x' is invalid.",
    )
    expect(msg(await put('fic-a', {}))).toBe(
      'Federated Identity Credential from HTTP body has empty properties',
    )
    expect(
      await put('fic-b', {
        properties: {
          ...props,
          subject: 'system:serviceaccount:dev:orders-api',
          issuer: sim.podIdentity.issuer.issuer(),
        },
      }),
    ).toMatchObject({ status: 400 })
    expect(msg(await put('fic-a', { properties: props }, uami.replace('orders-api-identity', 'ghost')))).toBe(
      "The parent user-assigned identity doesn't exist.",
    )
    expect(await call('GET', uami, undefined, new URLSearchParams())).toMatchObject({
      status: 400,
      body: { error: { code: 'MissingApiVersionParameter' } },
    })
  })
})
