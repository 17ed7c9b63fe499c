/**
 * The Graph operations, once the caller is authenticated, the route resolved and (for calls on one
 * object) authorised: entity reads, lists, membership navigations (memberOf, transitiveMemberOf,
 * members, transitiveMembers), the member actions (getMemberGroups, getMemberObjects,
 * checkMemberGroups, checkMemberObjects) and directoryObjects/getByIds, in Graph's JSON shapes.
 */
import type { DirectoryObject } from '../kernel/directory.js'
import type { Caller } from './auth.js'
import { parseCheckIds, parseGetByIds, parseSecurityEnabledOnly, readJsonObject } from './body.js'
import type { GraphDeps } from './deps.js'
import {
  AuthorizationRequestDenied,
  BadRequest,
  DirectoryResultSizeLimitExceeded,
  RequestBadRequest,
} from './errors.js'
import { MEMBER_GROUPS_LIMIT, type MembershipView } from './membership.js'
import { parseFilter } from './filter.js'
import { ENTITY_SET, propertiesOf, renderObject, selectableProperties, type ObjectKind } from './objects.js'
import { contextUrl, nextLink, pageOf, parseQueryOptions, type QueryOptions } from './odata.js'
import {
  canListUsers,
  canReadDirectory,
  canReadGroups,
  canReadObject,
  canReadServicePrincipals,
} from './permissions.js'
import type { CastType, ListableSet, MemberAction, Navigation } from './route.js'

export interface GraphContext {
  deps: GraphDeps
  view: MembershipView
  caller: Caller
  version: string
  /** Raw request path (with version), for next links. */
  rawPath: string
  query: Record<string, unknown>
  eventual: boolean
  contentType: string | undefined
  body: Buffer | undefined
}

export interface GraphResult {
  status: number
  body: unknown
  /** `text/plain` answer (`/$count`). */
  text?: boolean
}

const KIND_TYPE: Record<ObjectKind, string> = {
  user: 'user',
  group: 'group',
  servicePrincipal: 'servicePrincipal',
}

export function allow(ok: boolean): void {
  if (!ok) throw new AuthorizationRequestDenied()
}

/** Canonical `$select` names, checked against the properties the possible types have. */
function selectFor(q: QueryOptions, kinds: ObjectKind[], typeName: string): string[] | undefined {
  if (!q.select) return undefined
  const known = selectableProperties(kinds)
  return q.select.map((name) => {
    const canonical = known.get(name.toLowerCase())
    if (!canonical && kinds.length > 0)
      throw new BadRequest(`Could not find a property named '${name}' on type 'microsoft.graph.${typeName}'.`)
    return canonical ?? name
  })
}

const selectSuffix = (select: string[] | undefined) => (select ? `(${select.join(',')})` : '')

function collection(
  ctx: GraphContext,
  all: DirectoryObject[],
  q: QueryOptions,
  fragment: string,
  render: (o: DirectoryObject) => Record<string, unknown>,
): GraphResult {
  const base = ctx.deps.baseUrl()
  const page = pageOf(all, q)
  return {
    status: 200,
    body: {
      '@odata.context': contextUrl(base, ctx.version, fragment),
      ...(q.count && { '@odata.count': all.length }),
      ...(page.next !== undefined && { '@odata.nextLink': nextLink(base, ctx.rawPath, q, page.next) }),
      value: page.items.map(render),
    },
  }
}

export function getEntity(
  ctx: GraphContext,
  target: DirectoryObject,
  viaDirectoryObjects: boolean,
): GraphResult {
  const q = parseQueryOptions(ctx.query, ctx.eventual)
  const select = selectFor(q, [target.kind], KIND_TYPE[target.kind])
  const set = viaDirectoryObjects ? 'directoryObjects' : ENTITY_SET[target.kind]
  const tenantId = ctx.deps.directory.tenant.id
  return {
    status: 200,
    body: {
      '@odata.context': contextUrl(ctx.deps.baseUrl(), ctx.version, `${set}${selectSuffix(select)}/$entity`),
      ...renderObject(target, tenantId, { select, withType: viaDirectoryObjects, limited: false }),
    },
  }
}

/** What `$filter` may name on each list (the properties the Azure CLI looks objects up by). */
const FILTERABLE: Record<ListableSet, { kind: ObjectKind; type: string; properties: string[] }> = {
  users: {
    kind: 'user',
    type: 'User',
    properties: ['id', 'userPrincipalName', 'displayName', 'mail', 'mailNickname'],
  },
  groups: { kind: 'group', type: 'Group', properties: ['id', 'displayName', 'mailNickname'] },
  servicePrincipals: {
    kind: 'servicePrincipal',
    type: 'ServicePrincipal',
    properties: ['id', 'appId', 'displayName', 'servicePrincipalNames'],
  },
}

