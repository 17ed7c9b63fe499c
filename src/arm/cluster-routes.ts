/**
 * The HTTP side of Microsoft.ContainerService: the managed cluster (GET, PUT, PATCH, the credential and
 * power actions), its agent pools and upgrade profile, the region's versions, and the operation status
 * URLs. Writes answer with ARM's asynchronous-operation headers (operation-status.ts); the protocol
 * functions decide everything else.
 */
import type { Request, Response } from 'express'
import { listAgentPools, getAgentPool, putAgentPool } from './agent-pools.js'
import type { ArmCaller } from './authenticate.js'
import {
  patchManagedClusterTags,
  powerAction,
  putManagedCluster,
  type WriteResult,
} from './cluster-writes.js'
import type { ArmDeps } from './deps.js'
import { InvalidResourceType, MethodNotAllowed } from './errors.js'
import {
  getManagedCluster,
  listClusterAdminCredential,
  listClusterUserCredential,
} from './managed-clusters.js'
import { getOperationResult, getOperationStatus, operationUrls } from './operation-status.js'
import type { ArmRoute } from './resource-path.js'
import { getUpgradeProfile, listKubernetesVersions, listOrchestrators } from './upgrades.js'

export type ControlPlaneRoute = Extract<
  ArmRoute,
  { kind: 'cluster' | 'agentPools' | 'upgradeProfile' | 'aksOperation' | 'aksVersions' }
>

export interface RouteContext {
  req: Request
  res: Response
  caller: ArmCaller
  deps: ArmDeps
  query: Record<string, unknown>
  apiVersion: string
  send: (status: number, body?: unknown) => void
  /** Applies an injected fault of the endpoint (`arm.managedClusters`, …), if any. */
  fault: (
    endpoint: 'arm.managedClusters' | 'arm.listClusterUserCredential' | 'arm.listClusterAdminCredential',
  ) => Promise<void>
}

function only(req: Request, ...methods: string[]): void {
  if (!methods.includes(req.method)) throw new MethodNotAllowed(req.method)
}

const originOf = (req: Request) => `${req.protocol}://${req.get('host') ?? ''}`

/** 200/201/202 with Azure-AsyncOperation, Location and Retry-After. */
function accepted(ctx: RouteContext, out: WriteResult): void {
  const urls = operationUrls(originOf(ctx.req), out.operation, ctx.apiVersion)
  ctx.res.set({
    'Azure-AsyncOperation': urls.asyncOperation,
    Location: urls.location,
    'Retry-After': String(ctx.deps.controlPlane.retryAfterSeconds),
  })
  ctx.send(out.status, out.body)
}

export async function serveControlPlane(route: ControlPlaneRoute, ctx: RouteContext): Promise<void> {
  const { req, caller, deps, query } = ctx
  switch (route.kind) {
    case 'cluster': {
      const action = route.action?.toLowerCase()
      if (action === undefined) {
        only(req, 'GET', 'PUT', 'PATCH')
        await ctx.fault('arm.managedClusters')
        if (req.method === 'PUT')
          return accepted(ctx, putManagedCluster(caller, deps, route, req.body as unknown))
        if (req.method === 'PATCH')
          return accepted(ctx, patchManagedClusterTags(caller, deps, route, req.body as unknown))
        return ctx.send(200, getManagedCluster(caller, deps, route))
      }
      only(req, 'POST')
      if (action === 'listclusterusercredential') {
        await ctx.fault('arm.listClusterUserCredential')
        return ctx.send(200, listClusterUserCredential(caller, deps, route, query))
      }
      if (action === 'listclusteradmincredential') {
        await ctx.fault('arm.listClusterAdminCredential')
        return ctx.send(200, await listClusterAdminCredential(caller, deps, route))
      }
      if (action === 'stop' || action === 'start') {
        await ctx.fault('arm.managedClusters')
        return accepted(ctx, powerAction(caller, deps, route, action))
      }
      throw new InvalidResourceType(
        `managedClusters/${route.action!}`,
        'Microsoft.ContainerService',
        ctx.apiVersion,
      )
    }
    case 'agentPools': {
      await ctx.fault('arm.managedClusters')
      if (route.pool === undefined) {
        only(req, 'GET')
        return ctx.send(200, listAgentPools(caller, deps, route))
      }
      const r = { ...route, pool: route.pool }
      only(req, 'GET', 'PUT')
      if (req.method === 'PUT') return accepted(ctx, putAgentPool(caller, deps, r, req.body as unknown))
      return ctx.send(200, getAgentPool(caller, deps, r))
    }
    case 'upgradeProfile':
      only(req, 'GET')
      await ctx.fault('arm.managedClusters')
      return ctx.send(200, getUpgradeProfile(caller, deps, route))
    case 'aksVersions':
      only(req, 'GET')
      await ctx.fault('arm.managedClusters')
      return ctx.send(
        200,
        route.type === 'orchestrators'
          ? listOrchestrators(caller, deps, route)
          : listKubernetesVersions(caller, deps, route),
      )
    case 'aksOperation': {
      only(req, 'GET')
      const retry = { 'Retry-After': String(deps.controlPlane.retryAfterSeconds) }
      if (!route.result) {
        const out = getOperationStatus(caller, deps, route)
        if (out.running) ctx.res.set(retry)
        return ctx.send(200, out.body)
      }
      if (!getOperationResult(caller, deps, route).running) return ctx.send(204)
      ctx.res.set({ ...retry, Location: `${originOf(req)}${req.originalUrl}` })
      return ctx.send(202)
    }
  }
}
