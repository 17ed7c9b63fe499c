// Property: a SubjectAccessReview that no role assignment matches is never allowed. Assignments are
// generated to miss on purpose (someone else's, at a scope that is not the request's or above it, or a
// role without a fitting data action); the request is random, wildcards and odd strings included.
// The only allows left are guard's discovery shortcut.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { authorizeWithAzureRbac } from '../../src/azure-rbac/authorize.js'
import { BUILTIN_ROLES } from '../../src/azure-rbac/builtin-roles.js'
import type { AzureDirectory, RoleDefinition } from '../../src/azure-rbac/model.js'
import { isDiscoveryRequest, scopeFor } from '../../src/azure-rbac/sar-mapping.js'
import { createAzureRbac } from '../../src/azure-rbac/store.js'
import { type SubjectAccessReviewSpec } from '../../src/kube/index.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const RG = `/subscriptions/${SUB}/resourceGroups/rg`
const CLUSTER = `${RG}/providers/Microsoft.ContainerService/managedClusters/c1`
const OTHER_CLUSTER = `${RG}/providers/Microsoft.ContainerService/managedClusters/c2`
const CS = 'Microsoft.ContainerService/managedClusters'
const USER_OID = 'aaaaaaaa-0000-4000-8000-000000000001'
const GROUP = 'aaaaaaaa-0000-4000-8000-000000000002'

const UNRELATED: RoleDefinition = {
  id: 'bbbbbbbb-0000-4000-8000-000000000001',
  roleName: 'Unrelated data',
  description: '',
  roleType: 'CustomRole',
  assignableScopes: ['/'],
  permissions: [
    {
      actions: ['*'],
      notActions: [],
      dataActions: [`${CS}/zz-unrelated/read`, `${CS}/apps/zz-unrelated/*`],
      notDataActions: [],
    },
  ],
  source: 'test',
}
const NO_DATA_ROLES = BUILTIN_ROLES.filter((r) => r.permissions.every((p) => p.dataActions.length === 0))
const ALL_ROLES = [...BUILTIN_ROLES, UNRELATED]

// Any GUID is a principal here: the property is about matching, not about the directory.
const directory: AzureDirectory = {
  tenantId: SUB,
  findPrincipal: (id) => ({ id: id.toLowerCase(), type: 'User', displayName: id }),
}

const word = fc.stringMatching(/^[a-y0-9-]{1,8}$/)
const ra = fc.record({
  namespace: fc.oneof(fc.constantFrom('', 'dev', 'prod', 'kube-system', '..', '.'), word),
  verb: fc.oneof(
    fc.constantFrom(
      'get',
      'list',
      'watch',
      'create',
      'update',
      'patch',
      'delete',
      'deletecollection',
      '*',
      'impersonate',
      'approve',
      'GET',
    ),
    word,
  ),
  group: fc.oneof(fc.constantFrom('', 'apps', 'batch', '*', 'rbac.authorization.k8s.io'), word),
  resource: fc.oneof(fc.constantFrom('pods', 'secrets', 'namespaces', 'deployments', '*', ''), word),
  subresource: fc.constantFrom('', 'exec', 'log', 'scale', 'status'),
  name: fc.constantFrom('', 'x'),
})
const nra = fc.record({
  path: fc.oneof(
    fc.constantFrom('/api', '/apis/apps', '/metrics', '/healthz', '/livez', '/', '*', '/version/..'),
    word.map((w) => `/${w}`),
  ),
  verb: fc.constantFrom('get', 'GET', 'post', 'put', 'delete', '*', 'head'),
})
const spec: fc.Arbitrary<SubjectAccessReviewSpec> = fc
  .record(
    {
      user: fc.oneof(
        fc.constantFrom('frank@contoso.com', 'system:serviceaccount:a:b', 'SYSTEM:node:n1', USER_OID),
        word,
      ),
      groups: fc.subarray([
        GROUP,
        GROUP.toUpperCase(),
        'system:authenticated',
        'engineering',
        'bbbbbbbb-0000-4000-8000-00000000000f',
      ]),
      extra: fc.oneof(
        ...[[USER_OID], [`{${USER_OID}}`], [], [USER_OID, USER_OID]].map((oid) =>
          fc.constant<Record<string, string[]>>({ oid }),
        ),
        fc.constant<Record<string, string[]>>({ 'other-key': [USER_OID] }),
        word.map((w): Record<string, string[]> => ({ oid: [w] })),
      ),
      attrs: fc.oneof(
        ra.map((r) => ({ resourceAttributes: r })),
        nra.map((n) => ({ nonResourceAttributes: n })),
      ),
    },
    { requiredKeys: ['attrs'] },
  )
  .map(({ attrs, ...rest }) => ({ ...rest, ...attrs }))

