/**
 * What ARM needs from the provider of `Microsoft.ManagedIdentity` resources once it has authenticated the
 * caller and authorized the action (managed-identities.ts does both, then calls in here). The pod-identity
 * slice implements it over its identities and federated credential store; ARM declares it so that it
 * depends on no slice for it. Failures are ARM's typed errors (errors.ts), which ARM renders.
 */

/** A user-assigned managed identity, as the resource provider keeps it. */
export interface UserAssignedIdentity {
  name: string
  subscriptionId: string
  resourceGroup: string
  location: string
  clientId: string
  principalId: string
  tenantId: string
  /** `/subscriptions/…/resourceGroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`. */
  resourceId: string
  /** The same id as `xms_mirid` spells it (lower-case `resourcegroups`). */
  mirid: string
}

export interface IdentityRef {
  subscriptionId: string
  resourceGroup: string
  name: string
}

export interface CredentialRef {
  subscriptionId: string
  resourceGroup: string
  /** The user-assigned identity's name. */
  identity: string
  /** The credential's name. */
  name: string
}

/** `$top` / `$skiptoken` of a credential list, as the query carries them. */
export interface PageQuery {
  top?: unknown
  skiptoken?: unknown
}

/** `Microsoft.ManagedIdentity/userAssignedIdentities` as GET returns it. */
// Type aliases, not interfaces: ARM's JSON helpers take them as plain records.
export type IdentityResource = {
  id: string
  name: string
  type: string
  location: string
  tags: Record<string, string>
  properties: { isolationScope: string; tenantId: string; principalId: string; clientId: string }
}

/** `…/federatedIdentityCredentials` as GET and PUT return it. */
export type CredentialResource = {
  id: string
  name: string
  type: string
  properties: { issuer: string; subject: string; audiences: string[] }
}

export interface ManagedIdentityProvider {
  identities(): UserAssignedIdentity[]
  /** The identities of a subscription, or of one of its resource groups. */
  inGroup(subscriptionId: string, resourceGroup?: string): UserAssignedIdentity[]
  /** A property, not a method: ARM maps lists with it. */
  identityView: (mi: UserAssignedIdentity) => IdentityResource
  getIdentity(r: IdentityRef): IdentityResource
  listCredentials(
    r: IdentityRef,
    page?: PageQuery,
  ): { value: CredentialResource[]; next?: { top: number; skiptoken: string } }
  getCredential(r: CredentialRef): CredentialResource
  /** Creates or replaces; `created` tells which (201 or 200). */
  putCredential(r: CredentialRef, body: unknown, by?: string): { created: boolean; body: CredentialResource }
  /** `false`: there was none (204). */
  deleteCredential(r: CredentialRef, by?: string): boolean
}
