/**
 * Maps a Graph URL path to the operation it names, the way Graph's OData router does: segment names are
 * case-insensitive, actions may be namespace-qualified (`microsoft.graph.getMemberGroups`),
 * navigations accept an OData type cast and a trailing `$count`. Unknown segments are 400 BadRequest
 * "Resource not found for the segment", a known path with the wrong method is 405.
 */
import type { GraphFaultOperation } from '../kernel/faults.js'
import { BadRequest, MethodNotAllowed } from './errors.js'
import type { ObjectKind } from './objects.js'

export const VERSIONS = new Set(['v1.0', 'beta'])

export type EntitySet = 'users' | 'groups' | 'servicePrincipals' | 'directoryObjects'
export type ListableSet = Exclude<EntitySet, 'directoryObjects'>
export type MemberAction = 'getMemberGroups' | 'getMemberObjects' | 'checkMemberGroups' | 'checkMemberObjects'
export type Navigation = 'memberOf' | 'transitiveMemberOf' | 'members' | 'transitiveMembers'

/** `me`, or an object named by id (or UPN for users) in an entity set. */
export interface TargetRef {
  set: EntitySet
  /** Undefined for `/me`. */
  id: string | undefined
}

export type GraphRoute =
  | { op: 'getEntity'; target: TargetRef }
  | { op: 'list'; set: ListableSet }
  | { op: 'action'; action: MemberAction; target: TargetRef }
  | { op: 'navigation'; nav: Navigation; target: TargetRef; cast: CastType | undefined; count: boolean }
  | { op: 'getByIds' }

/** An OData type cast: the kind it keeps (null for Graph types this directory never holds). */
export interface CastType {
  kind: ObjectKind | null
  /** Entity set of the type, for `@odata.context`. */
  entitySet: string
  /** Graph's type name, for `$select` errors. */
  typeName: string
}

const SETS: Record<string, EntitySet> = {
  users: 'users',
  groups: 'groups',
  serviceprincipals: 'servicePrincipals',
  directoryobjects: 'directoryObjects',
}
const ACTIONS: Record<string, MemberAction> = {
  getmembergroups: 'getMemberGroups',
  getmemberobjects: 'getMemberObjects',
  checkmembergroups: 'checkMemberGroups',
  checkmemberobjects: 'checkMemberObjects',
}
const NAVIGATIONS: Record<string, Navigation> = {
  memberof: 'memberOf',
  transitivememberof: 'transitiveMemberOf',
  members: 'members',
  transitivemembers: 'transitiveMembers',
}
const NAVS_OF: Record<EntitySet, Navigation[]> = {
  users: ['memberOf', 'transitiveMemberOf'],
  groups: ['memberOf', 'transitiveMemberOf', 'members', 'transitiveMembers'],
  servicePrincipals: ['memberOf', 'transitiveMemberOf'],
  directoryObjects: [],
}
const cast = (kind: ObjectKind | null, entitySet: string, typeName: string): CastType => ({
  kind,
  entitySet,
  typeName,
})
const CASTS: Record<string, CastType> = {
  'microsoft.graph.user': cast('user', 'users', 'user'),
  'microsoft.graph.group': cast('group', 'groups', 'group'),
  'microsoft.graph.serviceprincipal': cast('servicePrincipal', 'servicePrincipals', 'servicePrincipal'),
  'microsoft.graph.directoryrole': cast(null, 'directoryRoles', 'directoryRole'),
  'microsoft.graph.administrativeunit': cast(null, 'administrativeUnits', 'administrativeUnit'),
  'microsoft.graph.device': cast(null, 'devices', 'device'),
  'microsoft.graph.orgcontact': cast(null, 'contacts', 'orgContact'),
  'microsoft.graph.application': cast(null, 'applications', 'application'),
}

const unqualified = (s: string) => s.toLowerCase().replace(/^microsoft\.graph\./, '')

function expect(method: string, allowed: 'GET' | 'POST'): void {
  if (method !== allowed) throw new MethodNotAllowed()
}

function memberRoute(method: string, target: TargetRef, rest: string[]): GraphRoute {
  const [head, ...tail] = rest
  const action = ACTIONS[unqualified(head!)]
  if (action) {
    if (tail.length > 0) throw BadRequest.segment(tail[0]!)
    expect(method, 'POST')
    return { op: 'action', action, target }
  }
  const nav = NAVIGATIONS[head!.toLowerCase()]
  if (!nav || !NAVS_OF[target.set].includes(nav)) throw BadRequest.segment(head!)
  let i = 0
  const typeCast = tail[i] === undefined ? undefined : CASTS[tail[i]!.toLowerCase()]
  if (typeCast) i++
  const count = tail[i] === '$count'
  if (count) i++
  if (tail[i] !== undefined) throw BadRequest.segment(tail[i]!)
  expect(method, 'GET')
  return { op: 'navigation', nav, target, cast: typeCast, count }
}

/** Resolves the segments after the version (`['me', 'memberOf']`). */
export function resolveRoute(method: string, segments: string[]): GraphRoute {
  const [first, second, ...rest] = segments
  if (first === undefined || first === '') throw BadRequest.segment('')
  if (first.toLowerCase() === 'me') {
    const target: TargetRef = { set: 'users', id: undefined }
    if (second === undefined) {
      expect(method, 'GET')
      return { op: 'getEntity', target }
    }
    return memberRoute(method, target, [second, ...rest])
  }
  const set = SETS[first.toLowerCase()]
  if (!set) throw BadRequest.segment(first)
  if (second === undefined || second === '') {
    if (set === 'directoryObjects') throw new MethodNotAllowed()
    expect(method, 'GET')
    return { op: 'list', set }
  }
  if (set === 'directoryObjects' && unqualified(second) === 'getbyids') {
    if (rest.length > 0) throw BadRequest.segment(rest[0]!)
    expect(method, 'POST')
    return { op: 'getByIds' }
  }
  const target: TargetRef = { set, id: second }
  if (rest.length === 0) {
    expect(method, 'GET')
    return { op: 'getEntity', target }
  }
  return memberRoute(method, target, rest)
}

/** The operation's name for fault injection (`graph.<name>`) and the request log. */
export function operationName(route: GraphRoute): GraphFaultOperation {
  switch (route.op) {
    case 'getByIds':
      return 'getByIds'
    case 'list':
      return (
        { users: 'listUsers', groups: 'listGroups', servicePrincipals: 'listServicePrincipals' } as const
      )[route.set]
    case 'action':
      return route.action
    case 'navigation':
      return route.nav
    case 'getEntity':
      if (route.target.id === undefined) return 'me'
      return (
        {
          users: 'getUser',
          groups: 'getGroup',
          servicePrincipals: 'getServicePrincipal',
          directoryObjects: 'getDirectoryObject',
        } as const
      )[route.target.set]
  }
}