const SCOPES = [
  '/',
  `/subscriptions/${SUB}`,
  RG,
  CLUSTER,
  OTHER_CLUSTER,
  ...['dev', 'prod', 'kube-system', 'other'].flatMap((ns) => [
    `${CLUSTER}/namespaces/${ns}`,
    `${OTHER_CLUSTER}/namespaces/${ns}`,
  ]),
  `/subscriptions/11111111-0000-4000-8000-000000000000`,
  `/subscriptions/${SUB}/resourceGroups/rg2`,
]
/** Independent of the code under test: an assignment applies at its scope and every path below it. */
const applies = (assignmentScope: string, requestScope: string) => {
  const a = assignmentScope.toLowerCase()
  const r = requestScope.toLowerCase()
  return a === '/' || r === a || r.startsWith(`${a}/`)
}

type Miss =
  | { kind: 'someone-else'; principal: string; role: number; scope: number }
  | { kind: 'wrong-scope' | 'no-fitting-role'; mine: 'user' | 'group'; role: number; scope: number }
const miss: fc.Arbitrary<Miss> = fc.oneof(
  fc.record({
    kind: fc.constant('someone-else' as const),
    principal: fc.uuid(),
    role: fc.nat(ALL_ROLES.length - 1),
    scope: fc.nat(SCOPES.length - 1),
  }),
  fc.record({
    kind: fc.constantFrom('wrong-scope' as const, 'no-fitting-role' as const),
    mine: fc.constantFrom('user' as const, 'group' as const),
    role: fc.nat(100),
    scope: fc.nat(SCOPES.length - 1),
  }),
)

describe('Azure RBAC: no matching assignment, no allow', () => {
  it('never allows a random SAR that no assignment matches (except discovery GETs)', () => {
    fc.assert(
      fc.property(spec, fc.array(miss, { maxLength: 6 }), (s, misses) => {
        const requestScope = scopeFor(s, CLUSTER)
        const assignments = misses.flatMap((m, i) => {
          const id = `cccccccc-0000-4000-8000-${String(i).padStart(12, '0')}`
          const scope = SCOPES[m.scope]!
          if (m.kind === 'someone-else') {
            if ([USER_OID, GROUP].includes(m.principal.toLowerCase())) return []
            return [
              {
                id,
                principalId: m.principal,
                principalType: 'User' as const,
                roleDefinitionId: ALL_ROLES[m.role]!.id,
                scope,
              },
            ]
          }
          const principalId = m.mine === 'user' ? USER_OID : GROUP
          if (m.kind === 'wrong-scope') {
            if (applies(scope, requestScope)) return []
            return [
              {
                id,
                principalId,
                principalType: 'User' as const,
                roleDefinitionId: ALL_ROLES[m.role % ALL_ROLES.length]!.id,
                scope,
              },
            ]
          }
          const roles = [...NO_DATA_ROLES, UNRELATED]
          return [
            {
              id,
              principalId,
              principalType: 'User' as const,
              roleDefinitionId: roles[m.role % roles.length]!.id,
              scope,
            },
          ]
        })
        const rbac = createAzureRbac(
          { roleDefinitions: ALL_ROLES, roleAssignments: assignments },
          { directory, newGuid: () => '' },
        )
        const result = authorizeWithAzureRbac(s, { rbac, clusterResourceId: CLUSTER })
        const shortcut =
          !(s.user ?? '').toLowerCase().startsWith('system:') &&
          s.extra !== undefined &&
          'oid' in s.extra &&
          isDiscoveryRequest(s)
        expect(result.allowed).toBe(shortcut)
        if (result.allowed) expect(result.explanation.step).toBe('discovery')
        else if (result.denied) expect(result.reason).not.toMatch(/^Access allowed/)
      }),
      { numRuns: 3000 },
    )
  })

  it('allows exactly when one of the same kind of requests does get a matching assignment (sanity check of the generator)', () => {
    const rbac = createAzureRbac(
      {
        roleDefinitions: ALL_ROLES,
        roleAssignments: [
          {
            id: 'cccccccc-0000-4000-8000-000000000000',
            principalId: GROUP,
            principalType: 'Group',
            roleDefinitionId: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
            scope: CLUSTER,
          },
        ],
      },
      { directory, newGuid: () => '' },
    )
    const r = authorizeWithAzureRbac(
      {
        user: 'frank@contoso.com',
        groups: [GROUP],
        extra: { oid: [USER_OID] },
        resourceAttributes: { namespace: 'dev', verb: '*', group: '*', resource: '*' },
      },
      { rbac, clusterResourceId: CLUSTER },
    )
    expect(r.allowed).toBe(true)
  })
})
