/**
 * Azure's access check, the part of ARM guard calls `checkaccess`: for each action, the union over the
 * principal's and its groups' role assignments at the scope or above of (dataActions − notDataActions),
 * or (actions − notActions) for control-plane actions. `actions` never grant data actions and the other
 * way round. Every assignment considered gets a verdict saying why it did or did not grant.
 */
import type { RoleAssignment, RoleDefinition } from './model.js'
import { inheritedScopes, normaliseScope, type ScopeHierarchy } from './scope.js'
import { covers, intersects } from './wildcard.js'

export interface CheckAccessAction {
  /** The action id; a `*` in it stands for any text (wildcard requests). */
  id: string
  isDataAction: boolean
}

export interface CheckAccessRequest {
  principalId: string
  /** Group object ids the caller vouches for (guard: the token's GUID groups; ARM: the directory's). */
  groupIds?: string[]
  actions: CheckAccessAction[]
  scope: string
}

export type VerdictOutcome = 'granted' | 'scope-not-inherited' | 'role-missing' | 'not-in-role' | 'excluded'

export interface AssignmentVerdict {
  assignment: RoleAssignment
  roleName: string | undefined
  /** Whether the assignment is the principal's own or one of its groups'. */
  via: 'principal' | 'group'
  outcome: VerdictOutcome
  /** The role pattern that matched the action (granted or excluded). */
  matched?: string
  /** The notActions/notDataActions pattern that took the action away. */
  excludedBy?: string
  detail: string
}

export interface ActionDecision {
  actionId: string
  isDataAction: boolean
  accessDecision: 'Allowed' | 'NotAllowed'
  /** The assignment that granted it (the first one, in assignment order). */
  roleAssignment?: RoleAssignment
  roleDefinition?: RoleDefinition
  verdicts: AssignmentVerdict[]
}

/** What the check needs from the RBAC store. */
export interface AccessData {
  roleDefinition(id: string): RoleDefinition | undefined
  assignmentsOf(principalIds: string[]): RoleAssignment[]
  hierarchy: ScopeHierarchy
}

interface RoleMatch {
  granted: boolean
  matched?: string
  excludedBy?: string
}

/** Does one role grant `action`? Each permission block subtracts its own exclusions. */
export function roleGrants(role: RoleDefinition, action: string, isDataAction: boolean): RoleMatch {
  let best: RoleMatch = { granted: false }
  for (const p of role.permissions) {
    const allow = isDataAction ? p.dataActions : p.actions
    const deny = isDataAction ? p.notDataActions : p.notActions
    const matched = allow.find((a) => covers(a, action))
    if (!matched) continue
    const excludedBy = deny.find((n) => intersects(n, action))
    if (!excludedBy) return { granted: true, matched }
    best = { granted: false, matched, excludedBy }
  }
  return best
}

function verdictFor(
  assignment: RoleAssignment,
  via: AssignmentVerdict['via'],
  action: CheckAccessAction,
  inherited: Set<string>,
  data: AccessData,
): AssignmentVerdict {
  const role = data.roleDefinition(assignment.roleDefinitionId)
  const base = { assignment, roleName: role?.roleName, via }
  const kind = action.isDataAction ? 'dataActions' : 'actions'
  if (!inherited.has(normaliseScope(assignment.scope)))
    return {
      ...base,
      outcome: 'scope-not-inherited',
      detail: `assigned at ${assignment.scope}, which is not the requested scope or above it`,
    }
  if (!role)
    return {
      ...base,
      outcome: 'role-missing',
      detail: `role definition ${assignment.roleDefinitionId} does not exist`,
    }
  const m = roleGrants(role, action.id, action.isDataAction)
  if (m.granted)
    return {
      ...base,
      outcome: 'granted',
      matched: m.matched!,
      detail: `${kind} pattern '${m.matched!}' matches`,
    }
  if (m.excludedBy)
    return {
      ...base,
      outcome: 'excluded',
      matched: m.matched!,
      excludedBy: m.excludedBy,
      detail: `'${m.matched!}' matches but not${kind === 'actions' ? 'Actions' : 'DataActions'} '${m.excludedBy}' removes it`,
    }
  const hint =
    action.isDataAction && role.permissions.some((p) => p.actions.length > 0)
      ? ' (its actions never grant data actions)'
      : ''
  return {
    ...base,
    outcome: 'not-in-role',
    detail: `no ${kind} pattern of '${role.roleName}' matches${hint}`,
  }
}

/** Runs the check for every action. Ids compare case-insensitively. */
export function checkAccessIn(data: AccessData, req: CheckAccessRequest): ActionDecision[] {
  const principal = req.principalId.toLowerCase()
  const groups = new Set((req.groupIds ?? []).map((g) => g.toLowerCase()))
  groups.delete(principal)
  const assignments = data.assignmentsOf([principal, ...groups])
  const inherited = new Set(inheritedScopes(req.scope, data.hierarchy))
  return req.actions.map((action) => {
    const verdicts = assignments.map((a) =>
      verdictFor(
        a,
        a.principalId.toLowerCase() === principal ? 'principal' : 'group',
        action,
        inherited,
        data,
      ),
    )
    const winner = verdicts.find((v) => v.outcome === 'granted')
    return {
      actionId: action.id,
      isDataAction: action.isDataAction,
      accessDecision: winner ? 'Allowed' : 'NotAllowed',
      ...(winner && {
        roleAssignment: winner.assignment,
        roleDefinition: data.roleDefinition(winner.assignment.roleDefinitionId)!,
      }),
      verdicts,
    }
  })
}
