/**
 * Microsoft.ManagedIdentity as its resource provider answers, once ARM has authenticated the caller and
 * authorized the action (src/arm/managed-identities.ts does both, then calls in here): user-assigned
 * identities and their federated identity credentials (pod-identities.md §3.1, the 2024-11-30 spec
 * examples). Lookups, validation and the resource shapes live here, next to the credential store the
 * token exchange reads; failures are ARM's typed errors, which the ARM service renders.
 */
import {
  type ArmError,
  FederatedCredentialBadRequest,
  FederatedCredentialNotFound,
  ParentIdentityNotFound,
  ResourceNotFound,
} from '../arm/errors.js'
import type { EventBus } from '../kernel/events.js'
import {
  FicValidationError,
  type FederatedCredential,
  type FederatedCredentialStore,
} from './federated-credentials.js'
import type { ManagedIdentity } from './managed-identities.js'

export const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities'
export const FIC_TYPE = `${IDENTITY_TYPE}/federatedIdentityCredentials`

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

/** A userAssignedIdentities resource as ARM returns it (a type: ARM renders it as a plain record). */
export type IdentityResource = {
  id: string
  name: string
  type: typeof IDENTITY_TYPE
  location: string
  tags: Record<string, string>
  properties: { isolationScope: 'None'; tenantId: string; principalId: string; clientId: string }
}

/** A federatedIdentityCredentials resource as ARM returns it. */
export type CredentialResource = {
  id: string
  name: string
  type: typeof FIC_TYPE
  properties: { issuer: string; subject: string; audiences: string[] }
}

/** What the ARM service calls for Microsoft.ManagedIdentity; errors are ARM's (`ArmError`). */
export interface ManagedIdentityProvider {
  identities(): ManagedIdentity[]
  /** The identities of a subscription, or of one of its resource groups. */
  inGroup(subscriptionId: string, resourceGroup?: string): ManagedIdentity[]
  identityView(mi: ManagedIdentity): IdentityResource
  getIdentity(r: IdentityRef): IdentityResource
  /** One page; `next` holds the `$top` / `$skiptoken` of the following page, when there is one. */
  listCredentials(
    r: IdentityRef,
    page?: PageQuery,
  ): { value: CredentialResource[]; next?: { top: number; skiptoken: string } }
  getCredential(r: CredentialRef): CredentialResource
  /** Create or replace; `created` is ARM's 201 (200 for a replacement). */
  putCredential(r: CredentialRef, body: unknown, by?: string): { created: boolean; body: CredentialResource }
  /** Deletes; false (ARM's 204) when there was no such credential. */
  deleteCredential(r: CredentialRef, by?: string): boolean
}

const lower = (s: string) => s.toLowerCase()
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function index(parameter: string, raw: unknown, min: number): number {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw)
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN
  if (!(n >= min)) throw FederatedCredentialBadRequest.paging(parameter, text)
  return n
}

function toArmError(err: FicValidationError, mi: ManagedIdentity, name: string): ArmError {
  const p = err.problem
  switch (p.kind) {
    case 'audience_count':
      return FederatedCredentialBadRequest.audienceCount()
    case 'duplicate_issuer_subject':
      return FederatedCredentialBadRequest.duplicateIssuerSubject()
    case 'limit':
      return FederatedCredentialBadRequest.limit(mi.resourceId)
    case 'too_long':
      return FederatedCredentialBadRequest.tooLong(p.field)
    case 'missing':
    case 'type':
      return FederatedCredentialBadRequest.missingFields()
    // The name comes from the path; the store's name problems all mean it is not a valid one.
    case 'name_invalid':
    case 'immutable_name':
    case 'duplicate_name':
      return FederatedCredentialBadRequest.nameInvalid(name)
  }
}

