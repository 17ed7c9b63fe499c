/**
 * Real @azure/identity in the pod's place: each credential runs in its own process with exactly the
 * environment the simulator prints for a simulated pod, gets a token from the simulator, and calls
 * the mock Graph with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { claimsOf, runIdentityClient } from '../pod-identity/helpers.js'

let sim: Simulator
let groupUrl: string
let ordersEnv: Record<string, string>

beforeAll(async () => {
  sim = await startTestSimulator()
  groupUrl = `${sim.endpoints.graph as string}/v1.0/groups/${sim.directory.group('aks-admins')!.id}`
  ordersEnv = await sim.podIdentity.pods.environment('dev', 'orders-api-0')
  // A pod without workload identity: it only has IMDS.
  await sim.podIdentity.pods.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'plain-0', namespace: 'dev' },
    spec: { containers: [{ name: 'app', image: 'x' }] },
  })
})
afterAll(() => sim.stop())

const tokenPosts = () =>
  sim.eventBus
    .recent({ service: 'entra', type: 'request.completed', limit: 5000 })
    .filter((e) => /\/oauth2\/v2\.0\/token$/.test(String(e.data.path)))
const imdsCalls = () => sim.eventBus.recent({ service: 'imds', type: 'request.completed', limit: 5000 })

describe('@azure/identity in a simulated pod', () => {
  it('WorkloadIdentityCredential (disableInstanceDiscovery) exchanges the token file for a managed-identity token', async () => {
    const r = await runIdentityClient('workload', ordersEnv, { call: groupUrl })
    expect(r.ok, r.message).toBe(true)
    expect(r.cached).toBe(true)
    const c = claimsOf(r.token!)
    expect(c).toMatchObject({
      appid: DEMO_POD_IDENTITY.ordersClientId,
      idtyp: 'app',
      xms_mirid: expect.stringContaining('orders-api-identity'),
    })
    expect(r.call).toMatchObject({ status: 200, body: { displayName: 'aks-admins' } })
  })

  it('WorkloadIdentityCredential for an app registration (prod/billing)', async () => {
    const env = await sim.podIdentity.pods.environment('prod', 'billing-0')
    expect(env.AZURE_CLIENT_ID).toBe(DEMO_POD_IDENTITY.billingAppId)
    const r = await runIdentityClient('workload', env, { call: groupUrl })
    expect(r.ok, r.message).toBe(true)
    expect(claimsOf(r.token!)).toMatchObject({
      appid: DEMO_POD_IDENTITY.billingAppId,
      oid: DEMO_POD_IDENTITY.billingServicePrincipalId,
    })
    expect(r.call?.status).toBe(200)
  })

  it('ManagedIdentityCredential takes the token-exchange path when the workload identity variables exist', async () => {
    const imdsBefore = imdsCalls().length
    const postsBefore = tokenPosts().length
    const r = await runIdentityClient('managed', ordersEnv, { call: groupUrl })
    expect(r.ok, r.message).toBe(true)
    expect(claimsOf(r.token!)).toMatchObject({
      appid: DEMO_POD_IDENTITY.ordersClientId,
      xms_mirid: expect.any(String),
    })
    expect(r.call?.status).toBe(200)
    expect(imdsCalls().length).toBe(imdsBefore)
    expect(tokenPosts().length).toBeGreaterThan(postsBefore)
  })

  it('ManagedIdentityCredential on the IMDS path (AZURE_POD_IDENTITY_AUTHORITY_HOST), with a client ID', async () => {
    const env = await sim.podIdentity.pods.environment('dev', 'plain-0')
    expect(Object.keys(env).sort()).toEqual(['AZURE_POD_IDENTITY_AUTHORITY_HOST', 'NODE_EXTRA_CA_CERTS'])
    const before = imdsCalls().length
    const r = await runIdentityClient(
      'managed',
      { ...env, TEST_MI_CLIENT_ID: DEMO_POD_IDENTITY.ordersClientId },
      { call: groupUrl },
    )
    expect(r.ok, r.message).toBe(true)
    expect(r.cached).toBe(true)
    expect(claimsOf(r.token!)).toMatchObject({
      appid: DEMO_POD_IDENTITY.ordersClientId,
      xms_mirid: expect.any(String),
    })
    expect(r.expiresOnTimestamp! - Date.now()).toBeGreaterThan(23 * 3600 * 1000)
    expect(r.call?.status).toBe(200)
    // One IMDS request, lower-cased path with the trailing slash msal adds; the second token came from cache.
    const calls = imdsCalls().slice(before)
    expect(calls).toHaveLength(1)
    expect(calls[0]!.data.path).toBe('/pods/dev/plain-0/metadata/identity/oauth2/token/')
  })

  it('retries a 503 from IMDS and succeeds on the second request', async () => {
    const env = await sim.podIdentity.pods.environment('dev', 'plain-0')
    sim.faults.set('imds.token', { status: 503, times: 1 })
    const before = imdsCalls().length
    const r = await runIdentityClient('managed', {
      ...env,
      TEST_MI_CLIENT_ID: DEMO_POD_IDENTITY.ordersClientId,
    })
    expect(r.ok, r.message).toBe(true)
    expect(
      imdsCalls()
        .slice(before)
        .map((e) => e.data.status),
    ).toEqual([503, 200])
  })

  it('does not retry a 429 without Retry-After', async () => {
    const env = await sim.podIdentity.pods.environment('dev', 'plain-0')
    sim.faults.set('imds.token', { status: 429, times: 1 })
    const before = imdsCalls().length
    const r = await runIdentityClient('managed', {
      ...env,
      TEST_MI_CLIENT_ID: DEMO_POD_IDENTITY.ordersClientId,
    })
    expect(r.ok).toBe(false)
    expect(r.name).toBe('CredentialUnavailableError')
    expect(
      imdsCalls()
        .slice(before)
        .map((e) => e.data.status),
    ).toEqual([429])
  })

  it('DefaultAzureCredential picks workload identity in the pod', async () => {
    const r = await runIdentityClient('default', ordersEnv, { call: groupUrl })
    expect(r.ok, r.message).toBe(true)
    expect(claimsOf(r.token!).appid).toBe(DEMO_POD_IDENTITY.ordersClientId)
    expect(r.call?.status).toBe(200)
  })
})
