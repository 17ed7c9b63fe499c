/**
 * The Azure RBAC state of a simulator: role definitions, role assignments indexed by principal, and
 * the scope hierarchy, with ARM's validation on create (scope well-formed and existing, role exists
 * and is assignable there, principal exists and has the stated type, no duplicate) and idempotent
 * delete. `checkAccess` and `hasAction` answer from it.
 */
import { isGuid } from '../kernel/ids.js'
import type { StateFile } from '../kernel/state-file.js'
import { checkAccessIn, type ActionDecision, type CheckAccessRequest } from './check-access.js'
import { validateCustomRole, type CustomRoleInput } from './custom-roles.js'
import {
  BuiltInRoleDefinitionReadOnly,
  InvalidScope,
  RoleDefinitionHasAssignments,
  RoleDefinitionWithSameNameExists,
  PrincipalNotFound,
  RoleAssignmentExists,
  RoleAssignmentUpdateNotPermitted,
  RoleDefinitionDoesNotExist,
  UnmatchedPrincipalType,
} from './errors.js'
import type { AzureDirectory, PrincipalType, RoleAssignment, RoleDefinition } from './model.js'
import {
  flatHierarchy,
  isWithin,
  normaliseScope,
  parseScope,
  type ParsedScope,
  type ScopeHierarchy,
} from './scope.js'

export interface AzureRbacInit {
  /** Built-in and custom definitions (resolveAzureScenario returns both). */
  roleDefinitions: readonly RoleDefinition[]
  roleAssignments?: readonly RoleAssignment[]
  hierarchy?: ScopeHierarchy
}

export interface AzureRbacDeps {
  directory: AzureDirectory
  newGuid: () => string
  /** Throws an ArmError when a well-formed scope names no existing resource. Default: all exist. */
  checkScope?: (scope: ParsedScope) => void
  /**
   * Where run-time changes are kept (assignments created, scenario assignments deleted): replayed over
   * the scenario's assignments at start and saved on every change before it returns.
   */
  changes?: StateFile<RoleAssignmentChanges>
  /** Where custom role definitions written at run time are kept (replayed before the assignments). */
  definitionChanges?: StateFile<RoleDefinitionChanges>
}

/** Custom roles created or updated since the scenario (whole definitions), and those deleted. */
export interface RoleDefinitionChanges {
  saved: RoleDefinition[]
  deleted: string[]
}

/** Role assignments changed since the scenario: those created at run time, and scenario ones deleted. */
export interface RoleAssignmentChanges {
  created: RoleAssignment[]
  deleted: string[]
}

export interface RoleAssignmentInput {
  /** GUID of the new assignment; generated when absent. */
  id?: string
  principalId: string
  /** Checked against the directory when given, inferred when not. */
  principalType?: PrincipalType
  /** GUID, or the ARM id `…/providers/Microsoft.Authorization/roleDefinitions/<guid>`. */
  roleDefinitionId: string
  scope: string
  /** ABAC condition (version 2.0) restricting the assignment. */
  condition?: string
  conditionVersion?: string
}

export interface AzureRbac {
  roleDefinitions(): RoleDefinition[]
  /** By GUID, ARM role definition id or role name (case-insensitive). */
  roleDefinition(idOrName: string): RoleDefinition | undefined
  roleAssignments(): RoleAssignment[]
  createRoleAssignment(input: RoleAssignmentInput): RoleAssignment
  /**
   * Creates or replaces a custom role (ARM's PUT): validated as ARM does (custom-roles.ts), the name
   * unique in the directory, a built-in id refused. `by` is the caller's object id.
   */
  putRoleDefinition(
    input: CustomRoleInput,
    by: { at: string; objectId: string | null },
  ): { definition: RoleDefinition; created: boolean }
  /** Removes a custom role no assignment uses; undefined when there was none (ARM's 204). */
  deleteRoleDefinition(id: string): RoleDefinition | undefined
  /** Returns the removed assignment, or undefined when there was none (ARM answers 204 then). */
  deleteRoleAssignment(id: string): RoleAssignment | undefined
  checkAccess(req: CheckAccessRequest): ActionDecision[]
  /** Control-plane check (ARM): does the principal or one of the groups hold `action` at `scope`? */
  hasAction(principalId: string, groupIds: string[], action: string, scope: string): boolean
  /** Increments on every change (caches compare it). */
  version(): number
}

