/**
 * Microsoft.ManagedIdentity through ARM: user-assigned identities (read) and their federated identity
 * credentials (list, read, create or replace, delete). ARM's part is what it does for clusters — the
 * subscription, then Azure RBAC with the provider's real action names at the scope as requested
 * (before anything is looked up, hence "or the scope is invalid" for an identity that does not exist),
 * then the resource group — and the rest is the resource provider's (`deps.managedIdentities`,
 * src/pod-identity/fic-arm.ts), which throws the same typed ARM errors.
 */
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import { IdentityReadOnly, InvalidResourceNamespace, ResourceGroupNotFound } from './errors.js'
import { authorize, subscriptionOf } from './managed-clusters.js'
import type { ArmRoute } from './resource-path.js'

const MI = 'Microsoft.ManagedIdentity/userAssignedIdentities'
const FIC = `${MI}/federatedIdentityCredentials`
export const MANAGED_IDENTITY_ACTIONS = {
  read: `${MI}/read`,
  write: `${MI}/write`,
  delete: `${MI}/delete`,
  credentialRead: `${FIC}/read`,
  credentialWrite: `${FIC}/write`,
  credentialDelete: `${FIC}/delete`,
} as const
const A = MANAGED_IDENTITY_ACTIONS

type IdentityRoute = Extract<ArmRoute, { kind: 'identity' }>
type CredentialsRoute = Extract<ArmRoute, { kind: 'federatedCredentials' }>

const lower = (s: string) => s.toLowerCase()

/** The provider; without one (a composition without the pod-identity slice) the namespace is unknown. */
export function managedIdentityProvider(deps: ArmDeps) {
  if (!deps.managedIdentities) throw new InvalidResourceNamespace('Microsoft.ManagedIdentity')
  return deps.managedIdentities
}

/** Declared resource groups, and those holding identities (the node resource group `MC_…` is not declared). */
function checkResourceGroup(deps: ArmDeps, subscriptionId: string, resourceGroup: string): void {
  const azure = subscriptionOf(deps, subscriptionId)
  const known =
    azure.resourceGroups.some((g) => lower(g.name) === lower(resourceGroup)) ||
    managedIdentityProvider(deps).inGroup(subscriptionId, resourceGroup).length > 0
  if (!known) throw new ResourceGroupNotFound(resourceGroup)
}

/** The identities of a subscription or resource group the caller may read (as for cluster lists). */
export function listIdentities(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; resourceGroup?: string },
): { value: Record<string, unknown>[] } {
  const provider = managedIdentityProvider(deps)
  subscriptionOf(deps, r.subscriptionId)
  if (r.resourceGroup !== undefined) checkResourceGroup(deps, r.subscriptionId, r.resourceGroup)
  const readable = provider
    .inGroup(r.subscriptionId, r.resourceGroup)
    .filter((mi) => deps.rbac?.hasAction(caller.objectId, caller.groupIds, A.read, mi.resourceId))
  return { value: readable.map(provider.identityView) }
}

export function getIdentity(caller: ArmCaller, deps: ArmDeps, r: IdentityRoute): Record<string, unknown> {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, A.read, r.id)
  checkResourceGroup(deps, r.subscriptionId, r.resourceGroup)
  return managedIdentityProvider(deps).getIdentity(r)
}

/** PUT/PATCH/DELETE of an identity: authorized as ARM would, then refused (identities are the scenario's). */
export function refuseIdentityChange(
  caller: ArmCaller,
  deps: ArmDeps,
  r: IdentityRoute,
  method: string,
): never {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, method === 'DELETE' ? A.delete : A.write, r.id)
  checkResourceGroup(deps, r.subscriptionId, r.resourceGroup)
  throw new IdentityReadOnly(method)
}

function credentialScope(
  caller: ArmCaller,
  deps: ArmDeps,
  r: CredentialsRoute,
  action: string,
  scope: string,
) {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, action, scope)
  checkResourceGroup(deps, r.subscriptionId, r.resourceGroup)
  return { subscriptionId: r.subscriptionId, resourceGroup: r.resourceGroup, identity: r.identity }
}

/**
 * The credentials of an identity, authorized at the identity (a collection's scope is its path without
 * the last segment, as ARM names it). `$top` pages, with a nextLink carrying `$skiptoken`.
 */
export function listCredentials(
  caller: ArmCaller,
  deps: ArmDeps,
  r: CredentialsRoute,
  page: { top?: unknown; skiptoken?: unknown; apiVersion: string; selfUrl: string },
): { value: Record<string, unknown>[]; nextLink?: string } {
  const at = credentialScope(caller, deps, r, A.credentialRead, r.identityId)
  const out = managedIdentityProvider(deps).listCredentials(
    { subscriptionId: at.subscriptionId, resourceGroup: at.resourceGroup, name: at.identity },
    { top: page.top, skiptoken: page.skiptoken },
  )
  if (!out.next) return { value: out.value }
  const { top, skiptoken } = out.next
  const version = encodeURIComponent(page.apiVersion)
  return {
    value: out.value,
    nextLink: `${page.selfUrl}?api-version=${version}&$top=${top}&$skiptoken=${skiptoken}`,
  }
}

export function getCredential(caller: ArmCaller, deps: ArmDeps, r: CredentialsRoute & { name: string }) {
  const at = credentialScope(caller, deps, r, A.credentialRead, r.id)
  return managedIdentityProvider(deps).getCredential({ ...at, name: r.name })
}

export function putCredential(
  caller: ArmCaller,
  deps: ArmDeps,
  r: CredentialsRoute & { name: string },
  body: unknown,
): { created: boolean; body: Record<string, unknown> } {
  const at = credentialScope(caller, deps, r, A.credentialWrite, r.id)
  return managedIdentityProvider(deps).putCredential({ ...at, name: r.name }, body, caller.name)
}

/** True when a credential was deleted (ARM's 200), false when there was none (204). */
export function deleteCredential(caller: ArmCaller, deps: ArmDeps, r: CredentialsRoute & { name: string }) {
  const at = credentialScope(caller, deps, r, A.credentialDelete, r.id)
  return managedIdentityProvider(deps).deleteCredential({ ...at, name: r.name }, caller.name)
}