export function createManagedIdentityArm(deps: {
  identities: () => ManagedIdentity[]
  credentials: FederatedCredentialStore
  events: EventBus
}): ManagedIdentityProvider {
  const { credentials, events } = deps

  const identityView = (mi: ManagedIdentity): IdentityResource => ({
    // The provider answers with lower-case `resourcegroups`, as in the spec examples and xms_mirid.
    id: mi.mirid,
    name: mi.name,
    type: IDENTITY_TYPE,
    location: mi.location,
    tags: {},
    properties: {
      isolationScope: 'None',
      tenantId: mi.tenantId,
      principalId: mi.principalId,
      clientId: mi.clientId,
    },
  })
  const credentialView = (mi: ManagedIdentity, f: FederatedCredential): CredentialResource => ({
    id: `${mi.mirid}/federatedIdentityCredentials/${f.name}`,
    name: f.name,
    type: FIC_TYPE,
    properties: { issuer: f.issuer, subject: f.subject, audiences: f.audiences },
  })

  const inGroup = (subscriptionId: string, resourceGroup?: string) =>
    deps
      .identities()
      .filter(
        (i) =>
          lower(i.subscriptionId) === lower(subscriptionId) &&
          (resourceGroup === undefined || lower(i.resourceGroup) === lower(resourceGroup)),
      )
  const find = (r: IdentityRef) =>
    inGroup(r.subscriptionId, r.resourceGroup).find((i) => lower(i.name) === lower(r.name))
  const parent = (r: CredentialRef) => {
    const mi = find({ subscriptionId: r.subscriptionId, resourceGroup: r.resourceGroup, name: r.identity })
    if (!mi) throw new ParentIdentityNotFound()
    return mi
  }
  // ARM resource names compare case-insensitively; the store keeps the name as first written.
  const credentialOf = (mi: ManagedIdentity, name: string) =>
    credentials.list(mi.clientId).find((f) => lower(f.name) === lower(name))

  function getIdentity(r: IdentityRef) {
    const mi = find(r)
    if (!mi) throw new ResourceNotFound(IDENTITY_TYPE, r.name, r.resourceGroup)
    return identityView(mi)
  }

  function listCredentials(r: IdentityRef, page: PageQuery = {}) {
    const mi = parent({ ...r, identity: r.name })
    const all = credentials.list(mi.clientId)
    const start = page.skiptoken === undefined ? 0 : index('$skiptoken', page.skiptoken, 0)
    const size = page.top === undefined ? all.length : index('$top', page.top, 1)
    const value = all.slice(start, start + size).map((f) => credentialView(mi, f))
    const next = start + size < all.length ? { top: size, skiptoken: String(start + size) } : undefined
    return { value, ...(next && { next }) }
  }

  function getCredential(r: CredentialRef) {
    const mi = parent(r)
    const f = credentialOf(mi, r.name)
    if (!f) throw new FederatedCredentialNotFound(r.name)
    return credentialView(mi, f)
  }

  /** Create or replace; `created` is ARM's 201 (200 for a replacement). */
  function putCredential(r: CredentialRef, body: unknown, by?: string) {
    const mi = parent(r)
    const props = isObject(body) ? body.properties : undefined
    if (!isObject(props) || Object.keys(props).length === 0)
      throw FederatedCredentialBadRequest.emptyProperties()
    // Only the resource's own properties: ARM has no `description` or `name` inside `properties`.
    const input = { issuer: props.issuer, subject: props.subject, audiences: props.audiences }
    const name = credentialOf(mi, r.name)?.name ?? r.name
    let result: { fic: FederatedCredential; created: boolean }
    try {
      result = credentials.put(mi.clientId, name, input)
    } catch (err) {
      if (err instanceof FicValidationError) throw toArmError(err, mi, r.name)
      throw err
    }
    const { fic, created } = result
    events.emit(created ? 'federated_credential.created' : 'federated_credential.updated', 'arm', {
      identity: mi.name,
      name: fic.name,
      issuer: fic.issuer,
      subject: fic.subject,
      ...(by !== undefined && { by }),
    })
    return { created, body: credentialView(mi, fic) }
  }

  /** Deletes; false (ARM's 204) when there was no such credential. */
  function deleteCredential(r: CredentialRef, by?: string): boolean {
    const mi = parent(r)
    const f = credentialOf(mi, r.name)
    if (!f) return false
    credentials.remove(mi.clientId, f.id)
    events.emit('federated_credential.deleted', 'arm', {
      identity: mi.name,
      name: f.name,
      ...(by !== undefined && { by }),
    })
    return true
  }

  return {
    identities: deps.identities,
    inGroup,
    identityView,
    getIdentity,
    listCredentials,
    getCredential,
    putCredential,
    deleteCredential,
  }
}
