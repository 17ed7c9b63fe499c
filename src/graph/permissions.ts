/**
 * Which Graph permissions each call needs (the Graph API reference
 * permission tables). Delegated permissions come from `scp`, application permissions from `roles`;
 * both are compared case-insensitively. Reading one's own user object needs only `User.Read`.
 */
import type { Caller } from './auth.js'
import type { ObjectKind } from './objects.js'
import type { GraphRoute } from './route.js'

const set = (...xs: string[]) => xs.map((x) => x.toLowerCase())

const DIRECTORY = set('Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All')
const USERS_ALL = set('User.Read.All', 'User.ReadWrite.All', ...DIRECTORY)
const USERS_BASIC = set('User.ReadBasic.All', ...USERS_ALL)
const SELF = set('User.Read', 'User.ReadWrite', ...USERS_BASIC)
const GROUP_MEMBERSHIP = set(
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  ...DIRECTORY,
)
const APPLICATIONS = set('Application.Read.All', 'Application.ReadWrite.All', ...DIRECTORY)

const hasAny = (caller: Caller, perms: string[]) => perms.some((p) => caller.permissions.has(p))

/** Whether `targetId` is the signed-in user (delegated tokens only). */
export const isSelf = (caller: Caller, targetId: string) =>
  caller.kind === 'delegated' && caller.user.id === targetId

export function canReadUser(caller: Caller, userId: string): boolean {
  return hasAny(caller, isSelf(caller, userId) ? SELF : USERS_BASIC)
}
export const canReadGroups = (caller: Caller) => hasAny(caller, GROUP_MEMBERSHIP)
export const canReadServicePrincipals = (caller: Caller) => hasAny(caller, APPLICATIONS)
export const canReadDirectory = (caller: Caller) => hasAny(caller, DIRECTORY)
export const canListUsers = (caller: Caller) => hasAny(caller, USERS_BASIC)

/** Reading an object of this kind in full (otherwise collections show it with limited information). */
export function canReadObject(caller: Caller, kind: ObjectKind, id: string): boolean {
  if (kind === 'user') return canReadUser(caller, id)
  if (kind === 'group') return canReadGroups(caller)
  return canReadServicePrincipals(caller)
}

/** getMemberGroups / getMemberObjects: read the principal and its group memberships, or the directory. */
export function canGetMemberGroups(caller: Caller, kind: ObjectKind, id: string): boolean {
  if (canReadDirectory(caller)) return true
  if (kind === 'group') return canReadGroups(caller)
  return canReadObject(caller, kind, id) && canReadGroups(caller)
}

/** checkMemberGroups on oneself needs only User.Read; otherwise as getMemberGroups. */
export function canCheckMemberGroups(caller: Caller, kind: ObjectKind, id: string): boolean {
  if (kind === 'user' && isSelf(caller, id) && hasAny(caller, SELF)) return true
  return canGetMemberGroups(caller, kind, id)
}

/** memberOf / transitiveMemberOf. */
export function canListMemberOf(caller: Caller, kind: ObjectKind, id: string): boolean {
  if (kind === 'user')
    return (isSelf(caller, id) && hasAny(caller, SELF)) || hasAny(caller, USERS_ALL) || canReadGroups(caller)
  if (kind === 'group') return canReadGroups(caller)
  return canReadServicePrincipals(caller) || canReadGroups(caller)
}

/** Whether `caller` may run a call on one object of `kind` (`id` is '' when the object is unknown). */
export function canRunOn(
  route: Exclude<GraphRoute, { op: 'list' | 'getByIds' }>,
  caller: Caller,
  kind: ObjectKind,
  id: string,
): boolean {
  switch (route.op) {
    case 'getEntity':
      return route.target.set === 'directoryObjects'
        ? canReadDirectory(caller)
        : canReadObject(caller, kind, id)
    case 'action':
      return route.action.startsWith('check')
        ? canCheckMemberGroups(caller, kind, id)
        : canGetMemberGroups(caller, kind, id)
    case 'navigation':
      return route.nav === 'members' || route.nav === 'transitiveMembers'
        ? canReadGroups(caller)
        : canListMemberOf(caller, kind, id)
  }
}
