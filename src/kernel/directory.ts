/**
 * The tenant directory: users, groups and applications (with their service principals), and the
 * membership graph between them. Membership is indexed both ways (member → groups, group → members),
 * and transitive closures are memoised until the next change, so a lookup never scans the directory.
 */
import { stableGuid } from './ids.js'
import type { ApplicationInput, DirectoryInput, GroupInput, UserInput } from './directory-input.js'
import type { StateFile } from './state-file.js'

export interface User {
  kind: 'user'
  id: string
  userPrincipalName: string
  displayName: string
  givenName: string | undefined
  surname: string | undefined
  mail: string | undefined
  jobTitle: string | undefined
  accountEnabled: boolean
  userType: 'Member' | 'Guest'
  password: string | undefined
}

export interface Group {
  kind: 'group'
  id: string
  displayName: string
  description: string | undefined
  securityEnabled: boolean
  mailEnabled: boolean
}

export interface Application {
  kind: 'application'
  name: string
  appId: string
  /** Object id of the service principal (`oid` of app-only tokens). */
  servicePrincipalId: string
  publicClient: boolean
  secrets: { value: string; displayName: string | undefined }[]
  certificates: { certificatePem: string; displayName: string | undefined }[]
  identifierUris: string[]
  accessTokenVersion: 1 | 2
  groupMembershipClaims: 'None' | 'SecurityGroup' | 'All'
  exposedScopes: string[]
  appRoles: string[]
  permissions: { resourceAppId: string; applicationPermissions: string[]; delegatedPermissions: string[] }[]
}

export interface ServicePrincipal {
  kind: 'servicePrincipal'
  id: string
  application: Application
}

export type DirectoryObject = User | Group | ServicePrincipal

export interface Tenant {
  id: string
  domain: string
  displayName: string
}

export interface Directory {
  readonly tenant: Tenant
  /** True when `segment` names this tenant (GUID or domain, case-insensitive). */
  isTenant(segment: string): boolean
  users(): User[]
  groups(): Group[]
  applications(): Application[]
  user(idOrUpn: string): User | undefined
  group(idOrName: string): Group | undefined
  application(appIdOrName: string): Application | undefined
  /** An application by appId or identifier URI (trailing slash ignored), as named in a scope. */
  resource(appIdOrUri: string): Application | undefined
  object(id: string): DirectoryObject | undefined
  /** Groups `memberId` belongs to directly. */
  directGroups(memberId: string): Group[]
  /** Every group `memberId` belongs to, through nesting; cycles are tolerated. */
  transitiveGroups(memberId: string): Group[]
  directMembers(groupId: string): DirectoryObject[]
  transitiveMembers(groupId: string): DirectoryObject[]
  /** Increments on every change; caches built on the directory compare it. */
  version(): number
  addMember(groupId: string, memberId: string): void
  removeMember(groupId: string, memberId: string): void
  setAccountEnabled(userId: string, enabled: boolean): void
}

const lower = (s: string) => s.toLowerCase()
const trimSlash = (s: string) => s.replace(/\/+$/, '')

function toUser(u: UserInput): User {
  return {
    kind: 'user',
    id: lower(u.id),
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    mail: u.mail,
    jobTitle: u.jobTitle,
    accountEnabled: u.accountEnabled ?? true,
    userType: u.userType ?? 'Member',
    password: u.password,
  }
}

function toGroup(g: GroupInput): Group {
  return {
    kind: 'group',
    id: lower(g.id),
    displayName: g.displayName,
    description: g.description,
    securityEnabled: g.securityEnabled ?? true,
    mailEnabled: g.mailEnabled ?? false,
  }
}

function toApplication(
  a: ApplicationInput,
  tenantId: string,
  resolveResource: (r: string) => string,
): Application {
  return {
    kind: 'application',
    name: a.name,
    appId: lower(a.appId),
    servicePrincipalId: lower(a.servicePrincipalId ?? stableGuid(tenantId, `sp:${a.appId}`)),
    publicClient: a.publicClient ?? false,
    secrets: (a.secrets ?? []).map((s) => ({ value: s.value, displayName: s.displayName })),
    certificates: (a.certificates ?? []).map((c) => ({
      certificatePem: c.certificatePem,
      displayName: c.displayName,
    })),
    identifierUris: a.identifierUris ?? [],
    accessTokenVersion: a.accessTokenVersion ?? 2,
    groupMembershipClaims: a.groupMembershipClaims ?? 'None',
    exposedScopes: a.exposedScopes ?? [],
    appRoles: a.appRoles ?? [],
    permissions: (a.permissions ?? []).map((p) => ({
      resourceAppId: resolveResource(p.resource),
      applicationPermissions: p.applicationPermissions ?? [],
      delegatedPermissions: p.delegatedPermissions ?? [],
    })),
  }
}