export function list(ctx: GraphContext, set: ListableSet): GraphResult {
  allow(
    set === 'users'
      ? canListUsers(ctx.caller)
      : set === 'groups'
        ? canReadGroups(ctx.caller)
        : canReadServicePrincipals(ctx.caller),
  )
  const q = parseQueryOptions(ctx.query, ctx.eventual, { filter: true })
  const { kind, type, properties } = FILTERABLE[set]
  const select = selectFor(q, [kind], kind)
  const directory = ctx.deps.directory
  const tenantId = directory.tenant.id
  let all: DirectoryObject[] =
    set === 'users'
      ? directory.users()
      : set === 'groups'
        ? directory.groups()
        : directory.applications().flatMap((a) => {
            const sp = directory.object(a.servicePrincipalId)
            return sp ? [sp] : []
          })
  if (q.filter !== undefined) {
    const keep = parseFilter(q.filter, properties, type)
    all = all.filter((o) => keep(propertiesOf(o, tenantId)))
  }
  return collection(ctx, all, q, `${set}${selectSuffix(select)}`, (o) =>
    renderObject(o, tenantId, { select, withType: false, limited: false }),
  )
}

export function navigation(
  ctx: GraphContext,
  target: DirectoryObject,
  nav: Navigation,
  cast: CastType | undefined,
  count: boolean,
): GraphResult {
  const { caller } = ctx
  const ofGroup = nav === 'members' || nav === 'transitiveMembers'
  const transitive = nav.startsWith('transitive')
  let items: DirectoryObject[] = ofGroup
    ? ctx.view.membersOf(target.id, transitive)
    : ctx.view.groupsOf(target.id, transitive)
  if (cast) items = cast.kind === null ? [] : items.filter((o) => o.kind === cast.kind)
  if (count) {
    if (!ctx.eventual) throw new RequestBadRequest('$count is not currently supported.')
    return { status: 200, body: String(items.length), text: true }
  }
  const q = parseQueryOptions(ctx.query, ctx.eventual)
  const kinds: ObjectKind[] = cast ? (cast.kind ? [cast.kind] : []) : ['user', 'group', 'servicePrincipal']
  const select = selectFor(q, kinds, cast?.typeName ?? 'directoryObject')
  const fragment = `${cast ? cast.entitySet : 'directoryObjects'}${selectSuffix(select)}`
  const tenantId = ctx.deps.directory.tenant.id
  return collection(ctx, items, q, fragment, (o) =>
    renderObject(o, tenantId, { select, withType: !cast, limited: !canReadObject(caller, o.kind, o.id) }),
  )
}

export function memberAction(ctx: GraphContext, target: DirectoryObject, action: MemberAction): GraphResult {
  const check = action === 'checkMemberGroups' || action === 'checkMemberObjects'
  const body = readJsonObject(ctx.body, ctx.contentType)
  let value: string[]
  if (check) {
    const member = ctx.view.groupIdSet(target.id)
    value = [...new Set(parseCheckIds(body, action))].filter((id) => member.has(id))
  } else {
    const securityOnly = parseSecurityEnabledOnly(body, action)
    const groups = ctx.view.groupsOf(target.id, true)
    value = (securityOnly ? groups.filter((g) => g.securityEnabled) : groups).map((g) => g.id)
    if (value.length > MEMBER_GROUPS_LIMIT) throw new DirectoryResultSizeLimitExceeded(MEMBER_GROUPS_LIMIT)
  }
  return {
    status: 200,
    body: { '@odata.context': contextUrl(ctx.deps.baseUrl(), ctx.version, 'Collection(Edm.String)'), value },
  }
}

const TYPE_OF: Record<ObjectKind, string> = {
  user: 'user',
  group: 'group',
  servicePrincipal: 'serviceprincipal',
}

export function getByIds(ctx: GraphContext): GraphResult {
  allow(canReadDirectory(ctx.caller))
  const { ids, types } = parseGetByIds(readJsonObject(ctx.body, ctx.contentType))
  const tenantId = ctx.deps.directory.tenant.id
  const value = [...new Set(ids)].flatMap((id) => {
    const o = ctx.deps.directory.object(id)
    if (!o || (types && !types.has(TYPE_OF[o.kind]))) return []
    return [renderObject(o, tenantId, { select: undefined, withType: true, limited: false })]
  })
  return {
    status: 200,
    body: { '@odata.context': contextUrl(ctx.deps.baseUrl(), ctx.version, 'directoryObjects'), value },
  }
}
