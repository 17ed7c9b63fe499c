/**
 * Microsoft.Authorization/roleAssignments and roleDefinitions over the Azure RBAC store, as ARM serves
 * them: PUT/GET/DELETE one assignment at a scope, list the assignments that apply at a scope
 * (`$filter=atScope()` / `principalId eq '…'` / `assignedTo('…')`), and read role definitions (what
 * `az role assignment create --role <name>` looks up first; role-definitions.ts writes them). Each call is authorized with the caller's
 * own role assignments (Owner, User Access Administrator, …) before anything else.
 */
import { normaliseScope, parseScope, inheritedScopes, isWithin } from '../azure-rbac/index.js'
import { PRINCIPAL_TYPES, roleDefinitionResourceId, type PrincipalType } from '../azure-rbac/index.js'
import type { RoleAssignment } from '../azure-rbac/index.js'
import { InvalidScope } from '../azure-rbac/index.js'
import { isGuid } from '../kernel/ids.js'
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import {
  InvalidCreateRoleAssignmentRequest,
  InvalidRoleAssignmentId,
  RoleAssignmentNotFound,
  SubscriptionNotFound,
  UnsupportedQuery,
} from './errors.js'
import { authorize } from './managed-clusters.js'

const RA = 'Microsoft.Authorization/roleAssignments'
const lower = (s: string) => s.toLowerCase()

/** Who created an assignment and when (ARM returns both; the RBAC store does not keep them). */
export interface AssignmentMeta {
  get(id: string): { createdOn: string; createdBy: string | null; description: string | null } | undefined
  set(id: string, meta: { createdOn: string; createdBy: string | null; description: string | null }): void
  /** When assignments from the scenario were "created": the simulator's start. */
  startedOn: string
}

export function createAssignmentMeta(startedOn: string): AssignmentMeta {
  const byId = new Map<string, { createdOn: string; createdBy: string | null; description: string | null }>()
  return { get: (id) => byId.get(id), set: (id, m) => void byId.set(id, m), startedOn }
}

export function rbacOf(deps: ArmDeps) {
  if (!deps.rbac || !deps.azure) throw new SubscriptionNotFound(deps.azure?.subscriptionId ?? '')
  return { rbac: deps.rbac, azure: deps.azure }
}

/** A well-formed scope that names something that exists (after the caller was authorized for it). */
export function existingScope(deps: ArmDeps, scope: string): string {
  const parsed = parseScope(scope)
  if (!parsed) throw new InvalidScope(`The scope '${scope}' is not a valid Azure Resource Manager scope.`)
  rbacOf(deps).azure.checkScope(parsed)
  return parsed.id
}

export function subscriptionOfScope(deps: ArmDeps, scope: string): string {
  return parseScope(scope)?.subscriptionId ?? rbacOf(deps).azure.subscriptionId
}

export function toRoleAssignment(
  a: RoleAssignment,
  deps: ArmDeps,
  meta: AssignmentMeta,
): Record<string, unknown> {
  const m = meta.get(a.id)
  const createdOn = m?.createdOn ?? meta.startedOn
  return {
    properties: {
      roleDefinitionId: roleDefinitionResourceId(subscriptionOfScope(deps, a.scope), a.roleDefinitionId),
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: null,
      conditionVersion: null,
      createdOn,
      updatedOn: createdOn,
      createdBy: m?.createdBy ?? null,
      updatedBy: m?.createdBy ?? null,
      delegatedManagedIdentityResourceId: null,
      description: m?.description ?? null,
    },
    id: `${a.scope === '/' ? '' : a.scope}/providers/${RA}/${a.id}`,
    type: RA,
    name: a.id,
  }
}

function bodyProperties(body: unknown, name: string): Record<string, unknown> {
  const invalid = (why: string) =>
    new InvalidCreateRoleAssignmentRequest(
      `The request to create role assignment '${name}' is not valid. ${why}`,
    )
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The request body must be a JSON object with a properties object.')
  const p = (body as { properties?: unknown }).properties
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    throw invalid("The request body must have a 'properties' object.")
  const props = p as Record<string, unknown>
  for (const key of ['roleDefinitionId', 'principalId'])
    if (typeof props[key] !== 'string' || props[key] === '') throw invalid(`'${key}' is required.`)
  if (props.principalType !== undefined && !PRINCIPAL_TYPES.includes(props.principalType as PrincipalType))
    throw invalid(`'principalType' must be one of ${PRINCIPAL_TYPES.join(', ')}.`)
  if (props.condition !== undefined && props.condition !== null)
    throw invalid('Role assignment conditions are not supported by the simulator.')
  if (props.description !== undefined && props.description !== null && typeof props.description !== 'string')
    throw invalid("'description' must be a string.")
  return props
}

