/**
 * A registry's own settings, the data its token server reads: role-assignment mode, the
 * authentication-as-ARM policy, the admin user, anonymous pull, scope maps (the five system ones and
 * user-defined ones) and repository-scoped tokens. Seeded from the scenario on first start, then kept
 * in `<stateDir>/registries/<name>/settings.json` so a later ARM surface can change them.
 */
import { randomBytes } from 'node:crypto'
import type { ContainerRegistrySpec, RoleAssignmentMode } from '../azure-rbac/index.js'

export interface ScopeMap {
  name: string
  description: string
  type: 'SystemDefined' | 'UserDefined'
  /** ARM form: `repositories/<repo|prefix/*|*>/<content|metadata>/<read|write|delete>`. */
  actions: string[]
  /** When ARM created it (absent for system and scenario scope maps). */
  creationDate?: string
}

export interface RegistryToken {
  name: string
  scopeMap: string
  status: 'enabled' | 'disabled'
  passwords: { name: 'password1' | 'password2'; value: string; expiry?: string; creationTime?: string }[]
  /** When ARM created it (absent for scenario tokens). */
  creationDate?: string
}

export interface RegistrySettings {
  name: string
  loginServer: string
  resourceId: string
  roleAssignmentMode: RoleAssignmentMode
  azureADAuthenticationAsArmPolicy: 'enabled' | 'disabled'
  adminUserEnabled: boolean
  anonymousPullEnabled: boolean
  /** Admin user passwords (`password`, `password2`); username = registry name. */
  adminPasswords: { name: 'password' | 'password2'; value: string }[]
  scopeMaps: ScopeMap[]
  tokens: RegistryToken[]
  /** ARM's `policies` (written by ARM PATCH); absent = defaults (retention disabled). */
  policies?: { retentionPolicy?: RetentionPolicy }
}

/** ARM `policies.retentionPolicy`: untagged manifests older than `days` (0–365, default 7) are deleted. */
export interface RetentionPolicy {
  days: number
  status: 'enabled' | 'disabled'
  lastUpdatedTime?: string
}

const all = (ops: string[]) => ops.map((o) => `repositories/*/${o}`)
/** The system scope maps every registry has (Microsoft Learn: container-registry-token-based-repository-permissions). */
export const SYSTEM_SCOPE_MAPS: readonly ScopeMap[] = [
  {
    name: '_repositories_admin',
    description: 'Can perform all read, write and delete operations on the registry',
    type: 'SystemDefined',
    actions: all(['metadata/read', 'metadata/write', 'content/read', 'content/write', 'content/delete']),
  },
  {
    name: '_repositories_pull',
    description: 'Can pull any repository of the registry',
    type: 'SystemDefined',
    actions: all(['content/read']),
  },
  {
    name: '_repositories_pull_metadata_read',
    description: 'Can perform all read operations on the registry',
    type: 'SystemDefined',
    actions: all(['content/read', 'metadata/read']),
  },
  {
    name: '_repositories_push',
    description: 'Can push to any repository of the registry',
    type: 'SystemDefined',
    actions: all(['content/read', 'content/write']),
  },
  {
    name: '_repositories_push_metadata_write',
    description: 'Can perform all read and write operations on the registry',
    type: 'SystemDefined',
    actions: all(['metadata/read', 'metadata/write', 'content/read', 'content/write']),
  },
]

export const generatePassword = () => randomBytes(39).toString('base64').replace(/[+/=]/g, '').slice(0, 52)

/** First-start settings from the scenario's registry. */
export function settingsFromSpec(
  spec: ContainerRegistrySpec & { resourceId: string; roleAssignmentMode: RoleAssignmentMode },
  loginServer: string,
): RegistrySettings {
  return {
    name: spec.name,
    loginServer,
    resourceId: spec.resourceId,
    roleAssignmentMode: spec.roleAssignmentMode,
    azureADAuthenticationAsArmPolicy: spec.azureADAuthenticationAsArmPolicy ?? 'enabled',
    adminUserEnabled: spec.adminUserEnabled ?? false,
    anonymousPullEnabled: spec.anonymousPullEnabled ?? false,
    adminPasswords: [
      { name: 'password', value: generatePassword() },
      { name: 'password2', value: generatePassword() },
    ],
    scopeMaps: [
      ...SYSTEM_SCOPE_MAPS,
      ...(spec.scopeMaps ?? []).map((m) => ({
        name: m.name,
        description: m.description ?? '',
        type: 'UserDefined' as const,
        actions: m.actions,
      })),
    ],
    tokens: (spec.tokens ?? []).map((t) => ({
      name: t.name,
      scopeMap: t.scopeMap,
      status: t.status ?? 'enabled',
      passwords: t.passwords.map((p) => ({ ...p })),
    })),
  }
}

const SCOPE_MAP_ACTION = /^repositories\/(.+)\/(content|metadata)\/(read|write|delete)$/

/** Problems with a scope map's actions (wildcards only as a trailing `/*` or a lone `*`). */
export function scopeMapProblems(actions: readonly string[]): string[] {
  const problems: string[] = []
  for (const a of actions) {
    const m = SCOPE_MAP_ACTION.exec(a)
    if (!m) {
      problems.push(`'${a}' is not repositories/<repository>/<content|metadata>/<read|write|delete>`)
      continue
    }
    const repo = m[1]!
    const body = repo.endsWith('/*') ? repo.slice(0, -2) : repo
    if (repo !== '*' && body.includes('*'))
      problems.push(`'${a}': a wildcard may only be a trailing '/*' or the whole repository ('*')`)
  }
  return problems
}
