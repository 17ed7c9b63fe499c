/**
 * Custom role definitions written at run time (Microsoft.Authorization/roleDefinitions PUT): ARM's
 * checks on the definition before it is stored. Each action must name an operation a provider
 * offers — the simulator's catalogue is the provider namespaces its built-in roles name for actions,
 * and the data actions they carry (a wildcard passes when it matches or covers one) — and control-plane
 * actions and data actions must each stand in their own list, as ARM answers with
 * InvalidActionOrNotAction / InvalidDataActionOrNotDataAction otherwise (Microsoft Learn:
 * custom-roles, troubleshooting).
 */
import { BUILTIN_ROLES } from './builtin-roles.js'
import {
  InvalidActionOrNotAction,
  InvalidAssignableScopes,
  InvalidDataActionOrNotDataAction,
  InvalidRoleDefinition,
} from './errors.js'
import type { Permission, RoleDefinition } from './model.js'
import { parseScope, type ParsedScope } from './scope.js'
import { matchesAction } from './wildcard.js'

/** What a PUT body carries (ARM's `properties`), already checked for JSON types by the caller. */
export interface CustomRoleInput {
  id: string
  roleName: string
  description: string
  permissions: Permission[]
  assignableScopes: string[]
}

const namespaceOf = (action: string) => action.split('/')[0]!.toLowerCase()

function catalogue(kind: 'actions' | 'dataActions'): string[] {
  return BUILTIN_ROLES.flatMap((r) => r.permissions.flatMap((p) => p[kind])).filter((a) => !a.startsWith('*'))
}
const ACTIONS = catalogue('actions')
const DATA_ACTIONS = catalogue('dataActions')
const NAMESPACES = new Set([...ACTIONS, ...DATA_ACTIONS].map(namespaceOf))

/** Does `action` name (or, as a wildcard, cover) something in `known`? */
const inCatalogue = (action: string, known: string[]) =>
  known.some((k) => matchesAction(k, action) || matchesAction(action, k))

function checkAction(action: string): void {
  // `*` and `*/read` are the only forms outside a namespace ARM takes (Owner, Reader).
  if (action === '*' || /^\*\/[A-Za-z]+$/.test(action)) return
  const isData = DATA_ACTIONS.some((k) => !k.includes('*') && k.toLowerCase() === action.toLowerCase())
  // Control-plane operations are many; a well-formed one in a provider namespace the simulator knows passes.
  const known = NAMESPACES.has(namespaceOf(action))
  if (isData || !known || !/^[\w.*-]+(\/[\w.*-]+)+$/.test(action)) throw new InvalidActionOrNotAction(action)
}

function checkDataAction(action: string): void {
  const isControl = ACTIONS.some((k) => !k.includes('*') && k.toLowerCase() === action.toLowerCase())
  if (isControl || !inCatalogue(action, DATA_ACTIONS) || !/^[\w.*-]+(\/[\w.*-]+)+$/.test(action))
    throw new InvalidDataActionOrNotDataAction(action)
}

/**
 * The definition ARM would store, or the error it answers. `checkScope` throws for a well-formed scope
 * naming nothing that exists.
 */
export function validateCustomRole(
  input: CustomRoleInput,
  checkScope: (scope: ParsedScope) => void,
): RoleDefinition {
  if (input.roleName.trim() === '')
    throw new InvalidRoleDefinition('The role definition must have a non-empty roleName.')
  if (input.permissions.length === 0)
    throw new InvalidRoleDefinition('The role definition must have at least one permission.')
  if (input.assignableScopes.length === 0) throw new InvalidAssignableScopes()
  const assignableScopes = input.assignableScopes.map((s) => {
    const parsed = s === '/' ? undefined : parseScope(s)
    // Custom roles cannot be assignable at the root scope "/" (Microsoft Learn: role-definitions).
    if (!parsed || parsed.id === '/') throw new InvalidAssignableScopes(s)
    checkScope(parsed)
    return parsed.id
  })
  for (const p of input.permissions) {
    for (const a of [...p.actions, ...p.notActions]) checkAction(a)
    for (const a of [...p.dataActions, ...p.notDataActions]) checkDataAction(a)
  }
  return {
    id: input.id.toLowerCase(),
    roleName: input.roleName,
    description: input.description,
    roleType: 'CustomRole',
    assignableScopes,
    permissions: input.permissions.map((p) => ({
      actions: [...p.actions],
      notActions: [...p.notActions],
      dataActions: [...p.dataActions],
      notDataActions: [...p.notDataActions],
    })),
    source: 'arm',
  }
}