const lower = (s: string) => s.toLowerCase()
const lastSegment = (s: string) => s.replace(/\/+$/, '').split('/').pop() ?? ''

export function createAzureRbac(init: AzureRbacInit, deps: AzureRbacDeps): AzureRbac {
  const hierarchy = init.hierarchy ?? flatHierarchy
  const roles = new Map(init.roleDefinitions.map((r) => [r.id.toLowerCase(), r]))
  const byId = new Map<string, RoleAssignment>()
  const byPrincipal = new Map<string, RoleAssignment[]>()
  let version = 0

  const roleDefinition = (idOrName: string): RoleDefinition | undefined => {
    const key = lastSegment(idOrName).toLowerCase()
    return (
      roles.get(key) ?? [...roles.values()].find((r) => r.roleName.toLowerCase() === idOrName.toLowerCase())
    )
  }
  const insert = (a: RoleAssignment) => {
    byId.set(a.id, a)
    const k = a.principalId.toLowerCase()
    byPrincipal.set(k, [...(byPrincipal.get(k) ?? []), a])
    version++
  }
  for (const a of init.roleAssignments ?? []) insert({ ...a, id: a.id.toLowerCase() })
  const fromScenario = new Set(byId.keys())
  const remove = (a: RoleAssignment) => {
    byId.delete(a.id)
    const k = a.principalId.toLowerCase()
    byPrincipal.set(
      k,
      (byPrincipal.get(k) ?? []).filter((x) => x.id !== a.id),
    )
    version++
  }
  const saveChanges = () =>
    deps.changes?.save({
      created: [...byId.values()].filter((a) => !fromScenario.has(a.id)),
      deleted: [...fromScenario].filter((id) => !byId.has(id)),
    })

  const fromScenarioRoles = new Map(roles)
  const saveDefinitions = () =>
    deps.definitionChanges?.save({
      saved: [...roles.values()].filter((r) => r.source === 'arm'),
      deleted: [...fromScenarioRoles.keys()].filter((id) => !roles.has(id)),
    })
  const savedDefinitions = deps.definitionChanges?.load()
  for (const id of savedDefinitions?.deleted ?? []) {
    const r = roles.get(id.toLowerCase())
    if (r?.roleType === 'CustomRole') roles.delete(r.id)
  }
  for (const d of savedDefinitions?.saved ?? []) {
    const clash = [...roles.values()].some((r) => r.id !== d.id && lower(r.roleName) === lower(d.roleName))
    const builtIn = roles.get(d.id)?.roleType === 'BuiltInRole'
    // A scenario that now holds a role of the same name wins: ARM would have refused this one.
    if (!clash && !builtIn) roles.set(d.id, { ...d, source: 'arm' })
  }

  const data = {
    roleDefinition: (id: string) => roles.get(id.toLowerCase()),
    assignmentsOf: (ids: string[]) => ids.flatMap((id) => byPrincipal.get(id) ?? []),
    hierarchy,
  }

  function validate(input: RoleAssignmentInput): RoleAssignment {
    const parsed = parseScope(input.scope)
    if (!parsed)
      throw new InvalidScope(`The scope '${input.scope}' is not a valid Azure Resource Manager scope.`)
    deps.checkScope?.(parsed)
    const roleId = lastSegment(input.roleDefinitionId)
    const role = isGuid(roleId) ? roles.get(roleId.toLowerCase()) : undefined
    if (!role) throw new RoleDefinitionDoesNotExist(roleId)
    if (!role.assignableScopes.some((s) => isWithin(parsed.id, s)))
      throw new InvalidScope(
        `The role definition '${role.id}' is not available for assignment at scope '${parsed.id}'.`,
      )
    const principal = isGuid(input.principalId) ? deps.directory.findPrincipal(input.principalId) : undefined
    if (!principal) throw new PrincipalNotFound(input.principalId, deps.directory.tenantId)
    if (input.principalType && input.principalType !== principal.type)
      throw new UnmatchedPrincipalType(principal.id, principal.type, input.principalType)
    const id = (input.id ?? deps.newGuid()).toLowerCase()
    if (!isGuid(id))
      throw new InvalidScope(
        `The role assignment ID '${id}' is not valid. The role assignment ID must be a GUID.`,
      )
    return {
      id,
      principalId: principal.id.toLowerCase(),
      principalType: principal.type,
      roleDefinitionId: role.id,
      scope: parsed.id,
      ...(input.condition !== undefined && {
        condition: input.condition,
        conditionVersion: input.conditionVersion ?? '2.0',
      }),
    }
  }

  const same = (a: RoleAssignment, b: RoleAssignment) =>
    a.principalId === b.principalId &&
    a.roleDefinitionId === b.roleDefinitionId &&
    normaliseScope(a.scope) === normaliseScope(b.scope)

  // Replay: an assignment the scenario no longer allows (role, principal or scope gone) is dropped.
  const saved = deps.changes?.load()
  for (const id of saved?.deleted ?? []) {
    const a = byId.get(id.toLowerCase())
    if (a) remove(a)
  }
  for (const a of saved?.created ?? []) {
    try {
      const next = validate(a)
      if (!byId.has(next.id) && ![...byId.values()].some((x) => same(x, next))) insert(next)
    } catch {
      // Not valid against this scenario any more: left out, as ARM would refuse to create it.
    }
  }

  return {
    roleDefinitions: () => [...roles.values()],
    roleDefinition,
    roleAssignments: () => [...byId.values()],
    createRoleAssignment(input) {
      const next = validate(input)
      const existing = byId.get(next.id)
      if (existing) {
        // A PUT with the same content is idempotent; changing who/what/where is refused.
        if (same(existing, next)) return existing
        throw new RoleAssignmentUpdateNotPermitted()
      }
      if ([...byId.values()].some((a) => same(a, next))) throw new RoleAssignmentExists()
      insert(next)
      try {
        saveChanges()
      } catch (err) {
        remove(next)
        throw err
      }
      return next
    },
    putRoleDefinition(input, by) {
      const id = lower(input.id)
      const existing = roles.get(id)
      if (existing?.roleType === 'BuiltInRole') throw new BuiltInRoleDefinitionReadOnly(id)
      const next = validateCustomRole(input, deps.checkScope ?? (() => undefined))
      if ([...roles.values()].some((r) => r.id !== id && lower(r.roleName) === lower(next.roleName)))
        throw new RoleDefinitionWithSameNameExists()
      const definition: RoleDefinition = {
        ...next,
        createdOn: existing?.createdOn ?? by.at,
        createdBy: existing ? (existing.createdBy ?? null) : by.objectId,
        updatedOn: by.at,
        updatedBy: by.objectId,
      }
      roles.set(id, definition)
      version++
      try {
        saveDefinitions()
      } catch (err) {
        if (existing) roles.set(id, existing)
        else roles.delete(id)
        throw err
      }
      return { definition, created: !existing }
    },
    deleteRoleDefinition(id) {
      const r = roles.get(lower(id))
      if (!r) return undefined
      if (r.roleType === 'BuiltInRole') throw new BuiltInRoleDefinitionReadOnly(r.id)
      if ([...byId.values()].some((a) => a.roleDefinitionId === r.id))
        throw new RoleDefinitionHasAssignments()
      roles.delete(r.id)
      version++
      try {
        saveDefinitions()
      } catch (err) {
        roles.set(r.id, r)
        throw err
      }
      return r
    },
    deleteRoleAssignment(id) {
      const a = byId.get(id.toLowerCase())
      if (!a) return undefined
      remove(a)
      try {
        saveChanges()
      } catch (err) {
        insert(a)
        throw err
      }
      return a
    },
    checkAccess: (req) => checkAccessIn(data, req),
    hasAction(principalId, groupIds, action, scope) {
      const [d] = checkAccessIn(data, {
        principalId,
        groupIds,
        scope,
        actions: [{ id: action, isDataAction: false }],
      })
      return d?.accessDecision === 'Allowed'
    },
    version: () => version,
  }
}
