/**
 * `az role assignment`-style operations over ARM's Microsoft.Authorization API: resolve the assignee
 * (UPN, group or application name, or object id — from the simulator's directory listing in
 * endpoints.json, where az would ask Graph), the role (name → id through roleDefinitions, as az does)
 * and the scope (an ARM id, or a short form such as `namespace:prod`), then PUT/GET/DELETE.
 */
import { randomUUID } from 'node:crypto'
import { armRequest } from './arm-client.js'
import { SignInError } from './errors.js'
import type { Fetch } from './http.js'
import type { SimulatorEndpoints } from './locate.js'
import { AUTHORIZATION_API_VERSION } from './well-known.js'

export interface ArmContext {
  arm: string
  token: string
  fetch: Fetch
  endpoints: SimulatorEndpoints | undefined
}

export interface AssignmentView {
  id: string
  name: string
  type: string
  properties: {
    roleDefinitionId: string
    principalId: string
    principalType: string
    scope: string
    [k: string]: unknown
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const RA = '/providers/Microsoft.Authorization/roleAssignments'
const lower = (s: string) => s.toLowerCase()

export function resolveAssignee(
  ref: string,
  endpoints: SimulatorEndpoints | undefined,
): { id: string; type?: 'User' | 'Group' | 'ServicePrincipal' } {
  if (GUID.test(ref)) return { id: lower(ref) }
  const d = endpoints?.directory
  const user = d?.users?.find((u) => lower(u.upn) === lower(ref))
  if (user) return { id: user.oid, type: 'User' }
  const group = d?.groups?.find((g) => lower(g.name) === lower(ref))
  if (group) return { id: group.oid, type: 'Group' }
  const app = d?.applications?.find((a) => lower(a.name) === lower(ref) || lower(a.appId) === lower(ref))
  if (app) return { id: app.servicePrincipalId, type: 'ServicePrincipal' }
  throw new SignInError('usage', `Cannot find user or service principal in graph database for '${ref}'.`)
}

/** ARM ids pass through; `subscription`, `resourceGroup[:rg]`, `cluster[:name]`, `namespace:[cluster/]ns` expand. */
export function resolveScope(ref: string | undefined, endpoints: SimulatorEndpoints | undefined): string {
  const c = endpoints?.cluster
  const sub = c?.subscriptionId
  if (ref?.startsWith('/')) return ref.replace(/\/+$/, '') || '/'
  const [form = 'subscription', arg] = ref === undefined ? [] : ref.split(/:(.*)/s)
  const need = (v: string | undefined, what: string): string => {
    if (!v)
      throw new SignInError(
        'usage',
        `--scope ${ref ?? ''}: the simulator has no ${what}; pass an ARM scope id`,
      )
    return v
  }
  switch (form) {
    case 'subscription':
      return `/subscriptions/${need(sub, 'subscription')}`
    case 'resourceGroup':
      return `/subscriptions/${need(sub, 'subscription')}/resourceGroups/${arg || need(c?.resourceGroup, 'resource group')}`
    case 'cluster':
      if (arg && arg !== c?.name)
        throw new SignInError('usage', `--scope ${ref}: no managed cluster '${arg}'`)
      return need(c?.resourceId, 'managed cluster')
    case 'namespace': {
      const ns = arg?.includes('/') ? arg.slice(arg.indexOf('/') + 1) : arg
      const clusterName = arg?.includes('/') ? arg.slice(0, arg.indexOf('/')) : c?.name
      if (!ns) throw new SignInError('usage', `--scope ${ref}: say which namespace (namespace:<ns>)`)
      if (clusterName !== c?.name)
        throw new SignInError('usage', `--scope ${ref}: no managed cluster '${clusterName}'`)
      return `${need(c?.resourceId, 'managed cluster')}/namespaces/${ns}`
    }
    default:
      throw new SignInError(
        'usage',
        `--scope ${ref ?? ''}: use an ARM scope id or one of subscription, resourceGroup[:<rg>], cluster[:<name>], namespace:[<cluster>/]<ns>`,
      )
  }
}

const scopePath = (scope: string) => (scope === '/' ? '' : scope)

export async function resolveRole(ctx: ArmContext, role: string, scope: string): Promise<string> {
  if (GUID.test(role)) return role
  const filter = encodeURIComponent(`roleName eq '${role.replace(/'/g, "''")}'`)
  const res = await armRequest<{ value?: { id: string }[] }>(
    ctx,
    'GET',
    `${scopePath(scope)}/providers/Microsoft.Authorization/roleDefinitions?api-version=${AUTHORIZATION_API_VERSION}&$filter=${filter}`,
  )
  const id = res.body?.value?.[0]?.id
  if (!id) throw new SignInError('usage', `Role '${role}' doesn't exist.`)
  return id
}

export async function createAssignment(
  ctx: ArmContext,
  a: { assignee: string; role: string; scope: string; description?: string },
): Promise<AssignmentView> {
  const principal = resolveAssignee(a.assignee, ctx.endpoints)
  const roleDefinitionId = await resolveRole(ctx, a.role, a.scope)
  const res = await armRequest<AssignmentView>(
    ctx,
    'PUT',
    `${scopePath(a.scope)}${RA}/${randomUUID()}?api-version=${AUTHORIZATION_API_VERSION}`,
    {
      properties: {
        roleDefinitionId,
        principalId: principal.id,
        ...(principal.type && { principalType: principal.type }),
        ...(a.description !== undefined && { description: a.description }),
      },
    },
  )
  return res.body!
}

export async function listAssignments(
  ctx: ArmContext,
  a: { scope: string; assignee?: string },
): Promise<AssignmentView[]> {
  const principal = a.assignee !== undefined ? resolveAssignee(a.assignee, ctx.endpoints) : undefined
  const filter = principal ? `&$filter=${encodeURIComponent(`principalId eq '${principal.id}'`)}` : ''
  const res = await armRequest<{ value?: AssignmentView[] }>(
    ctx,
    'GET',
    `${scopePath(a.scope)}${RA}?api-version=${AUTHORIZATION_API_VERSION}${filter}`,
  )
  const all = res.body?.value ?? []
  // assignedTo/principalId also returns the principal's groups' assignments; az shows only its own.
  return principal ? all.filter((x) => lower(x.properties.principalId) === principal.id) : all
}

/** Deletes by full ids, or every assignment of assignee (and role) made exactly at scope. */
export async function deleteAssignments(
  ctx: ArmContext,
  a: { ids?: string[]; assignee?: string; role?: string; scope: string },
): Promise<string[]> {
  let ids = a.ids ?? []
  if (ids.length === 0) {
    if (a.assignee === undefined && a.role === undefined)
      throw new SignInError('usage', 'say what to delete: --ids, or --assignee and/or --role (with --scope)')
    const roleId = a.role !== undefined ? lower(await resolveRole(ctx, a.role, a.scope)) : undefined
    const found = await listAssignments(ctx, {
      scope: a.scope,
      ...(a.assignee !== undefined && { assignee: a.assignee }),
    })
    ids = found
      .filter((x) => lower(x.properties.scope) === lower(a.scope))
      .filter(
        (x) =>
          roleId === undefined || lower(x.properties.roleDefinitionId).endsWith(roleId.split('/').pop()!),
      )
      .map((x) => x.id)
    if (ids.length === 0) throw new SignInError('usage', 'No matched assignments were found to delete')
  }
  for (const id of ids) await armRequest(ctx, 'DELETE', `${id}?api-version=${AUTHORIZATION_API_VERSION}`)
  return ids
}
