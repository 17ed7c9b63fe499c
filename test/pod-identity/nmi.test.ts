import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { demoScenario } from '../../src/scenario/demo.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { claimsOf, runIdentityClient } from './helpers.js'

const ORDERS = DEMO_POD_IDENTITY.ordersClientId
let sim: Simulator
let base: URL

beforeAll(async () => {
  const scenario = demoScenario()
  const section = scenario.podIdentity!
  const mi = `/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-aks-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-api-identity`
  section.podManagedIdentity = { enabled: true, assignmentDelaySeconds: 60 }
  section.objects = [
    ...(section.objects ?? []),
    {
      apiVersion: 'aadpodidentity.k8s.io/v1',
      kind: 'AzureIdentity',
      metadata: { name: 'orders', namespace: 'dev' },
      spec: { type: 0, resourceID: mi, clientID: ORDERS },
    },
    {
      apiVersion: 'aadpodidentity.k8s.io/v1',
      kind: 'AzureIdentityBinding',
      metadata: { name: 'orders-binding', namespace: 'dev' },
      spec: { azureIdentity: 'orders', selector: 'orders' },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'legacy-0', namespace: 'dev', labels: { aadpodidbinding: 'orders' } },
      spec: { containers: [{ name: 'app', image: 'x' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unbound-0', namespace: 'dev' },
      spec: { containers: [{ name: 'app', image: 'x' }] },
    },
  ]
  sim = await startTestSimulator({ scenario })
  base = new URL(sim.endpoints.imds as string)
  sim.podIdentity.settings.nmi.pollIntervalMs = 10
})
afterAll(() => sim.stop())

function get(path: string, headers: Record<string, string> = { Metadata: 'true' }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
    (resolve, reject) => {
      const req = request({ host: base.hostname, port: base.port, path, headers }, (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }))
      })
      req.on('error', reject)
      req.end()
    },
  )
}
const token = (pod: string, query = 'resource=https://vault.azure.net') =>
  `/pods/dev/${pod}/metadata/identity/oauth2/token/?api-version=2018-02-01&${query}`

describe('pod-managed identity (NMI mode)', () => {
  it('holds the first request until MIC has assigned the identity, then answers 404 text', async () => {
    const r = await get(token('legacy-0', 'resource=https%3A%2F%2Fgraph.microsoft.com'))
    expect(r.status).toBe(404)
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(r.text).toBe(
      'getting assigned identities for pod dev/legacy-0 in CREATED state failed after 16 attempts, retry duration [5]s, error: <nil>. Check MIC pod logs for identity assignment errors\n',
    )
    sim.podIdentity.settings.nmi.retryAfterHeader = true
    const r503 = await get(token('legacy-0', 'resource=https%3A%2F%2Fgraph.microsoft.com'))
    expect(r503.status).toBe(503)
    expect(r503.headers['retry-after']).toBe('20')
    sim.podIdentity.settings.nmi.retryAfterHeader = false
  })

  it('once assigned, answers NMI-shaped bodies: strings, refresh_token "", no client_id', async () => {
    sim.advanceClock(61)
    const r = await get(token('legacy-0', 'resource=https%3A%2F%2Fgraph.microsoft.com'))
    expect(r.status, r.text).toBe(200)
    const b = JSON.parse(r.text)
    expect(Object.keys(b).sort()).toEqual([
      'access_token',
      'expires_in',
      'expires_on',
      'ext_expires_in',
      'not_before',
      'refresh_token',
      'resource',
      'token_type',
    ])
    expect(b.refresh_token).toBe('')
    expect(b.client_id).toBeUndefined()
    expect(claimsOf(b.access_token).appid).toBe(ORDERS)
    const wrong = await get(
      token(
        'legacy-0',
        `resource=https://graph.microsoft.com&client_id=${DEMO_POD_IDENTITY.inventoryClientId}`,
      ),
    )
    expect(wrong.status).toBe(404)
    expect(wrong.text).toBe('no azure identity found for request clientID <redacted>\n')
  })

  it('keeps NMI error shapes: JSON 400 for the Metadata header, text for the rest', async () => {
    const noHeader = await get(token('legacy-0'), {})
    expect(noHeader.status).toBe(400)
    expect(noHeader.text).toBe(
      '{"error":"invalid_request","error_description":"Required metadata header not specified"}\n',
    )
    const noResource = await get('/pods/dev/legacy-0/metadata/identity/oauth2/token/?api-version=2018-02-01')
    expect(noResource).toMatchObject({ status: 400, text: 'parameter resource cannot be empty\n' })
    const unknownPod = await get('/metadata/identity/oauth2/token/?resource=x')
    expect(unknownPod.status).toBe(500)
    expect(unknownPod.headers['content-type']).toBe('text/plain; charset=utf-8')
    const host = await get('/host/token/?resource=https%3A%2F%2Fgraph.microsoft.com', {
      Metadata: 'true',
      podns: 'dev',
      podname: 'legacy-0',
    })
    expect(host.status).toBe(200)
    expect(JSON.parse(host.text)).toMatchObject({ clientid: ORDERS, token: { token_type: 'Bearer' } })
  })

  it('serves a real ManagedIdentityCredential on the IMDS path (text errors surface as client errors)', async () => {
    const env = await sim.podIdentity.pods.environment('dev', 'legacy-0')
    const ok = await runIdentityClient('managed', env)
    expect(ok.ok, ok.message).toBe(true)
    expect(claimsOf(ok.token!).appid).toBe(ORDERS)
    const unbound = await runIdentityClient(
      'managed',
      await sim.podIdentity.pods.environment('dev', 'unbound-0'),
    )
    expect(unbound.ok).toBe(false)
    expect(unbound.name).toBe('CredentialUnavailableError')
    expect(unbound.message).toContain('ManagedIdentityCredential')
  })
})
