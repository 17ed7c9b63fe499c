/**
 * Directory objects as Graph v1.0 renders them: each type's default property set (what a GET without
 * `$select` returns), the properties `$select` may name, `@odata.type` in polymorphic collections, and
 * Graph's "limited information" form (only `@odata.type` and `id`, everything else null) for objects
 * the caller may not read (graph permissions overview; `/me/memberOf` with only User.Read).
 */
import type { DirectoryObject, Group, ServicePrincipal, User } from '../kernel/directory.js'

export type ObjectKind = DirectoryObject['kind']

export const ODATA_TYPE: Record<ObjectKind, string> = {
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  servicePrincipal: '#microsoft.graph.servicePrincipal',
}

/** Entity set names, as used in `@odata.context`. */
export const ENTITY_SET: Record<ObjectKind, string> = {
  user: 'users',
  group: 'groups',
  servicePrincipal: 'servicePrincipals',
}

/** Entra's `securityIdentifier`: S-1-12-1- and the object id's .NET byte layout read as four uint32s. */
export function securityIdentifier(id: string): string {
  const hex = id.replace(/-/g, '')
  const b = Buffer.from(hex, 'hex')
  // .NET Guid.ToByteArray(): the first three fields are little-endian.
  const bytes = Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ])
  const parts = [0, 4, 8, 12].map((o) => bytes.readUInt32LE(o))
  return `S-1-12-1-${parts.join('-')}`
}

const mailNickname = (s: string) => s.split('@')[0]!.replace(/[^A-Za-z0-9._-]/g, '')

function userProperties(u: User): Record<string, unknown> {
  const guest = u.userType === 'Guest'
  return {
    // Default set, in Graph's order (GET /users/{id} returns exactly these).
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName ?? null,
    jobTitle: u.jobTitle ?? null,
    mail: u.mail ?? null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname ?? null,
    userPrincipalName: u.userPrincipalName,
    id: u.id,
    // Selectable only.
    accountEnabled: u.accountEnabled,
    city: null,
    companyName: null,
    country: null,
    createdDateTime: null,
    creationType: guest ? 'Invitation' : null,
    deletedDateTime: null,
    department: null,
    employeeId: null,
    externalUserState: guest ? 'Accepted' : null,
    mailNickname: mailNickname(u.userPrincipalName),
    onPremisesImmutableId: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    otherMails: guest && u.mail ? [u.mail] : [],
    proxyAddresses: u.mail && !guest ? [`SMTP:${u.mail}`] : [],
    securityIdentifier: securityIdentifier(u.id),
    usageLocation: null,
    userType: u.userType,
  }
}
const NIL = '00000000-0000-0000-0000-000000000000'
const SAMPLE_USER = { id: NIL, userPrincipalName: 'x@x', displayName: 'x' } as User
/** GET /users/{id} without $select returns exactly the first eleven. */
const USER_DEFAULT = Object.keys(userProperties(SAMPLE_USER)).slice(0, 11)

function groupProperties(g: Group): Record<string, unknown> {
  return {
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: null,
    creationOptions: [],
    description: g.description ?? null,
    displayName: g.displayName,
    expirationDateTime: null,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: g.mailEnabled,
    mailNickname: mailNickname(g.displayName),
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: [],
    renewedDateTime: null,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: g.securityEnabled,
    securityIdentifier: securityIdentifier(g.id),
    theme: null,
    visibility: null,
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  }
}

function servicePrincipalProperties(sp: ServicePrincipal, tenantId: string): Record<string, unknown> {
  const app = sp.application
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: app.name,
    appDescription: null,
    appId: app.appId,
    appOwnerOrganizationId: tenantId,
    appRoleAssignmentRequired: false,
    description: null,
    displayName: app.name,
    homepage: null,
    notes: null,
    servicePrincipalNames: [app.appId, ...app.identifierUris],
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMyOrg',
    tags: [],
  }
}

export function propertiesOf(o: DirectoryObject, tenantId: string): Record<string, unknown> {
  if (o.kind === 'user') return userProperties(o)
  if (o.kind === 'group') return groupProperties(o)
  return servicePrincipalProperties(o, tenantId)
}

const SAMPLE: Record<ObjectKind, string[]> = {
  user: Object.keys(userProperties(SAMPLE_USER)),
  group: Object.keys(groupProperties({ id: NIL, displayName: 'x' } as Group)),
  servicePrincipal: Object.keys(
    servicePrincipalProperties({ application: { identifierUris: [] } } as unknown as ServicePrincipal, ''),
  ),
}
const DEFAULTS: Record<ObjectKind, string[]> = {
  user: USER_DEFAULT,
  group: SAMPLE.group,
  servicePrincipal: SAMPLE.servicePrincipal,
}

/** Selectable properties per kind: lower-case name → Graph's spelling. */
export function selectableProperties(kinds: ObjectKind[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const k of kinds) for (const p of SAMPLE[k]) out.set(p.toLowerCase(), p)
  return out
}

export interface RenderOptions {
  /** Canonical property names from `$select`; undefined = the type's default set. */
  select: string[] | undefined
  /** Include `@odata.type` (polymorphic collections and directoryObjects lookups). */
  withType: boolean
  /** The caller may not read this object: every property but `id` is null. */
  limited: boolean
}

export function renderObject(
  o: DirectoryObject,
  tenantId: string,
  opts: RenderOptions,
): Record<string, unknown> {
  const all = propertiesOf(o, tenantId)
  const names = opts.select ? opts.select.filter((p) => p in all) : DEFAULTS[o.kind]
  const out: Record<string, unknown> = opts.withType ? { '@odata.type': ODATA_TYPE[o.kind] } : {}
  for (const p of names) out[p] = opts.limited && p !== 'id' ? null : all[p]
  return out
}