export function putRoleAssignment(
  caller: ArmCaller,
  deps: ArmDeps,
  meta: AssignmentMeta,
  r: { scope: string; name: string; body: unknown },
): { created: boolean; body: Record<string, unknown> } {
  authorize(caller, deps, `${RA}/write`, r.scope)
  const { rbac } = rbacOf(deps)
  if (!isGuid(r.name)) throw new InvalidRoleAssignmentId(r.name)
  const props = bodyProperties(r.body, r.name)
  if (typeof props.scope === 'string' && normaliseScope(props.scope) !== normaliseScope(r.scope))
    throw new InvalidCreateRoleAssignmentRequest(
      `The request to create role assignment '${r.name}' is not valid. Role assignment scope '${props.scope}' must match the scope specified on the URI '${r.scope}'.`,
    )
  const existed = rbac.roleAssignments().some((a) => a.id === lower(r.name))
  const a = rbac.createRoleAssignment({
    id: r.name,
    principalId: props.principalId as string,
    roleDefinitionId: props.roleDefinitionId as string,
    scope: r.scope,
    ...(props.principalType !== undefined && { principalType: props.principalType as PrincipalType }),
  })
  if (!existed) {
    meta.set(a.id, {
      createdOn: new Date(deps.clock.now()).toISOString(),
      createdBy: caller.objectId,
      description: typeof props.description === 'string' ? props.description : null,
    })
    deps.events.emit('role_assignment.created', 'arm', {
      id: a.id,
      principalId: a.principalId,
      role: rbac.roleDefinition(a.roleDefinitionId)?.roleName ?? a.roleDefinitionId,
      scope: a.scope,
      by: caller.name,
    })
  }
  return { created: !existed, body: toRoleAssignment(a, deps, meta) }
}

function atScope(deps: ArmDeps, scope: string, name: string): RoleAssignment | undefined {
  return rbacOf(deps)
    .rbac.roleAssignments()
    .find((a) => a.id === lower(name) && normaliseScope(a.scope) === normaliseScope(scope))
}

export function getRoleAssignment(
  caller: ArmCaller,
  deps: ArmDeps,
  meta: AssignmentMeta,
  r: { scope: string; name: string },
): Record<string, unknown> {
  authorize(caller, deps, `${RA}/read`, r.scope)
  existingScope(deps, r.scope)
  const a = atScope(deps, r.scope, r.name)
  if (!a) throw new RoleAssignmentNotFound(r.name)
  return toRoleAssignment(a, deps, meta)
}

/** Deletes; undefined (ARM's 204) when there was nothing at that scope with that name. */
export function deleteRoleAssignment(
  caller: ArmCaller,
  deps: ArmDeps,
  meta: AssignmentMeta,
  r: { scope: string; name: string },
): Record<string, unknown> | undefined {
  authorize(caller, deps, `${RA}/delete`, r.scope)
  existingScope(deps, r.scope)
  const a = atScope(deps, r.scope, r.name)
  if (!a) return undefined
  const body = toRoleAssignment(a, deps, meta)
  rbacOf(deps).rbac.deleteRoleAssignment(a.id)
  deps.events.emit('role_assignment.deleted', 'arm', {
    id: a.id,
    principalId: a.principalId,
    scope: a.scope,
    by: caller.name,
  })
  return body
}

type Filter = { kind: 'none' } | { kind: 'atScope' } | { kind: 'principal'; id: string }

function parseFilter(raw: unknown): Filter {
  if (raw === undefined || raw === '') return { kind: 'none' }
  if (typeof raw !== 'string') throw new UnsupportedQuery(JSON.stringify(raw))
  const f = raw.trim()
  if (/^atScope\(\)$/i.test(f)) return { kind: 'atScope' }
  const m = /^(?:principalId\s+eq\s+'([^']+)'|assignedTo\('([^']+)'\))$/i.exec(f)
  if (m) return { kind: 'principal', id: lower(m[1] ?? m[2]!) }
  throw new UnsupportedQuery(f)
}

export function listRoleAssignments(
  caller: ArmCaller,
  deps: ArmDeps,
  meta: AssignmentMeta,
  r: { scope: string; query: Record<string, unknown> },
): { value: Record<string, unknown>[] } {
  authorize(caller, deps, `${RA}/read`, r.scope)
  const scope = existingScope(deps, r.scope)
  const filter = parseFilter(r.query.$filter)
  const { rbac, azure } = rbacOf(deps)
  const above = new Set(inheritedScopes(scope, azure.hierarchy))
  const groupsOf = (id: string) => new Set([id, ...deps.directory.transitiveGroups(id).map((g) => g.id)])
  const principals = filter.kind === 'principal' ? groupsOf(filter.id) : undefined
  const value = rbac
    .roleAssignments()
    .filter((a) => {
      const isAbove = above.has(normaliseScope(a.scope))
      if (filter.kind === 'atScope') return isAbove
      if (!isAbove && !isWithin(a.scope, scope)) return false
      // assignedTo/principalId: the principal's own assignments and its groups'.
      return principals === undefined || principals.has(a.principalId)
    })
    .map((a) => toRoleAssignment(a, deps, meta))
  return { value }
}