/**
 * What changed since the scenario (admin API, UI, CLI): kept in the state dir and replayed over the
 * scenario at start, so an edited scenario still applies and the changes stay on top of it.
 */
export interface DirectoryChanges {
  /** User id → accountEnabled. */
  accountEnabled: Record<string, boolean>
  /** The last change of each (group, member) pair. */
  members: { group: string; member: string; change: 'added' | 'removed' }[]
}

/**
 * Builds the directory from validated input (see directory-validation.ts) plus the first-party apps.
 * With `changes`, the saved changes are replayed (those naming objects the scenario no longer has are
 * kept but not applied) and every change is saved before the call returns.
 */
export function createDirectory(
  input: DirectoryInput,
  firstParty: ApplicationInput[],
  changes?: StateFile<DirectoryChanges>,
): Directory {
  const tenant: Tenant = {
    id: lower(input.tenant.id),
    domain: lower(input.tenant.domain),
    displayName: input.tenant.displayName ?? input.tenant.domain,
  }
  const inputApps = input.applications ?? []
  const appDefs = [
    ...firstParty.filter((f) => !inputApps.some((a) => lower(a.appId) === lower(f.appId))),
    ...inputApps,
  ]
  const uriToApp = new Map<string, string>()
  for (const a of appDefs) {
    uriToApp.set(lower(a.appId), lower(a.appId))
    for (const u of a.identifierUris ?? []) uriToApp.set(trimSlash(lower(u)), lower(a.appId))
  }
  const resolveResource = (r: string) => uriToApp.get(trimSlash(lower(r))) ?? lower(r)

  const usersById = new Map<string, User>()
  const usersByUpn = new Map<string, User>()
  const groupsById = new Map<string, Group>()
  const groupsByName = new Map<string, Group>()
  const appsById = new Map<string, Application>()
  const appsByName = new Map<string, Application>()
  const spsById = new Map<string, ServicePrincipal>()
  for (const u of (input.users ?? []).map(toUser)) {
    usersById.set(u.id, u)
    usersByUpn.set(lower(u.userPrincipalName), u)
  }
  for (const g of (input.groups ?? []).map(toGroup)) {
    groupsById.set(g.id, g)
    groupsByName.set(g.displayName, g)
  }
  for (const a of appDefs.map((d) => toApplication(d, tenant.id, resolveResource))) {
    appsById.set(a.appId, a)
    appsByName.set(a.name, a)
    spsById.set(a.servicePrincipalId, { kind: 'servicePrincipal', id: a.servicePrincipalId, application: a })
  }

  // member id → group ids, and group id → member ids (insertion order kept for stable paging).
  const parents = new Map<string, Set<string>>()
  const children = new Map<string, Set<string>>()
  let version = 0
  let closures = new Map<string, Group[]>()
  const link = (groupId: string, memberId: string) => {
    if (!parents.has(memberId)) parents.set(memberId, new Set())
    if (!children.has(groupId)) children.set(groupId, new Set())
    parents.get(memberId)!.add(groupId)
    children.get(groupId)!.add(memberId)
  }
  for (const g of input.groups ?? []) {
    const gid = lower(g.id)
    for (const u of g.members?.users ?? [])
      link(gid, (usersByUpn.get(lower(u)) ?? usersById.get(lower(u)))!.id)
    for (const x of g.members?.groups ?? []) link(gid, (groupsByName.get(x) ?? groupsById.get(lower(x)))!.id)
    for (const x of g.members?.servicePrincipals ?? [])
      link(gid, (appsByName.get(x) ?? appsById.get(lower(x)))!.servicePrincipalId)
  }

  const object = (id: string): DirectoryObject | undefined => {
    const k = lower(id)
    return usersById.get(k) ?? groupsById.get(k) ?? spsById.get(k)
  }
  const changed = () => {
    version++
    closures = new Map()
  }
  const saved = changes?.load()
  const enabledChanges = new Map(Object.entries(saved?.accountEnabled ?? {}))
  const memberChanges = new Map((saved?.members ?? []).map((m) => [`${m.group} ${m.member}`, m]))
  /** Saves with one more change; if that fails, the change is forgotten and the caller fails. */
  const record = (apply: () => void, undo: () => void) => {
    apply()
    try {
      changes?.save({
        accountEnabled: Object.fromEntries(enabledChanges),
        members: [...memberChanges.values()],
      })
    } catch (err) {
      undo()
      throw err
    }
  }
  const memberChange = (group: string, member: string, change: 'added' | 'removed') => {
    const key = `${group} ${member}`
    const previous = memberChanges.get(key)
    record(
      () => memberChanges.set(key, { group, member, change }),
      () => (previous ? memberChanges.set(key, previous) : memberChanges.delete(key)),
    )
  }
  const unlink = (groupId: string, memberId: string) => {
    parents.get(memberId)?.delete(groupId)
    children.get(groupId)?.delete(memberId)
  }
  for (const [id, enabled] of enabledChanges) {
    const u = usersById.get(lower(id))
    if (u) u.accountEnabled = enabled
  }
  for (const { group, member, change } of memberChanges.values()) {
    if (!groupsById.has(lower(group)) || !object(member)) continue
    if (change === 'added') link(lower(group), lower(member))
    else unlink(lower(group), lower(member))
  }

  const dir: Directory = {
    tenant,
    isTenant: (segment) => lower(segment) === tenant.id || lower(segment) === tenant.domain,
    users: () => [...usersById.values()],
    groups: () => [...groupsById.values()],
    applications: () => [...appsById.values()],
    user: (x) => usersById.get(lower(x)) ?? usersByUpn.get(lower(x)),
    group: (x) => groupsById.get(lower(x)) ?? groupsByName.get(x),
    application: (x) => appsById.get(lower(x)) ?? appsByName.get(x),
    resource: (x) => {
      const appId = uriToApp.get(trimSlash(lower(x)))
      return appId ? appsById.get(appId) : undefined
    },
    object,
    directGroups: (memberId) => [...(parents.get(lower(memberId)) ?? [])].map((g) => groupsById.get(g)!),
    transitiveGroups(memberId) {
      const key = lower(memberId)
      const cached = closures.get(key)
      if (cached) return cached
      const seen = new Set<string>()
      const queue = [...(parents.get(key) ?? [])]
      while (queue.length > 0) {
        const g = queue.shift()!
        if (seen.has(g)) continue
        seen.add(g)
        for (const p of parents.get(g) ?? []) if (!seen.has(p)) queue.push(p)
      }
      const result = [...seen].map((g) => groupsById.get(g)!)
      closures.set(key, result)
      return result
    },
    directMembers: (groupId) => [...(children.get(lower(groupId)) ?? [])].map((m) => object(m)!),
    transitiveMembers(groupId) {
      const seen = new Set<string>()
      const queue = [...(children.get(lower(groupId)) ?? [])]
      while (queue.length > 0) {
        const m = queue.shift()!
        if (seen.has(m)) continue
        seen.add(m)
        for (const c of children.get(m) ?? []) if (!seen.has(c)) queue.push(c)
      }
      seen.delete(lower(groupId))
      return [...seen].map((m) => object(m)!)
    },
    version: () => version,
    addMember(groupId, memberId) {
      const g = groupsById.get(lower(groupId))
      const m = object(memberId)
      if (!g) throw new RangeError(`no group ${groupId}`)
      if (!m) throw new RangeError(`no directory object ${memberId}`)
      memberChange(g.id, m.id, 'added')
      link(g.id, m.id)
      changed()
    },
    removeMember(groupId, memberId) {
      const g = lower(groupId)
      const m = lower(memberId)
      memberChange(g, m, 'removed')
      unlink(g, m)
      changed()
    },
    setAccountEnabled(userId, enabled) {
      const u = dir.user(userId)
      if (!u) throw new RangeError(`no user ${userId}`)
      const previous = enabledChanges.get(u.id)
      record(
        () => enabledChanges.set(u.id, enabled),
        () => (previous === undefined ? enabledChanges.delete(u.id) : enabledChanges.set(u.id, previous)),
      )
      u.accountEnabled = enabled
      changed()
    },
  }
  return dir
}
