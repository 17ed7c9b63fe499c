/**
 * One Graph request, from URL and bearer token to a Graph-shaped answer: authenticate, resolve the
 * route, apply injected faults (`graph.<operation>`), authorise, find the target, run the operation.
 * Transport-free, so the HTTP app, the tests and the benchmark all call the same function.
 */
import { createVerifiedTokenCache } from '../entra/index.js'
import type { DirectoryObject } from '../kernel/directory.js'
import { isGuid } from '../kernel/ids.js'
import { authenticate, type Caller } from './auth.js'
import type { GraphDeps } from './deps.js'
import { BadRequest, RequestBadRequest, RequestResourceNotFound } from './errors.js'
import { applyGraphFault } from './faults.js'
import { createMembershipView } from './membership.js'
import type { ObjectKind } from './objects.js'
import {
  allow,
  getByIds,
  getEntity,
  list,
  memberAction,
  navigation,
  type GraphContext,
  type GraphResult,
} from './operations.js'
import { canRunOn } from './permissions.js'
import {
  operationName,
  resolveRoute,
  VERSIONS,
  type EntitySet,
  type GraphRoute,
  type TargetRef,
} from './route.js'

export interface GraphRequest {
  method: string
  /** Raw (percent-encoded) path without the query string, e.g. `/v1.0/users/bob%40x/memberOf`. */
  path: string
  query: Record<string, unknown>
  authorization: string | undefined
  consistencyLevel: string | undefined
  contentType: string | undefined
  body: Buffer | undefined
}

export interface GraphService {
  handle(req: GraphRequest): Promise<GraphResult & { operation: string; caller: string }>
}

const KIND_OF_SET: Record<EntitySet, ObjectKind | undefined> = {
  users: 'user',
  groups: 'group',
  servicePrincipals: 'servicePrincipal',
  directoryObjects: undefined,
}

function splitPath(path: string): { version: string; segments: string[] } {
  const raw = path.split('/').slice(1)
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop() // tolerate one trailing slash
  const segments = raw.map((s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      throw BadRequest.segment(s)
    }
  })
  const version = segments.shift() ?? ''
  if (!VERSIONS.has(version.toLowerCase())) throw new BadRequest(`Invalid version: ${version}`)
  return { version: version.toLowerCase(), segments }
}

function lookup(deps: GraphDeps, caller: Caller, ref: TargetRef): DirectoryObject | undefined {
  if (ref.id === undefined) {
    if (caller.kind !== 'delegated')
      throw new BadRequest('/me request is only valid with delegated authentication flow.')
    return caller.user
  }
  const id = ref.id
  if (ref.set === 'users') return deps.directory.user(id) // object id or userPrincipalName
  if (!isGuid(id)) throw RequestBadRequest.invalidId(id)
  const o = deps.directory.object(id)
  const kind = KIND_OF_SET[ref.set]
  return o && (kind === undefined || o.kind === kind) ? o : undefined
}

/** Authorises before revealing whether the object exists: no permission is 403 even for unknown ids. */
function findTarget(
  ctx: GraphContext,
  route: Exclude<GraphRoute, { op: 'list' | 'getByIds' }>,
): DirectoryObject {
  const found = lookup(ctx.deps, ctx.caller, route.target)
  const kind = found?.kind ?? KIND_OF_SET[route.target.set]
  if (kind !== undefined) allow(canRunOn(route, ctx.caller, kind, found?.id ?? ''))
  if (!found) throw new RequestResourceNotFound(route.target.id ?? '')
  return found
}

export function createGraphService(deps: GraphDeps): GraphService {
  const view = createMembershipView(deps.directory)
  const verified = createVerifiedTokenCache()
  return {
    async handle(req) {
      const caller = await authenticate(req.authorization, deps, verified)
      const { version, segments } = splitPath(req.path)
      const route = resolveRoute(req.method.toUpperCase(), segments)
      const operation = operationName(route)
      await applyGraphFault(deps.faults, `graph.${operation}`)
      const ctx: GraphContext = {
        deps,
        view,
        caller,
        version,
        rawPath: req.path,
        query: req.query,
        eventual: req.consistencyLevel?.trim().toLowerCase() === 'eventual',
        contentType: req.contentType,
        body: req.body,
      }
      const who = caller.kind === 'delegated' ? caller.user.userPrincipalName : caller.appId
      const done = (r: GraphResult) => ({ ...r, operation, caller: who })
      if (route.op === 'list') return done(list(ctx, route.set))
      if (route.op === 'getByIds') return done(getByIds(ctx))
      const target = findTarget(ctx, route)
      if (route.op === 'getEntity')
        return done(getEntity(ctx, target, route.target.set === 'directoryObjects'))
      if (route.op === 'action') return done(memberAction(ctx, target, route.action))
      return done(navigation(ctx, target, route.nav, route.cast, route.count))
    },
  }
}
