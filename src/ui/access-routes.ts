/**
 * The access explorer's API: the directory (users with the identity the cluster sees, nested
 * groups), Azure role assignments, Kubernetes bindings, "may this user …, and why" and "who can …".
 */
import { Router, type Request } from 'express'
import { azureDirectoryFrom } from '../azure-rbac/index.js'
import type { UiDeps } from './deps.js'
import { badRequest } from './errors.js'
import { checkAccess, type AccessQuery, type CheckDeps } from './explorer/check.js'
import { directoryView } from './explorer/identity.js'
import { whoCan } from './explorer/who-can.js'
import { bodyOf, query, text } from './input.js'

export function checkDepsOf(deps: UiDeps): CheckDeps {
  const kubernetes = deps.kubernetes?.()
  return {
    directory: deps.directory,
    config: deps.config,
    ...(deps.azure && { azure: deps.azure }),
    ...(kubernetes && { kubernetes }),
  }
}

const VERB = /^([a-z]+|\*)$/

function accessQuery(req: Request, withUser: boolean): AccessQuery {
  const b = bodyOf(req)
  const verb = text(b, 'verb')
  if (!VERB.test(verb)) throw badRequest(`'${verb}' is not a Kubernetes verb`)
  const resource = text(b, 'resource', true)
  const path = text(b, 'path', true)
  if (!resource && !path) throw badRequest("give a 'resource' (pods, pods/log, deployments) or a 'path'")
  if (path && !path.startsWith('/')) throw badRequest("'path' must start with /")
  const group = text(b, 'group', true)
  const namespace = text(b, 'namespace', true)
  const name = text(b, 'name', true)
  return {
    user: withUser ? text(b, 'user') : '',
    verb,
    ...(resource && { resource }),
    ...(path && !resource && { path }),
    ...(group && { group }),
    ...(namespace && { namespace }),
    ...(name && { name }),
  }
}

export function accessRoutes(deps: UiDeps): Router {
  const r = Router()
  r.get('/directory', (_req, res) => {
    res.json({
      tenant: deps.directory.tenant,
      ...directoryView(deps.directory, deps.config.webhook.audience),
    })
  })
  r.get('/access/assignments', (_req, res) => {
    const az = deps.azure
    if (!az) return void res.json({ enabled: false, value: [] })
    const principals = azureDirectoryFrom(deps.directory)
    res.json({
      enabled: az.enabled(),
      clusterResourceId: az.clusterResourceId,
      value: az.rbac.roleAssignments().map((a) => ({
        ...a,
        principal: principals.findPrincipal(a.principalId)?.displayName ?? a.principalId,
        role: az.rbac.roleDefinition(a.roleDefinitionId)?.roleName ?? a.roleDefinitionId,
        namespace: a.scope.startsWith(`${az.clusterResourceId}/namespaces/`)
          ? a.scope.slice(az.clusterResourceId.length + '/namespaces/'.length)
          : undefined,
      })),
      roles: az.rbac
        .roleDefinitions()
        .filter((d) => d.permissions.some((p) => p.dataActions.length > 0 || p.actions.length > 0))
        .map((d) => ({
          id: d.id,
          name: d.roleName,
          dataActions: d.permissions.flatMap((p) => p.dataActions),
        })),
    })
  })
  r.get('/access/bindings', (req, res) => {
    const k = deps.kubernetes?.()
    if (!k) return void res.json({ available: false, value: [], namespaces: [], clusterRoles: [] })
    const all = query(req, 'all') === 'true'
    const groupName = (id: string) => deps.directory.group(id)?.displayName
    res.json({
      available: true,
      namespaces: k.namespaces(),
      clusterRoles: [...k.rbac.snapshot().clusterRoles.keys()].sort(),
      value: k
        .bindings()
        .filter((b) => all || !b.bootstrap)
        .map((b) => ({
          ...b,
          subjects: b.subjects.map((s) => ({
            ...s,
            ...(s.kind === 'Group' && groupName(s.name) && { displayName: groupName(s.name) }),
          })),
        })),
    })
  })
  r.post('/access/check', (req, res) => {
    const q = accessQuery(req, true)
    const user = deps.directory.user(q.user)
    if (!user) throw badRequest(`no user '${q.user}' in ${deps.directory.tenant.domain}`)
    res.json(checkAccess(checkDepsOf(deps), user, q))
  })
  r.post('/access/who-can', (req, res) => {
    const { user: _user, ...q } = accessQuery(req, false)
    res.json(whoCan(checkDepsOf(deps), q))
  })
  return r
}
