/**
 * The HTTP side of Microsoft.ContainerRegistry: which registry path a request names and which protocol
 * function answers it (registries.ts). Writes complete before the answer: PUT is 200 (replaced) or 201
 * (created) with `provisioningState: Succeeded`, DELETE is 200 (deleted) or 204 (there was nothing).
 */
import { randomUUID } from 'node:crypto'
import type { Request } from 'express'
import { requireApiVersion } from './api-version.js'
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import {
  InvalidResourceNamespace,
  InvalidResourceType,
  MethodNotAllowed,
  NoRouteFound,
  ResourceNotFound,
} from './errors.js'
import {
  deleteScopeMap,
  checkNameAvailability,
  deleteToken,
  generateCredentials,
  getRegistry,
  getScopeMap,
  getToken,
  listAdminCredentials,
  listRegistries,
  listScopeMaps,
  listTokens,
  regenerateAdminCredential,
  REGISTRY_TYPE,
  updateRegistry,
  writeScopeMap,
  writeToken,
} from './registries.js'
import { deleteRegistry, putRegistry } from './registry-lifecycle.js'

export type RegistryRoute =
  | { kind: 'list'; subscriptionId: string; resourceGroup?: string }
  | { kind: 'checkName'; subscriptionId: string }
  | { kind: 'registry'; subscriptionId: string; resourceGroup: string; name: string; rest: string[] }

const SEG = '([^/]+)'
const LIST = new RegExp(
  `^/subscriptions/${SEG}(?:/resourceGroups/${SEG})?/providers/Microsoft\\.ContainerRegistry/registries/?$`,
  'i',
)
const CHECK_NAME = new RegExp(
  `^/subscriptions/${SEG}/providers/Microsoft\\.ContainerRegistry/checkNameAvailability/?$`,
  'i',
)
const ONE = new RegExp(
  `^/subscriptions/${SEG}/resourceGroups/${SEG}/providers/Microsoft\\.ContainerRegistry/registries/${SEG}((?:/[^/]+)*)/?$`,
  'i',
)

/** A Microsoft.ContainerRegistry path, or undefined for any other. */
export function parseRegistryPath(path: string): RegistryRoute | undefined {
  const d = (s: string) => {
    try {
      return decodeURIComponent(s)
    } catch {
      // A malformed escape (`%zz`) names no resource: ARM's 404, not a crash.
      throw new NoRouteFound(path)
    }
  }
  const c = CHECK_NAME.exec(path)
  if (c) return { kind: 'checkName', subscriptionId: d(c[1]!) }
  const l = LIST.exec(path)
  if (l)
    return { kind: 'list', subscriptionId: d(l[1]!), ...(l[2] !== undefined && { resourceGroup: d(l[2]) }) }
  const m = ONE.exec(path)
  // Role assignments and definitions at a registry's scope are Microsoft.Authorization's (routes.ts).
  if (!m || /\/providers\/Microsoft\.Authorization(\/|$)/i.test(m[4]!)) return undefined
  const rest = m[4]!
    .split('/')
    .filter((x) => x !== '')
    .map(d)
  return { kind: 'registry', subscriptionId: d(m[1]!), resourceGroup: d(m[2]!), name: d(m[3]!), rest }
}

export interface RegistryAnswer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/**
 * The operations ACR announced with `Azure-AsyncOperation` on a 201 (ScopeMapCreate.json,
 * TokenCreate.json: `<resource>/operationStatuses/<scopemaps|tokens>-<guid>`). The simulator finishes
 * the write before answering, so each is Succeeded; an id it never issued is not found.
 */
const issuedOperations = new WeakMap<ArmDeps, Set<string>>()
const issued = (deps: ArmDeps) => {
  let set = issuedOperations.get(deps)
  if (!set) issuedOperations.set(deps, (set = new Set()))
  return set
}

function only(req: Request, ...methods: string[]): void {
  if (!methods.includes(req.method)) throw new MethodNotAllowed(req.method)
}

