import { readFileSync, statSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { formatEnvironment } from '../../src/pod-identity/pod-env.js'
import { adminFetch, startTestSimulator } from '../helpers/sim.js'
import { claimsOf } from './helpers.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

const read = async (ns: string, pod: string) =>
  readFileSync((await sim.podIdentity.pods.environment(ns, pod)).AZURE_FEDERATED_TOKEN_FILE!, 'utf8')

describe('projected token files (kubelet)', () => {
  it("prints the mutated pod's environment with the token path mapped to the file on this machine", async () => {
    const env = await sim.podIdentity.pods.environment('dev', 'orders-api-0')
    const mi = sim.podIdentity.identityByClientId(env.AZURE_CLIENT_ID!)!
    expect(mi.name).toBe('orders-api-identity')
    expect(env).toEqual({
      AZURE_CLIENT_ID: mi.clientId,
      AZURE_TENANT_ID: sim.endpoints.tenantId,
      AZURE_FEDERATED_TOKEN_FILE: expect.stringMatching(
        /\/volumes\/kubernetes\.io~projected\/azure-identity-token\/azure-identity-token$/,
      ),
      AZURE_AUTHORITY_HOST: `${sim.endpoints.authority}/`,
      NODE_EXTRA_CA_CERTS: sim.endpoints.caFile,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: `${sim.endpoints.imds as string}/pods/dev/orders-api-0`,
    })
    // A bearer token on the host's disk: the simulator's user only (issue 15; was 0644).
    expect(statSync(env.AZURE_FEDERATED_TOKEN_FILE!).mode & 0o777).toBe(0o600)
    const shell = formatEnvironment(env, 'shell')
    expect(shell).toContain(`export AZURE_CLIENT_ID='${mi.clientId}'\n`)
    const admin = await adminFetch(sim, `/pod-identity/pods/dev/orders-api-0/env?format=dotenv`)
    expect(admin.status).toBe(200)
    expect(await admin.text()).toBe(formatEnvironment(env, 'dotenv'))
    const missing = await adminFetch(sim, `/pod-identity/pods/dev/nope/env`)
    expect(missing.status).toBe(404)
  })

  it('rewrites the file at 80 % of the token lifetime on the simulated clock', async () => {
    const first = await read('dev', 'orders-api-0')
    const c1 = claimsOf(first)
    expect(c1.aud).toEqual(['api://AzureADTokenExchange'])
    expect(c1['kubernetes.io'].pod.name).toBe('orders-api-0')
    sim.advanceClock(0.7 * 3600)
    expect(await sim.podIdentity.kubelet.refresh()).toBe(0)
    expect(await read('dev', 'orders-api-0')).toBe(first)
    sim.advanceClock(0.11 * 3600)
    expect(await sim.podIdentity.kubelet.refresh()).toBeGreaterThan(0)
    const second = await read('dev', 'orders-api-0')
    expect(second).not.toBe(first)
    expect(claimsOf(second).iat).toBeGreaterThan(c1.iat)
  })

  it('a paused kubelet leaves a stale file behind; resuming refreshes it', async () => {
    const before = await read('prod', 'billing-0')
    const res = await adminFetch(sim, `/pod-identity/pods/prod/billing-0/refresh`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ paused: true }),
    })
    expect(res.status).toBe(200)
    sim.advanceClock(2 * 3600)
    await sim.podIdentity.kubelet.refresh()
    expect(await read('prod', 'billing-0')).toBe(before)
    sim.podIdentity.kubelet.pause('prod', 'billing-0', false)
    await sim.podIdentity.kubelet.refresh()
    expect(await read('prod', 'billing-0')).not.toBe(before)
  })

  it('deleting the pod removes its volumes', async () => {
    const created = await adminFetch(sim, `/pod-identity/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        metadata: { name: 'tmp-0', namespace: 'dev', labels: { 'azure.workload.identity/use': 'true' } },
        spec: { serviceAccountName: 'orders-api', containers: [{ name: 'app', image: 'x' }] },
      }),
    })
    expect(created.status).toBe(201)
    const file = (await sim.podIdentity.pods.environment('dev', 'tmp-0')).AZURE_FEDERATED_TOKEN_FILE!
    expect(statSync(file).isFile()).toBe(true)
    expect((await adminFetch(sim, `/pod-identity/pods/dev/tmp-0`, { method: 'DELETE' })).status).toBe(200)
    expect(() => statSync(file)).toThrow()
  })
})
