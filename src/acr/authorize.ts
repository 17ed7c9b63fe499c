/**
 * Which of the requested token actions a caller gets (Microsoft Learn: container-registry-roles, container-registry-rbac-abac-repository-permissions): the token server grants the
 * subset it may use, and the API later answers 401 naming the missing action. Three sources:
 *
 * - Entra identities, from the Azure RBAC store at the registry's scope. Legacy mode checks the
 *   control-plane actions `registries/pull/read`, `push/write`, `artifacts/delete` (so Owner,
 *   Contributor and Reader's wildcards count); ABAC mode checks only the `repositories/…` and
 *   `catalog/read` dataActions and applies each assignment's condition, and drops `repository:*`.
 * - Repository-scoped tokens, from their scope map (union of matching rules, never the catalog).
 * - The admin user (everything) and anonymous pull (pull and listing everywhere).
 */
import type { AzureRbac } from '../azure-rbac/index.js'
import { conditionHolds } from './conditions.js'
import type { AccessEntry } from './scopes.js'
import type { RegistrySettings, RegistryToken, ScopeMap } from './settings.js'

const ACR = 'Microsoft.ContainerRegistry/registries'

export type Caller =
  | { kind: 'aad'; objectId: string; groupIds: string[]; subject: string; tenant: string }
  | { kind: 'admin'; subject: string }
  | { kind: 'token'; subject: string; token: RegistryToken }
  | { kind: 'anonymous'; subject: string }
  /** An ACR access token used as a password: what it already carries. */
  | { kind: 'access-token'; subject: string; access: AccessEntry[] }

/** Legacy mode: the control-plane action each token action needs. */
export const LEGACY_ACTION: Readonly<Record<string, string>> = {
  pull: `${ACR}/pull/read`,
  metadata_read: `${ACR}/pull/read`,
  push: `${ACR}/push/write`,
  metadata_write: `${ACR}/push/write`,
  delete: `${ACR}/artifacts/delete`,
}
export const LEGACY_CATALOG_ACTION = `${ACR}/pull/read`

/** ABAC mode: the dataAction each token action needs. */
export const ABAC_DATA_ACTION: Readonly<Record<string, string>> = {
  pull: `${ACR}/repositories/content/read`,
  metadata_read: `${ACR}/repositories/metadata/read`,
  push: `${ACR}/repositories/content/write`,
  metadata_write: `${ACR}/repositories/metadata/write`,
  delete: `${ACR}/repositories/content/delete`,
}
export const ABAC_CATALOG_ACTION = `${ACR}/catalog/read`

/** Scope-map operation → token action. */
const SCOPE_MAP_OPERATION: Readonly<Record<string, string>> = {
  'content/read': 'pull',
  'content/write': 'push',
  'content/delete': 'delete',
  'metadata/read': 'metadata_read',
  'metadata/write': 'metadata_write',
}

/** Does a scope-map repository pattern (`name`, `prefix/*`, `*`) cover `repository`? */
export function patternCovers(pattern: string, repository: string): boolean {
  if (pattern === '*') return true
  if (pattern.endsWith('/*'))
    return repository.startsWith(pattern.slice(0, -1)) && repository.length > pattern.length - 1
  return pattern === repository
}

/** Token actions a scope map gives on `repository` (a wildcard request only matches a `*` rule). */
export function scopeMapActions(map: ScopeMap, repository: string): Set<string> {
  const out = new Set<string>()
  for (const a of map.actions) {
    const m = /^repositories\/(.+)\/((?:content|metadata)\/(?:read|write|delete))$/.exec(a)
    if (!m) continue
    const covers = repository === '*' ? m[1] === '*' : patternCovers(m[1]!, repository)
    const action = SCOPE_MAP_OPERATION[m[2]!]
    if (covers && action) out.add(action)
  }
  return out
}

export interface AuthorizeDeps {
  rbac: Pick<AzureRbac, 'checkAccess'> | undefined
  settings: RegistrySettings
}

