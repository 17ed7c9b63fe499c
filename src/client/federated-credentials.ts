/**
 * `az identity federated-credential` over ARM's Microsoft.ManagedIdentity API: PUT, GET, list (following
 * nextLink) and DELETE of a user-assigned identity's federated identity credentials, and az's way of
 * showing the resource (properties flattened, `resourceGroup` added, keys sorted).
 */
import { armRequest } from './arm-client.js'
import { SignInError } from './errors.js'
import type { SimulatorEndpoints } from './locate.js'
import type { ArmContext } from './role-assignments.js'

/** What az sends (azure-mgmt-msi 7.x); the simulator accepts every version from 2022-01-31-preview. */
export const MSI_API_VERSION = '2023-01-31'
/** az's default for `--audiences` (Entra's token exchange audience). */
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'

export interface IdentityRef {
  subscription: string
  resourceGroup: string
  identity: string
}

export interface CredentialProperties {
  issuer: string
  subject: string
  audiences: string[]
}

export interface FederatedCredentialResource {
  id: string
  name: string
  type: string
  properties: CredentialProperties
  systemData?: unknown
}

/** `--subscription`, else the simulator's (endpoints.json), as az falls back to the signed-in one. */
export function resolveSubscription(
  flag: string | undefined,
  endpoints: SimulatorEndpoints | undefined,
): string {
  const sub = flag ?? endpoints?.cluster?.subscriptionId
  if (!sub)
    throw new SignInError(
      'usage',
      "the simulator's endpoints.json names no subscription; pass --subscription",
    )
  return sub
}

/** One path segment; '', '.' and '..' would name another resource once the URL is normalized. */
export function pathSegment(value: string, option: string): string {
  if (value === '' || value === '.' || value === '..')
    throw new SignInError('usage', `${option} '${value}' is not a valid resource name`)
  return encodeURIComponent(value)
}

export function credentialsPath(ref: IdentityRef, name?: string): string {
  const e = pathSegment
  const base = `/subscriptions/${e(ref.subscription, '--subscription')}/resourceGroups/${e(ref.resourceGroup, '--resource-group')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${e(ref.identity, '--identity-name')}/federatedIdentityCredentials`
  return name === undefined ? base : `${base}/${e(name, '--name')}`
}

const query = `?api-version=${MSI_API_VERSION}`

/** Create or replace (az's create and update are the same PUT). */
export async function putCredential(
  ctx: ArmContext,
  ref: IdentityRef,
  name: string,
  props: CredentialProperties,
): Promise<FederatedCredentialResource> {
  const res = await armRequest<FederatedCredentialResource>(
    ctx,
    'PUT',
    `${credentialsPath(ref, name)}${query}`,
    { properties: props },
  )
  return res.body!
}

export async function showCredential(
  ctx: ArmContext,
  ref: IdentityRef,
  name: string,
): Promise<FederatedCredentialResource> {
  return (await armRequest<FederatedCredentialResource>(ctx, 'GET', `${credentialsPath(ref, name)}${query}`))
    .body!
}

/** Every page: the SDK's pager follows nextLink, which must stay on the same ARM (it gets the token). */
export async function listCredentials(
  ctx: ArmContext,
  ref: IdentityRef,
): Promise<FederatedCredentialResource[]> {
  const out: FederatedCredentialResource[] = []
  const origin = new URL(ctx.arm).origin
  let path: string | undefined = `${credentialsPath(ref)}${query}`
  while (path !== undefined) {
    const res: { body: { value?: FederatedCredentialResource[]; nextLink?: string } | undefined } =
      await armRequest(ctx, 'GET', path)
    out.push(...(res.body?.value ?? []))
    const next = res.body?.nextLink
    if (!next) break
    const url = new URL(next, ctx.arm)
    if (url.origin !== origin)
      throw new SignInError(
        'rejected',
        `Azure Resource Manager sent a nextLink to another host: ${url.origin}`,
      )
    path = `${url.pathname}${url.search}`
  }
  return out
}

/** ARM answers 200 when it deleted something and 204 when there was nothing; az prints nothing either way. */
export async function deleteCredential(ctx: ArmContext, ref: IdentityRef, name: string): Promise<void> {
  await armRequest(ctx, 'DELETE', `${credentialsPath(ref, name)}${query}`)
}

/**
 * The resource as az prints it: the SDK model flattens `properties`, az adds `resourceGroup` (the 5th
 * segment of the id, as written there) and prints absent read-only fields as null, sorted by key.
 */
export function azView(r: FederatedCredentialResource): Record<string, unknown> {
  const { properties, ...rest } = r
  const view: Record<string, unknown> = {
    systemData: null,
    ...rest,
    ...properties,
    resourceGroup: r.id.split('/')[4] ?? null,
  }
  return Object.fromEntries(
    Object.keys(view)
      .sort()
      .map((k) => [k, view[k]]),
  )
}
