/**
 * Shared pieces of the Microsoft.ManagedIdentity tests: the real `ManagedServiceIdentityClient`
 * pointed at the simulator's ARM with a real @azure/identity credential from its Entra, role grants at
 * the demo resource group, and the check that an SDK call failed with ARM's status, code and message.
 */
import { ManagedServiceIdentityClient } from '@azure/arm-msi'
import { ClientSecretCredential, DeviceCodeCredential, type TokenCredential } from '@azure/identity'
import { expect } from 'vitest'
import { AZURE_CLI_APP_ID, DEMO_WEBHOOK_SECRET, type Simulator } from '../../src/index.js'
import { armAppToken } from '../client/helpers.js'
import { startTestSimulator } from '../helpers/sim.js'
import { RG, SUB } from './helpers.js'

export const MSI_NS = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity`
export const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities'
export const identityPath = (name: string) => `${MSI_NS}/userAssignedIdentities/${name}`
export const ficPath = (identity: string, name?: string) =>
  `${identityPath(identity)}/federatedIdentityCredentials${name === undefined ? '' : `/${name}`}`
export const MSI_API = 'api-version=2024-11-30'
export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange'

export const ORDERS = 'orders-api-identity'

export const oid = (sim: Simulator, upn: string) =>
  sim.endpoints.directory.users.find((u) => u.upn === upn)!.oid

/** Credential properties with a test issuer. */
export const props = (subject: string, extra: Record<string, unknown> = {}) => ({
  issuer: 'https://issuer.example/tenant/abc/',
  subject,
  audiences: [EXCHANGE_AUDIENCE],
  ...extra,
})

export const ROLES = {
  contributor: 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
  operator: 'f1a07417-d97a-45cb-824c-7a7467783830',
} as const

/** The demo's confidential client `aks-webhook` (client credentials), as a service would sign in. */
export function webhookApp(sim: Simulator) {
  const app = sim.endpoints.directory.applications.find((a) => a.name === 'aks-webhook')!
  const credential = new ClientSecretCredential(sim.endpoints.tenantId, app.appId, DEMO_WEBHOOK_SECRET, {
    authorityHost: sim.endpoints.authority,
    disableInstanceDiscovery: true,
  })
  return { appId: app.appId, oid: app.servicePrincipalId, credential }
}

/** A person signing in with the Azure CLI's client and the device code flow (approved as `upn`). */
export function userCredential(sim: Simulator, upn: string): TokenCredential {
  return new DeviceCodeCredential({
    tenantId: sim.endpoints.tenantId,
    clientId: AZURE_CLI_APP_ID,
    authorityHost: sim.endpoints.authority,
    disableInstanceDiscovery: true,
    userPromptCallback: (info) => void sim.approveDeviceCode(info.userCode, upn),
  })
}

/** The real SDK against the simulator's ARM (`endpoint`); tokens are still for https://management.azure.com. */
export function msiClient(
  sim: Simulator,
  credential: TokenCredential,
  opts: { subscriptionId?: string; apiVersion?: string; maxRetries?: number } = {},
): ManagedServiceIdentityClient {
  return new ManagedServiceIdentityClient(credential, opts.subscriptionId ?? SUB, {
    endpoint: sim.endpoints.arm as string,
    credentialScopes: ['https://management.azure.com/.default'],
    ...(opts.apiVersion !== undefined && { apiVersion: opts.apiVersion }),
    ...(opts.maxRetries !== undefined && { retryOptions: { maxRetries: opts.maxRetries } }),
  })
}

/** Grants `role` to `principalId` at the demo resource group; returns the undo. */
export function grant(
  sim: Simulator,
  principalId: string,
  role: string,
  scope = `/subscriptions/${SUB}/resourceGroups/${RG}`,
) {
  const a = sim.azureRbac!.createRoleAssignment({ principalId, roleDefinitionId: role, scope })
  return () => void sim.azureRbac!.deleteRoleAssignment(a.id)
}

/** The SDK's RestError for ARM's answer: status, `code` and `message` from the body, ARM's request id. */
export async function expectRestError(
  call: Promise<unknown>,
  status: number,
  code: string,
  message?: string | RegExp,
): Promise<void> {
  const err = (await call.then(
    () => expect.fail(`expected ${status} ${code}, the call succeeded`),
    (e: unknown) => e,
  )) as {
    name: string
    statusCode?: number
    code?: string
    message: string
    response?: { headers: { get(n: string): string | undefined } }
  }
  expect(err.name, err.message).toBe('RestError')
  expect(err.statusCode, err.message).toBe(status)
  expect(err.code).toBe(code)
  if (typeof message === 'string') expect(err.message).toBe(message)
  else if (message) expect(err.message).toMatch(message)
  expect(err.response?.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/)
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

/**
 * A simulator with the demo webhook application as the ARM caller (an SDK client and a raw token),
 * granted Contributor, plus `grants(sim)` more role assignments; `stop()` undoes them and stops it.
 */
export async function startMsiFixture(grants: (sim: Simulator) => (() => void)[] = () => []) {
  const sim = await startTestSimulator()
  const app = webhookApp(sim)
  const client = msiClient(sim, app.credential)
  const appToken = await armAppToken(sim, app.appId, DEMO_WEBHOOK_SECRET)
  const undo = [grant(sim, app.oid, ROLES.contributor), ...grants(sim)]
  return {
    sim,
    app,
    client,
    appToken,
    async stop() {
      for (const u of undo) u()
      await sim.stop()
    },
  }
}