function rbacActions(
  caller: Extract<Caller, { kind: 'aad' }>,
  entry: AccessEntry,
  deps: AuthorizeDeps,
): string[] {
  const { rbac, settings } = deps
  if (!rbac) return []
  const abac = settings.roleAssignmentMode === 'AbacRepositoryPermissions'
  const check = (action: string, isDataAction: boolean, repository: string | undefined) => {
    const [d] = rbac.checkAccess({
      principalId: caller.objectId,
      groupIds: caller.groupIds,
      scope: settings.resourceId,
      actions: [{ id: action, isDataAction }],
    })
    return (d?.verdicts ?? []).some(
      (v) =>
        v.outcome === 'granted' &&
        (repository === undefined ||
          v.assignment.condition === undefined ||
          conditionHolds(v.assignment.condition, { action, repository })),
    )
  }
  if (entry.type === 'registry')
    return entry.actions.includes('*') &&
      check(abac ? ABAC_CATALOG_ACTION : LEGACY_CATALOG_ACTION, abac, undefined)
      ? ['*']
      : []
  // ABAC registries silently drop wildcard repository scopes (Microsoft Learn: container-registry-roles, container-registry-rbac-abac-repository-permissions).
  if (abac && entry.name === '*') return []
  const table = abac ? ABAC_DATA_ACTION : LEGACY_ACTION
  return entry.actions.filter((a) => {
    const needed = table[a]
    return needed !== undefined && check(needed, abac, abac ? entry.name : undefined)
  })
}

/**
 * A caller asking for `pull` also gets `metadata_read` when it holds it: skopeo and containerd ask
 * only for `pull` and then list tags, which works against ACR (observed with skopeo; the inference we
 * follow). A scope-map token without `metadata/read` still fails tag listing with `metadata_read` in
 * the 401, as renovatebot/renovate#14708 shows.
 */
function withImpliedMetadataRead(caller: Caller, entry: AccessEntry): AccessEntry {
  if (
    caller.kind === 'access-token' ||
    entry.type !== 'repository' ||
    !entry.actions.includes('pull') ||
    entry.actions.includes('metadata_read')
  )
    return entry
  return { ...entry, actions: [...entry.actions, 'metadata_read'] }
}

/** The granted access list for the requested scopes; entries with no action left are dropped. */
export function grantAccess(
  caller: Caller,
  requestedScopes: readonly AccessEntry[],
  deps: AuthorizeDeps,
): AccessEntry[] {
  const out: AccessEntry[] = []
  for (const entry of requestedScopes.map((e) => withImpliedMetadataRead(caller, e))) {
    let actions: string[]
    switch (caller.kind) {
      case 'admin':
        actions = entry.actions.filter((a) =>
          entry.type === 'registry' ? a === '*' : REPO_ACTION_SET.has(a),
        )
        break
      case 'anonymous':
        actions = deps.settings.anonymousPullEnabled
          ? entry.actions.filter((a) =>
              entry.type === 'registry' ? a === '*' : a === 'pull' || a === 'metadata_read',
            )
          : []
        break
      case 'token': {
        const map = deps.settings.scopeMaps.find((m) => m.name === caller.token.scopeMap)
        const allowed =
          map && entry.type === 'repository' ? scopeMapActions(map, entry.name) : new Set<string>()
        actions = entry.actions.filter((a) => allowed.has(a))
        break
      }
      case 'access-token':
        actions = entry.actions.filter((a) =>
          caller.access.some(
            (e) =>
              e.type === entry.type &&
              e.name === entry.name &&
              (e.actions.includes(a) || e.actions.includes('*')),
          ),
        )
        break
      case 'aad':
        actions = rbacActions(caller, entry, deps)
        break
    }
    if (actions.length > 0) out.push({ type: entry.type, name: entry.name, actions })
  }
  return out
}

const REPO_ACTION_SET = new Set(['pull', 'push', 'delete', 'metadata_read', 'metadata_write'])
