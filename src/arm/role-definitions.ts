/**
 * Microsoft.Authorization/roleDefinitions as ARM serves them (azure-rest-api-specs authorization
 * 2022-04-01 RoleDefinitionsCalls): list at a scope with `$filter=roleName eq '…'` or
 * `type eq 'CustomRole'`, get one, and — for custom roles — PUT (201 whether created or replaced,
 * as the spec lists) and DELETE (200 with the removed definition, 204 when there was none). Writes need
 * `roleDefinitions/write` at the URI's scope and at every assignable scope, deletes
 * `roleDefinitions/delete` (Owner, User Access Administrator); the store checks the definition itself.
 */
import { isGuid } from '../kernel/ids.js'
import { isWithin, roleDefinitionResourceId, type RoleDefinition } from '../azure-rbac/index.js'
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import { BadRequest, InvalidFilterInQueryString, RoleDefinitionNotFound } from './errors.js'
import { authorize } from './managed-clusters.js'
import { existingScope, rbacOf, subscriptionOfScope } from './role-assignments.js'

const RD = 'Microsoft.Authorization/roleDefinitions'
const lower = (s: string) => s.toLowerCase()

export function toRoleDefinition(d: RoleDefinition, subscriptionId: string): Record<string, unknown> {
  return {
    id: roleDefinitionResourceId(subscriptionId, d.id),
    name: d.id,
    type: RD,
    properties: {
      roleName: d.roleName,
      type: d.roleType,
      description: d.description,
      assignableScopes: d.assignableScopes,
      permissions: d.permissions,
      createdOn: d.createdOn ?? null,
      updatedOn: d.updatedOn ?? null,
      createdBy: d.createdBy ?? null,
      updatedBy: d.updatedBy ?? null,
    },
  }
}

type Filter = (d: RoleDefinition) => boolean

/** The filters az and the SDKs send; anything else is ARM's InvalidFilterInQueryString. */
function parseFilter(raw: unknown): Filter {
  if (raw === undefined || raw === '') return () => true
  const text = typeof raw === 'string' ? raw.trim() : undefined
  const name = text === undefined ? null : /^roleName\s+eq\s+'([^']*)'$/i.exec(text)
  if (name) return (d) => lower(d.roleName) === lower(name[1]!)
  const type = text === undefined ? null : /^type\s+eq\s+'([^']*)'$/i.exec(text)
  if (type) return (d) => lower(d.roleType) === lower(type[1]!)
  throw new InvalidFilterInQueryString(text ?? JSON.stringify(raw))
}

export function getRoleDefinitions(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { scope: string; id?: string; query: Record<string, unknown> },
): Record<string, unknown> {
  authorize(caller, deps, `${RD}/read`, r.scope)
  const scope = existingScope(deps, r.scope)
  const { rbac } = rbacOf(deps)
  const sub = subscriptionOfScope(deps, scope)
  if (r.id !== undefined) {
    const d = isGuid(r.id) ? rbac.roleDefinitions().find((x) => x.id === lower(r.id!)) : undefined
    if (!d) throw new RoleDefinitionNotFound(r.id)
    return toRoleDefinition(d, sub)
  }
  const filter = parseFilter(r.query.$filter)
  // Only definitions assignable at (or above) the scope apply there.
  const defs = rbac
    .roleDefinitions()
    .filter((d) => filter(d) && d.assignableScopes.some((s) => isWithin(scope, s)))
  return { value: defs.map((d) => toRoleDefinition(d, sub)) }
}

const strings = (v: unknown, what: string): string[] => {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new BadRequest(`The request content was invalid: '${what}' must be an array of strings.`)
  return v as string[]
}

/** The body's `properties`, type-checked (the store checks meaning). */
function definitionInput(body: unknown, id: string) {
  const props =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as { properties?: unknown }).properties
      : undefined
  if (typeof props !== 'object' || props === null || Array.isArray(props))
    throw new BadRequest("The request content was invalid: the body must have a 'properties' object.")
  const p = props as Record<string, unknown>
  if (typeof p.roleName !== 'string')
    throw new BadRequest("The request content was invalid: 'roleName' is required.")
  if (p.description !== undefined && p.description !== null && typeof p.description !== 'string')
    throw new BadRequest("The request content was invalid: 'description' must be a string.")
  if (
    p.type !== undefined &&
    p.type !== null &&
    (typeof p.type !== 'string' || lower(p.type) !== 'customrole')
  )
    throw new BadRequest("The request content was invalid: 'type' must be 'CustomRole'.")
  const permissions = (
    Array.isArray(p.permissions) ? p.permissions : strings(p.permissions, 'permissions')
  ).map((x: unknown, i) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x))
      throw new BadRequest(`The request content was invalid: 'permissions[${i}]' must be an object.`)
    const q = x as Record<string, unknown>
    return {
      actions: strings(q.actions, `permissions[${i}].actions`),
      notActions: strings(q.notActions, `permissions[${i}].notActions`),
      dataActions: strings(q.dataActions, `permissions[${i}].dataActions`),
      notDataActions: strings(q.notDataActions, `permissions[${i}].notDataActions`),
    }
  })
  return {
    id,
    roleName: p.roleName,
    description: typeof p.description === 'string' ? p.description : '',
    permissions,
    assignableScopes: strings(p.assignableScopes, 'assignableScopes'),
  }
}

export function putRoleDefinition(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { scope: string; id: string; body: unknown },
): Record<string, unknown> {
  authorize(caller, deps, `${RD}/write`, r.scope)
  const scope = existingScope(deps, r.scope)
  if (!isGuid(r.id)) throw new RoleDefinitionNotFound(r.id)
  const input = definitionInput(r.body, r.id)
  // Whoever defines a role must be able to define it everywhere it can be assigned.
  for (const s of input.assignableScopes) if (s !== '/') authorize(caller, deps, `${RD}/write`, s)
  const { rbac } = rbacOf(deps)
  const { definition, created } = rbac.putRoleDefinition(input, {
    at: new Date(deps.clock.now()).toISOString(),
    objectId: caller.objectId,
  })
  deps.events.emit(created ? 'role_definition.created' : 'role_definition.updated', 'arm', {
    id: definition.id,
    roleName: definition.roleName,
    by: caller.name,
  })
  return toRoleDefinition(definition, subscriptionOfScope(deps, scope))
}

/** Deletes a custom role; undefined (ARM's 204) when there is none with that id. */
export function deleteRoleDefinition(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { scope: string; id: string },
): Record<string, unknown> | undefined {
  authorize(caller, deps, `${RD}/delete`, r.scope)
  const scope = existingScope(deps, r.scope)
  if (!isGuid(r.id)) return undefined
  const removed = rbacOf(deps).rbac.deleteRoleDefinition(r.id)
  if (!removed) return undefined
  deps.events.emit('role_definition.deleted', 'arm', {
    id: removed.id,
    roleName: removed.roleName,
    by: caller.name,
  })
  return toRoleDefinition(removed, subscriptionOfScope(deps, scope))
}
