/**
 * The mock Azure Resource Manager's HTTP surface. One catch-all handler: authenticate the bearer
 * token, route the path (resource-path.ts), check `api-version`, apply injected faults, call the
 * protocol function (managed clusters and their control plane — cluster-routes.ts —, role assignments
 * and definitions, managed identities and their federated credentials) and render; every error goes to the one ARM error renderer.
 */
import type { FaultPoint } from '../kernel/faults.js'
import express, { type Request, type Response } from 'express'
import { createVerifiedTokenCache } from '../entra/index.js'
import { delay, jsonBody, mediaTypeOf, requestLog } from '../http/index.js'
import { requireApiVersion } from './api-version.js'
import { authenticateArm } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import type { ArmError } from './errors.js'
import {
  InjectedArmFault,
  InvalidResourceType,
  MethodNotAllowed,
  ServiceUnavailable,
  TooManyRequests,
  UnsupportedMediaType,
} from './errors.js'
import { serveControlPlane } from './cluster-routes.js'
import { listManagedClusters } from './managed-clusters.js'
import {
  deleteCredential,
  getCredential,
  getIdentity,
  listCredentials,
  listIdentities,
  managedIdentityProvider,
  putCredential,
  refuseIdentityChange,
} from './managed-identities.js'
import { parseResourcesPath, serveResources } from './microsoft-resources.js'
import { armErrorHandler, setArmHeaders } from './render-error.js'
import { parseArmPath } from './resource-path.js'
import { parseRegistryPath, serveRegistries } from './registries-routes.js'
import {
  createAssignmentMeta,
  deleteRoleAssignment,
  getRoleAssignment,
  listRoleAssignments,
  putRoleAssignment,
} from './role-assignments.js'
import { deleteRoleDefinition, getRoleDefinitions, putRoleDefinition } from './role-definitions.js'

async function applyArmFault(deps: ArmDeps, endpoint: FaultPoint & `arm.${string}`): Promise<void> {
  const fault = deps.faults.take(endpoint)
  if (!fault) return
  if (fault.latencyMs) await delay(fault.latencyMs)
  if (fault.status === undefined && fault.error === undefined) return
  let err: ArmError
  if (fault.status === 429 && !fault.error) err = new TooManyRequests()
  else if (fault.status === 503 && !fault.error) err = new ServiceUnavailable()
  else err = new InjectedArmFault(fault.status ?? 400, fault.error ?? 'BadRequest')
  const retryAfter = fault.retryAfter ?? (err.status === 429 ? 1 : undefined)
  if (retryAfter !== undefined) err.headers['Retry-After'] = String(retryAfter)
  throw err
}

const location = (deps: ArmDeps) => deps.azure?.clusters[0]?.location ?? 'global'

function send(req: Request, res: Response, status: number, body?: unknown): void {
  const id = res.locals.traceId as string
  setArmHeaders(res, id, (req.headers['x-ms-correlation-request-id'] as string | undefined) ?? id)
  if (body === undefined) res.status(status).end()
  else res.status(status).json(body)
}

function only(req: Request, ...methods: string[]): void {
  if (!methods.includes(req.method)) throw new MethodNotAllowed(req.method)
}

