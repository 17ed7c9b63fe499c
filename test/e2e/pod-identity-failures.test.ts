/**
 * The workload identity failures users hit (docs/pod-identity.md, "Reproducing …"), reproduced with the real
 * @azure/identity running as the pod: each test sets the misconfiguration up, runs the client with the
 * environment the simulator prints, and checks the symptom users report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY, type K8sObject } from '../../src/pod-identity/index.js'
import { guardedCalls } from '../helpers/isolation.js'
import { adminAuthorization, startTestSimulator } from '../helpers/sim.js'
import { claimsOf, runIdentityClient } from '../pod-identity/helpers.js'

const ORDERS = DEMO_POD_IDENTITY.ordersClientId
let sim: Simulator
let admin: string

beforeAll(async () => {
  sim = await startTestSimulator()
  admin = `${sim.endpoints.admin}/pod-identity`
})
afterAll(() => sim.stop())

async function adminCall(method: string, path: string, body?: unknown) {
  const res = await fetch(`${admin}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...adminAuthorization(sim) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: await res.json() }
}
const serviceAccount = (name: string, annotations: Record<string, string>) =>
  adminCall('POST', '/objects', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: 'dev', annotations },
  })
const pod = (
  name: string,
  sa: string,
  labels: Record<string, string> = { 'azure.workload.identity/use': 'true' },
  extra: Partial<K8sObject> = {},
) =>
  adminCall('POST', '/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'dev', labels },
    spec: { serviceAccountName: sa, containers: [{ name: 'app', image: 'x', ...(extra.spec as object) }] },
  })
const envOf = (name: string) => sim.podIdentity.pods.environment('dev', name)
const tokenPosts = () =>
  sim.eventBus
    .recent({ service: 'entra', type: 'request.completed', limit: 5000 })
    .filter((e) => /\/oauth2\/v2\.0\/token$/.test(String(e.data.path)))

describe('workload identity failure table, with the real client', () => {
  it('#1 pod label missing, or not exactly "true": not mutated, the credential cannot start', async () => {
    for (const [name, labels] of [
      ['nolabel-0', {}],
      ['truecase-0', { 'azure.workload.identity/use': 'True' }],
    ] as const) {
      expect((await pod(name, 'orders-api', labels)).status).toBe(201)
      const env = await envOf(name)
      expect(env.AZURE_CLIENT_ID).toBeUndefined()
      expect(env.AZURE_FEDERATED_TOKEN_FILE).toBeUndefined()
      const r = await runIdentityClient('workload', env)
      expect(r.ok).toBe(false)
      expect(r.name).toBe('CredentialUnavailableError')
      expect(r.message).toContain(
        'WorkloadIdentityCredential: is unavailable. clientId is a required parameter',
      )
    }
  })

  it('#2 client-id annotation typo: three variables injected, AZURE_CLIENT_ID missing', async () => {
    await serviceAccount('typo', { 'azure.workload.identity/client_id': ORDERS })
    await pod('typo-0', 'typo')
    const env = await envOf('typo-0')
    expect(env.AZURE_CLIENT_ID).toBeUndefined()
    expect(env).toHaveProperty('AZURE_TENANT_ID')
    expect(env).toHaveProperty('AZURE_FEDERATED_TOKEN_FILE')
    expect(env).toHaveProperty('AZURE_AUTHORITY_HOST')
    const r = await runIdentityClient('workload', env)
    expect(r).toMatchObject({ ok: false, name: 'CredentialUnavailableError' })
    expect(r.message).toContain('clientId is a required parameter')
  })

  it('#4 FIC issuer without the trailing slash: AADSTS700211, and DefaultAzureCredential asks the token endpoint twice', async () => {
    const env = await envOf('inventory-0')
    const r = await runIdentityClient('workload', env)
    expect(r).toMatchObject({ ok: false, name: 'AuthenticationRequiredError' })
    expect(r.message).toMatch(
      /^invalid_client: Error\(s\): 700211 - Timestamp: .* - Description: AADSTS700211: No matching federated identity record found for presented assertion issuer '/,
    )
    const before = tokenPosts().length
    const azBefore = guardedCalls().length
    const dac = await runIdentityClient('default', env)
    expect(dac.ok).toBe(false)
    expect(dac.name).toBe('AggregateAuthenticationError')
    expect(dac.message).toContain('ChainedTokenCredential authentication failed')
    expect(dac.message).toContain('700211')
    // WorkloadIdentityCredential, then ManagedIdentityCredential's token exchange.
    expect(tokenPosts().length - before).toBe(2)
    // The chain then tries the developer tools, as in a pod without them: AzureCliCredential's
    // `az account get-access-token` reached the test's guard (never the machine's Azure CLI), which
    // answers as a missing program.
    expect(dac.message).toContain('Azure CLI could not be found')
    expect(guardedCalls().slice(azBefore)).toContainEqual(
      expect.stringMatching(/^az account get-access-token --output json --resource /),
    )
  })

  it('#5 subject differs only in case: AADSTS7002138', async () => {
    await serviceAccount('orders-v2', { 'azure.workload.identity/client-id': ORDERS })
    sim.podIdentity.credentials.create(ORDERS, {
      name: 'orders-v2',
      issuer: sim.podIdentity.issuer.issuer(),
      subject: 'system:serviceaccount:dev:Orders-v2',
      audiences: ['api://AzureADTokenExchange'],
    })
    await pod('orders-v2-0', 'orders-v2')
    const r = await runIdentityClient('workload', await envOf('orders-v2-0'))
    expect(r.ok).toBe(false)
    expect(r.message).toContain('7002138')
    expect(r.message).toContain('case-insensitive comparison, but not with case-sensitive comparison')
  })

  it('#6 a just-created credential fails with AADSTS70021 until it has propagated', async () => {
    await adminCall('PATCH', '/federation', { propagationDelaySeconds: 300 })
    try {
      await serviceAccount('reports', { 'azure.workload.identity/client-id': ORDERS })
      sim.podIdentity.credentials.create(ORDERS, {
        name: 'reports',
        issuer: sim.podIdentity.issuer.issuer(),
        subject: 'system:serviceaccount:dev:reports',
        audiences: ['api://AzureADTokenExchange'],
      })
      await pod('reports-0', 'reports')
      const early = await runIdentityClient('workload', await envOf('reports-0'))
      expect(early.ok).toBe(false)
      expect(early.message).toContain('70021')
      expect(early.message).toContain(
        'No matching federated identity record found for presented assertion. Assertion Issuer:',
      )
      sim.advanceClock(301)
      await sim.podIdentity.kubelet.refresh(true)
      const later = await runIdentityClient('workload', await envOf('reports-0'))
      expect(later.ok, later.message).toBe(true)
    } finally {
      await adminCall('PATCH', '/federation', { propagationDelaySeconds: 0 })
    }
  })

  it('#7 issuer offline: AADSTS90061; OIDC issuer not enabled: no credential matches', async () => {
    sim.podIdentity.metadataCache.clear()
    expect((await adminCall('PATCH', '/issuers/aks-demo', { offline: true })).status).toBe(200)
    try {
      const r = await runIdentityClient('workload', await envOf('orders-api-0'))
      expect(r.ok).toBe(false)
      expect(r.message).toContain('invalid_request: Error(s): 90061')
      expect(r.message).toContain('AADSTS90061: Request to External OIDC endpoint failed.')
    } finally {
      await adminCall('PATCH', '/issuers/aks-demo', { offline: false })
    }
    await adminCall('PATCH', '/issuers/aks-demo', { oidcIssuerEnabled: false })
    try {
      await sim.podIdentity.kubelet.refresh(true)
      const env = await envOf('orders-api-0')
      const r = await runIdentityClient('workload', env)
      expect(r.ok).toBe(false)
      expect(r.message).toContain("presented assertion issuer 'https://kubernetes.default.svc.cluster.local'")
    } finally {
      await adminCall('PATCH', '/issuers/aks-demo', { oidcIssuerEnabled: true })
      await sim.podIdentity.kubelet.refresh(true)
    }
  })

  it('#8 stale token file (kubelet not refreshing): AADSTS700024 about an hour later', async () => {
    await pod('stale-0', 'orders-api')
    expect((await adminCall('PUT', '/pods/dev/stale-0/refresh', { paused: true })).status).toBe(200)
    sim.advanceClock(3600 + 301)
    const r = await runIdentityClient('workload', await envOf('stale-0'))
    expect(r.ok).toBe(false)
    expect(r.message).toContain('700024')
    expect(r.message).toContain('Client assertion is not within its valid time range')
    await adminCall('PUT', '/pods/dev/stale-0/refresh', { paused: false })
    await adminCall('POST', '/pods/dev/stale-0/refresh')
    expect((await runIdentityClient('workload', await envOf('stale-0'))).ok).toBe(true)
  })

  it('#9 a leftover AZURE_CLIENT_ID + AZURE_CLIENT_SECRET shadows workload identity in DefaultAzureCredential', async () => {
    const legacy = sim.directory.application('aks-webhook')!
    const created = await adminCall('POST', '/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'shadow-0', namespace: 'dev', labels: { 'azure.workload.identity/use': 'true' } },
      spec: {
        serviceAccountName: 'orders-api',
        containers: [
          {
            name: 'app',
            image: 'x',
            env: [
              { name: 'AZURE_CLIENT_ID', value: legacy.appId },
              { name: 'AZURE_CLIENT_SECRET', value: legacy.secrets[0]!.value },
            ],
          },
        ],
      },
    })
    expect(created.status).toBe(201)
    const env = await envOf('shadow-0')
    // The webhook never overwrites a variable the container defines.
    expect(env.AZURE_CLIENT_ID).toBe(legacy.appId)
    expect(env.AZURE_FEDERATED_TOKEN_FILE).toBeDefined()
    const r = await runIdentityClient('default', env)
    expect(r.ok, r.message).toBe(true)
    const c = claimsOf(r.token!)
    expect(c.appid).toBe(legacy.appId)
    expect(c.appidacr).toBe('1')
    expect(c.xms_mirid).toBeUndefined()
  })

  it('#10 webhook down (failurePolicy Fail): labelled pods are refused with the API server error', async () => {
    await adminCall('PATCH', '/webhook', { down: true })
    try {
      const r = await pod('down-0', 'orders-api')
      expect(r.status).toBe(500)
      expect(r.body.status).toMatchObject({
        reason: 'InternalError',
        message: expect.stringContaining('failed calling webhook "mutation.azure-workload-identity.io"'),
      })
      expect(r.body.status.message).toContain(
        'no endpoints available for service "azure-wi-webhook-webhook-service"',
      )
    } finally {
      await adminCall('PATCH', '/webhook', { down: false })
    }
    expect((await pod('down-0', 'orders-api')).status).toBe(201)
  })

  it('#15 several user-assigned identities on the node and no client ID: IMDS 400', async () => {
    await pod('imds-0', 'default', {})
    const r = await runIdentityClient('managed', await envOf('imds-0'))
    expect(r.ok).toBe(false)
    expect(r.name).toBe('CredentialUnavailableError')
    expect(r.message).toContain(
      'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request',
    )
  })
})