export async function serveRegistries(
  route: RegistryRoute,
  req: Request,
  origin: string,
  caller: ArmCaller,
  deps: ArmDeps,
  location: string,
): Promise<RegistryAnswer> {
  if (!deps.registries) throw new InvalidResourceNamespace('Microsoft.ContainerRegistry')
  const query = req.query as Record<string, unknown>
  if (route.kind === 'checkName') {
    requireApiVersion(query, 'registries', location)
    only(req, 'POST')
    return {
      status: 200,
      body: checkNameAvailability(caller, deps, route.subscriptionId, req.body as unknown),
    }
  }
  if (route.kind === 'list') {
    requireApiVersion(query, 'registries', location)
    only(req, 'GET')
    return { status: 200, body: listRegistries(caller, deps, route) }
  }
  const r = { subscriptionId: route.subscriptionId, resourceGroup: route.resourceGroup, name: route.name }
  const [sub, child, extra, operation] = route.rest
  const announce = (
    out: { created: boolean; body: unknown },
    prefix: string,
    version: string,
  ): RegistryAnswer => {
    if (!out.created) return { status: 200, body: out.body }
    const id = `${prefix}-${randomUUID()}`
    const resource = (out.body as { id: string }).id
    issued(deps).add(`${resource}/operationStatuses/${id}`.toLowerCase())
    const url = `${origin}${resource}/operationStatuses/${id}?api-version=${version}`
    return { status: 201, body: out.body, headers: { 'Azure-AsyncOperation': url } }
  }
  const write = (out: { created: boolean; body: unknown }, version: string): RegistryAnswer =>
    announce(out, kind, version)
  const operationStatus = (
    request: Request,
    type: string,
    name: string,
    at: { resourceGroup: string },
  ): RegistryAnswer => {
    const key = `${request.path.replace(/\/+$/, '')}`.toLowerCase()
    if (!issued(deps).has(key)) throw new ResourceNotFound(type, name, at.resourceGroup)
    return { status: 200, body: { status: 'Succeeded' } }
  }
  const unknownType = (type: string, version: string): never => {
    throw new InvalidResourceType(type, 'Microsoft.ContainerRegistry', version)
  }
  if (sub === undefined) {
    const version = requireApiVersion(query, 'registries', location)
    only(req, 'GET', 'PATCH', 'PUT', 'DELETE')
    if (req.method === 'PATCH')
      return { status: 200, body: updateRegistry(caller, deps, r, req.body as unknown) }
    if (req.method === 'PUT') {
      // RegistryCreate.json: 201 with Azure-AsyncOperation (`…/operationStatuses/registries-<guid>`).
      const out = await putRegistry(caller, deps, r, req.body as unknown)
      return announce(out, 'registries', version)
    }
    if (req.method === 'DELETE') return { status: (await deleteRegistry(caller, deps, r)) ? 200 : 204 }
    return { status: 200, body: getRegistry(caller, deps, r) }
  }
  const kind = sub.toLowerCase()
  if (kind === 'operationstatuses') {
    const version = requireApiVersion(query, 'registries', location)
    if (child === undefined || extra !== undefined) unknownType(`registries/${sub}`, version)
    only(req, 'GET')
    getRegistry(caller, deps, r)
    return operationStatus(req, `${REGISTRY_TYPE}/operationStatuses`, `${route.name}/${child!}`, route)
  }
  if (kind === 'scopemaps' || kind === 'tokens') {
    const version = requireApiVersion(
      query,
      kind === 'tokens' ? 'registryTokens' : 'registryScopeMaps',
      location,
    )
    if (extra !== undefined) {
      if (extra.toLowerCase() !== 'operationstatuses' || operation === undefined || route.rest.length > 4)
        unknownType(`registries/${sub}/${extra}`, version)
      only(req, 'GET')
      const c = { ...r, child: child! }
      // The caller must be able to read the resource the operation wrote.
      if (kind === 'tokens') getToken(caller, deps, c)
      else getScopeMap(caller, deps, c)
      return operationStatus(
        req,
        `${REGISTRY_TYPE}/${sub}/operationStatuses`,
        `${route.name}/${child!}/${operation}`,
        route,
      )
    }
    if (child === undefined) {
      only(req, 'GET')
      return {
        status: 200,
        body: kind === 'tokens' ? listTokens(caller, deps, r) : listScopeMaps(caller, deps, r),
      }
    }
    const c = { ...r, child }
    only(req, 'GET', 'PUT', 'PATCH', 'DELETE')
    if (req.method === 'GET')
      return {
        status: 200,
        body: kind === 'tokens' ? getToken(caller, deps, c) : getScopeMap(caller, deps, c),
      }
    if (req.method === 'DELETE') {
      const existed = kind === 'tokens' ? deleteToken(caller, deps, c) : deleteScopeMap(caller, deps, c)
      return { status: existed ? 200 : 204 }
    }
    const method = req.method as 'PUT' | 'PATCH'
    return write(
      kind === 'tokens'
        ? writeToken(caller, deps, c, req.body as unknown, method)
        : writeScopeMap(caller, deps, c, req.body as unknown, method),
      version,
    )
  }
  const version = requireApiVersion(
    query,
    kind === 'generatecredentials' ? 'registryTokens' : 'registries',
    location,
  )
  if (child !== undefined) unknownType(`registries/${sub}/${child}`, version)
  only(req, 'POST')
  if (kind === 'listcredentials') return { status: 200, body: listAdminCredentials(caller, deps, r) }
  if (kind === 'regeneratecredential')
    return { status: 200, body: regenerateAdminCredential(caller, deps, r, req.body as unknown) }
  if (kind === 'generatecredentials')
    return { status: 200, body: generateCredentials(caller, deps, r, req.body as unknown) }
  return unknownType(`registries/${sub}`, version)
}