export function createArmApp(deps: ArmDeps, opts: { onUnexpected: (err: unknown) => void }): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.use(requestLog('arm', deps.events))
  const tokenCache = createVerifiedTokenCache()
  const meta = createAssignmentMeta(new Date(deps.clock.now()).toISOString())

  app.use((req, _res, next) => {
    const type = mediaTypeOf(req.headers['content-type'])
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding']
    if (req.method === 'PUT' && hasBody && type !== '' && !/^application\/([\w.-]+\+)?json$/.test(type))
      return next(new UnsupportedMediaType(type))
    return next()
  })
  app.use(jsonBody('1mb'))

  app.use(async (req, res) => {
    const caller = await authenticateArm(req.headers.authorization, deps, tokenCache)
    // Who called, for the request log and the UI's flow (as graph/routes.ts records its caller).
    res.locals.detail = { caller: caller.name }
    const resources = parseResourcesPath(req.path)
    if (resources) {
      const out = serveResources(resources, { method: req.method, query: req.query }, caller, deps)
      return send(req, res, out.status, out.body)
    }
    const registryRoute = parseRegistryPath(req.path)
    if (registryRoute) {
      const origin = `${req.protocol}://${req.get('host') ?? ''}`
      const out = await serveRegistries(registryRoute, req, origin, caller, deps, location(deps))
      if (out.headers) res.set(out.headers)
      return send(req, res, out.status, out.body)
    }
    const route = parseArmPath(req.path)
    const query = req.query as Record<string, unknown>
    switch (route.kind) {
      case 'cluster':
      case 'agentPools':
      case 'upgradeProfile':
      case 'aksOperation':
      case 'aksVersions':
        // Microsoft.ContainerService: reads, writes with ARM's operation protocol, credentials.
        return serveControlPlane(route, {
          req,
          res,
          caller,
          deps,
          query,
          apiVersion: requireApiVersion(query, 'managedClusters', location(deps)),
          send: (status, body) => send(req, res, status, body),
          fault: (endpoint) => applyArmFault(deps, endpoint),
        })
      case 'clusterList':
        requireApiVersion(query, 'managedClusters', location(deps))
        only(req, 'GET')
        await applyArmFault(deps, 'arm.managedClusters')
        return send(req, res, 200, listManagedClusters(caller, deps, route))
      case 'roleAssignments': {
        requireApiVersion(query, 'roleAssignments')
        await applyArmFault(deps, 'arm.roleAssignments')
        if (route.name === undefined) {
          only(req, 'GET')
          return send(req, res, 200, listRoleAssignments(caller, deps, meta, { scope: route.scope, query }))
        }
        const r = { scope: route.scope, name: route.name }
        if (req.method === 'PUT') {
          const out = putRoleAssignment(caller, deps, meta, { ...r, body: req.body as unknown })
          return send(req, res, out.created ? 201 : 200, out.body)
        }
        if (req.method === 'DELETE') {
          const body = deleteRoleAssignment(caller, deps, meta, r)
          return send(req, res, body ? 200 : 204, body)
        }
        only(req, 'GET')
        return send(req, res, 200, getRoleAssignment(caller, deps, meta, r))
      }
      case 'roleDefinitions': {
        requireApiVersion(query, 'roleDefinitions')
        await applyArmFault(deps, 'arm.roleDefinitions')
        if (route.id !== undefined && req.method === 'PUT') {
          const body = putRoleDefinition(caller, deps, {
            scope: route.scope,
            id: route.id,
            body: req.body as unknown,
          })
          return send(req, res, 201, body)
        }
        if (route.id !== undefined && req.method === 'DELETE') {
          const body = deleteRoleDefinition(caller, deps, { scope: route.scope, id: route.id })
          return send(req, res, body ? 200 : 204, body)
        }
        only(req, 'GET')
        return send(
          req,
          res,
          200,
          getRoleDefinitions(caller, deps, {
            scope: route.scope,
            ...(route.id !== undefined && { id: route.id }),
            query,
          }),
        )
      }
      case 'identityList':
        managedIdentityProvider(deps)
        requireApiVersion(query, 'userAssignedIdentities', location(deps))
        only(req, 'GET')
        await applyArmFault(deps, 'arm.managedIdentities')
        return send(req, res, 200, listIdentities(caller, deps, route))
      case 'identity':
        managedIdentityProvider(deps)
        requireApiVersion(query, 'userAssignedIdentities', location(deps))
        only(req, 'GET', 'PUT', 'PATCH', 'DELETE')
        await applyArmFault(deps, 'arm.managedIdentities')
        if (req.method !== 'GET') return refuseIdentityChange(caller, deps, route, req.method)
        return send(req, res, 200, getIdentity(caller, deps, route))
      case 'federatedCredentials': {
        managedIdentityProvider(deps)
        const apiVersion = requireApiVersion(query, 'federatedIdentityCredentials', location(deps))
        await applyArmFault(deps, 'arm.managedIdentities')
        if (route.name === undefined) {
          only(req, 'GET')
          const selfUrl = `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl.split('?')[0]!}`
          const page = { top: query.$top, skiptoken: query.$skiptoken, apiVersion, selfUrl }
          return send(req, res, 200, listCredentials(caller, deps, route, page))
        }
        const r = { ...route, name: route.name }
        if (req.method === 'PUT') {
          const out = putCredential(caller, deps, r, req.body as unknown)
          return send(req, res, out.created ? 201 : 200, out.body)
        }
        if (req.method === 'DELETE') return send(req, res, deleteCredential(caller, deps, r) ? 200 : 204)
        only(req, 'GET')
        return send(req, res, 200, getCredential(caller, deps, r))
      }
      case 'unknownType': {
        const version = typeof query['api-version'] === 'string' ? query['api-version'] : ''
        throw new InvalidResourceType(route.type, route.namespace, version)
      }
    }
  })
  app.use(armErrorHandler({ authority: deps.authority, onUnexpected: opts.onUnexpected }))
  return app
}
