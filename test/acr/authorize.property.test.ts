/**
 * The registry's permission evaluation (src/acr/authorize.ts over the Azure RBAC store, with ABAC
 * conditions) against a naive reference written from the role table of docs/acr.md: random role
 * assignments (with and without repository-prefix conditions), either mode, random requested scopes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { grantAccess, type Caller } from '../../src/acr/authorize.js'
import { parseScopes, type AccessEntry } from '../../src/acr/scopes.js'
import { SYSTEM_SCOPE_MAPS, type RegistrySettings } from '../../src/acr/settings.js'
import { createAzureRbac } from '../../src/azure-rbac/index.js'
import { BUILTIN_ROLES } from '../../src/azure-rbac/builtin-roles.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const REGISTRY = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r1`
const USER = '11111111-1111-1111-1111-111111111111'
const GROUP = '22222222-2222-2222-2222-222222222222'
const ACR = 'Microsoft.ContainerRegistry/registries'

/** Token actions each role gives, per mode (docs/acr.md's table). `catalog` = registry:catalog:*. */
const LEGACY: Record<string, string[]> = {
  AcrPull: ['pull', 'metadata_read', 'catalog'],
  AcrPush: ['pull', 'metadata_read', 'catalog', 'push', 'metadata_write'],
  AcrDelete: ['delete'],
  Reader: ['pull', 'metadata_read', 'catalog'],
  Contributor: ['pull', 'metadata_read', 'catalog', 'push', 'metadata_write', 'delete'],
  Owner: ['pull', 'metadata_read', 'catalog', 'push', 'metadata_write', 'delete'],
}
const ABAC: Record<string, string[]> = {
  'Container Registry Repository Reader': ['pull', 'metadata_read'],
  'Container Registry Repository Writer': ['pull', 'metadata_read', 'push', 'metadata_write'],
  'Container Registry Repository Contributor': ['pull', 'metadata_read', 'push', 'metadata_write', 'delete'],
  'Container Registry Repository Catalog Lister': ['catalog'],
}
const ROLES = [...Object.keys(LEGACY), ...Object.keys(ABAC)]
const REPOS = ['orders/api', 'Orders/web', 'billing/worker', 'samples/nginx', 'ordersx']
const PREFIXES = ['orders/', 'ORDERS', 'billing/', 'samples/n']
const ACTIONS = ['pull', 'push', 'delete', 'metadata_read', 'metadata_write']

const conditionFor = (role: string, prefix: string) => {
  const data = BUILTIN_ROLES.find((r) => r.roleName === role)!.permissions[0]!.dataActions
  const not = data.map((a) => `!(ActionMatches{'${a}'})`).join(' AND ')
  return `((${not}) OR (@Request[${ACR}/repositories:name] StringStartsWithIgnoreCase '${prefix}'))`
}

const assignment = fc.record({
  role: fc.constantFrom(...ROLES),
  toGroup: fc.boolean(),
  prefix: fc.option(fc.constantFrom(...PREFIXES), { nil: undefined }),
})
const scope = fc.oneof(
  fc
    .record({ repo: fc.constantFrom(...REPOS, '*'), actions: fc.subarray(ACTIONS, { minLength: 1 }) })
    .map((s) => `repository:${s.repo}:${s.actions.join(',')}`),
  fc.constant('registry:catalog:*'),
)

function naive(
  mode: 'legacy' | 'abac',
  held: { role: string; prefix: string | undefined }[],
  requested: AccessEntry[],
) {
  const table = mode === 'legacy' ? LEGACY : ABAC
  const out: AccessEntry[] = []
  for (const e of requested) {
    if (e.type === 'registry') {
      if (held.some((h) => table[h.role]?.includes('catalog'))) out.push({ ...e, actions: ['*'] })
      continue
    }
    if (mode === 'abac' && e.name === '*') continue
    const wanted =
      e.actions.includes('pull') && !e.actions.includes('metadata_read')
        ? [...e.actions, 'metadata_read']
        : e.actions
    const ok = wanted.filter((a) =>
      held.some(
        (h) =>
          table[h.role]?.includes(a) &&
          (mode === 'legacy' ||
            h.prefix === undefined ||
            e.name.toLowerCase().startsWith(h.prefix.toLowerCase())),
      ),
    )
    if (ok.length > 0) out.push({ ...e, actions: ok })
  }
  return out
}

describe('registry authorization against a naive reference', () => {
  it('grants exactly what the role table says, in both modes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('legacy' as const, 'abac' as const),
        fc.array(assignment, { maxLength: 4 }),
        fc.array(scope, { minLength: 1, maxLength: 4 }),
        (mode, assignments, scopes) => {
          const rbac = createAzureRbac(
            { roleDefinitions: BUILTIN_ROLES },
            {
              directory: {
                tenantId: SUB,
                findPrincipal: (ref) =>
                  ref === USER
                    ? { id: USER, type: 'User', displayName: 'u' }
                    : ref === GROUP
                      ? { id: GROUP, type: 'Group', displayName: 'g' }
                      : undefined,
              },
              newGuid: (() => {
                let i = 0
                return () => `33333333-3333-3333-3333-${String(++i).padStart(12, '0')}`
              })(),
            },
          )
          const held: { role: string; prefix: string | undefined }[] = []
          for (const a of assignments) {
            const role = BUILTIN_ROLES.find((r) => r.roleName === a.role)!
            const isAbacRole = a.role in ABAC && a.role !== 'Container Registry Repository Catalog Lister'
            const condition =
              isAbacRole && a.prefix !== undefined ? conditionFor(a.role, a.prefix) : undefined
            try {
              rbac.createRoleAssignment({
                principalId: a.toGroup ? GROUP : USER,
                roleDefinitionId: role.id,
                scope: REGISTRY,
                ...(condition && { condition }),
              })
              held.push({ role: a.role, prefix: condition ? a.prefix : undefined })
            } catch {
              // A duplicate (same principal, role, scope) is refused as ARM refuses it.
            }
          }
          const settings: RegistrySettings = {
            name: 'r1',
            loginServer: 'r1.example',
            resourceId: REGISTRY,
            roleAssignmentMode: mode === 'legacy' ? 'LegacyRegistryPermissions' : 'AbacRepositoryPermissions',
            azureADAuthenticationAsArmPolicy: 'enabled',
            adminUserEnabled: false,
            anonymousPullEnabled: false,
            adminPasswords: [],
            scopeMaps: [...SYSTEM_SCOPE_MAPS],
            tokens: [],
          }
          const caller: Caller = { kind: 'aad', objectId: USER, groupIds: [GROUP], subject: 'u', tenant: SUB }
          const requested = parseScopes(scopes.join(' '))
          const got = grantAccess(caller, requested, { rbac, settings })
          const want = naive(mode, held, requested)
          const norm = (l: AccessEntry[]) => l.map((e) => ({ ...e, actions: [...e.actions].sort() }))
          expect(norm(got)).toEqual(norm(want))
        },
      ),
      { numRuns: 300 },
    )
  })
})
