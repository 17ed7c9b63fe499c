/**
 * End to end: a federated identity credential written through ARM with the real @azure/arm-msi SDK is
 * the one Entra's token exchange reads. The demo's `inventory-identity` is federated with an issuer
 * that lacks its trailing slash (AADSTS700211 for dev/inventory); a credential created through the SDK
 * with the right issuer makes WorkloadIdentityCredential — in its own process, with the pod's printed
 * environment — succeed, deleting it brings the failure back, and with a propagation delay a new
 * credential answers AADSTS70021 until the simulated clock has moved past it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { claimsOf, runIdentityClient } from '../pod-identity/helpers.js'
import { RG } from './helpers.js'
import { EXCHANGE_AUDIENCE, ROLES, grant, msiClient, webhookApp } from './managed-identities.helpers.js'

const INVENTORY = 'inventory-identity'
const SUBJECT = 'system:serviceaccount:dev:inventory'

let sim: Simulator
let client: ReturnType<typeof msiClient>
let env: Record<string, string>
let undo: () => void
beforeAll(async () => {
  sim = await startTestSimulator()
  const app = webhookApp(sim)
  client = msiClient(sim, app.credential)
  undo = grant(sim, app.oid, ROLES.contributor)
  env = await sim.podIdentity.pods.environment('dev', 'inventory-0')
})
afterAll(async () => {
  undo()
  await sim.stop()
})

const fix = () =>
  client.federatedIdentityCredentials.createOrUpdate(RG, INVENTORY, 'inventory-fixed', {
    issuer: sim.podIdentity.issuer.issuer(),
    subject: SUBJECT,
    audiences: [EXCHANGE_AUDIENCE],
  })

describe('a credential written through ARM drives the workload identity exchange', () => {
  it('fails with AADSTS700211, succeeds once the SDK adds the right credential, fails again after delete', async () => {
    expect(env.AZURE_CLIENT_ID).toBe(DEMO_POD_IDENTITY.inventoryClientId)
    const before = await runIdentityClient('workload', env)
    expect(before.ok).toBe(false)
    expect(before.message).toMatch(
      /AADSTS700211: No matching federated identity record found for presented assertion issuer/,
    )

    const created = await fix()
    expect(created).toMatchObject({ name: 'inventory-fixed', issuer: sim.podIdentity.issuer.issuer() })
    const after = await runIdentityClient('workload', env)
    expect(after.ok, after.message).toBe(true)
    expect(claimsOf(after.token!)).toMatchObject({
      appid: DEMO_POD_IDENTITY.inventoryClientId,
      oid: DEMO_POD_IDENTITY.inventoryPrincipalId,
      idtyp: 'app',
      xms_mirid: `/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${INVENTORY}`,
    })

    await client.federatedIdentityCredentials.delete(RG, INVENTORY, 'inventory-fixed')
    const deleted = await runIdentityClient('workload', env)
    expect(deleted.ok).toBe(false)
    expect(deleted.message).toMatch(/AADSTS700211/)
  })

  it('with a propagation delay the new credential answers AADSTS70021 until the clock passes it', async () => {
    sim.podIdentity.settings.federation.propagationDelaySeconds = 60
    try {
      await fix()
      const early = await runIdentityClient('workload', env)
      expect(early.ok).toBe(false)
      expect(early.message).toMatch(
        /AADSTS70021: No matching federated identity record found for presented assertion\./,
      )
      sim.advanceClock(61)
      // The kubelet simulation rewrites token files on the simulated clock; the file is still valid.
      const later = await runIdentityClient('workload', env)
      expect(later.ok, later.message).toBe(true)
      expect(claimsOf(later.token!).appid).toBe(DEMO_POD_IDENTITY.inventoryClientId)
    } finally {
      sim.podIdentity.settings.federation.propagationDelaySeconds = 0
      await client.federatedIdentityCredentials.delete(RG, INVENTORY, 'inventory-fixed')
    }
  })
})
