// SAR → Azure terms (guard's checkaccessreqhelper.go), Go's path.Join, wildcard patterns and ARM scopes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { goPathClean, goPathJoin } from '../../src/azure-rbac/go-path.js'
import {
  actionName,
  guardCacheKey,
  isDiscoveryRequest,
  mapSarToDataAction,
  scopeFor,
} from '../../src/azure-rbac/sar-mapping.js'
import { inheritedScopes, isWithin, parseScope } from '../../src/azure-rbac/scope.js'
import { covers, intersects, matchesAction } from '../../src/azure-rbac/wildcard.js'

const CS = 'Microsoft.ContainerService/managedClusters'
const CLUSTER =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1'

describe('SAR → data action (the table of docs/azure-rbac.md)', () => {
  const table: [string, Record<string, string>, string][] = [
    ['list pods', { verb: 'list', resource: 'pods', version: 'v1' }, `${CS}/pods/read`],
    ['get/watch → read', { verb: 'watch', resource: 'configmaps' }, `${CS}/configmaps/read`],
    ['create → write', { verb: 'create', resource: 'pods' }, `${CS}/pods/write`],
    [
      'update → write',
      { verb: 'update', group: 'apps', resource: 'deployments' },
      `${CS}/apps/deployments/write`,
    ],
    [
      'patch → write',
      { verb: 'patch', group: 'apps', resource: 'deployments' },
      `${CS}/apps/deployments/write`,
    ],
    ['delete', { verb: 'delete', resource: 'secrets' }, `${CS}/secrets/delete`],
    ['deletecollection → delete', { verb: 'deletecollection', resource: 'pods' }, `${CS}/pods/delete`],
    [
      'version is ignored',
      { verb: 'get', group: 'batch', version: 'v1', resource: 'jobs' },
      `${CS}/batch/jobs/read`,
    ],
    ['impersonate', { verb: 'impersonate', resource: 'users' }, `${CS}/users/impersonate/action`],
    [
      'bind',
      { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
      `${CS}/rbac.authorization.k8s.io/clusterroles/bind/action`,
    ],
    [
      'escalate',
      { verb: 'escalate', group: 'rbac.authorization.k8s.io', resource: 'roles' },
      `${CS}/rbac.authorization.k8s.io/roles/escalate/action`,
    ],
    [
      'use',
      { verb: 'use', group: 'policy', resource: 'podsecuritypolicies' },
      `${CS}/policy/podsecuritypolicies/use/action`,
    ],
    [
      'pods/exec → exec/action whatever the verb',
      { verb: 'get', resource: 'pods', subresource: 'exec' },
      `${CS}/pods/exec/action`,
    ],
    ['pods/log → pods/read', { verb: 'get', resource: 'pods', subresource: 'log' }, `${CS}/pods/read`],
    [
      'pods/attach create → pods/write',
      { verb: 'create', resource: 'pods', subresource: 'attach' },
      `${CS}/pods/write`,
    ],
    [
      'pods/portforward create → pods/write',
      { verb: 'create', resource: 'pods', subresource: 'portforward' },
      `${CS}/pods/write`,
    ],
    [
      'deployments/scale → parent',
      { verb: 'update', group: 'apps', resource: 'deployments', subresource: 'scale' },
      `${CS}/apps/deployments/write`,
    ],
    [
      'nodes/proxy get → nodes/read',
      { verb: 'get', resource: 'nodes', subresource: 'proxy' },
      `${CS}/nodes/read`,
    ],
    [
      'unknown verb: the id ends at the resource',
      { verb: 'approve', group: 'certificates.k8s.io', resource: 'certificatesigningrequests' },
      `${CS}/certificates.k8s.io/certificatesigningrequests`,
    ],
    ['verbs are case-sensitive in guard', { verb: 'GET', resource: 'pods' }, `${CS}/pods`],
    ['verb * → *', { verb: '*', resource: 'pods' }, `${CS}/pods/*`],
  ]
  for (const [name, ra, action] of table)
    it(name, () => expect(mapSarToDataAction({ resourceAttributes: ra }).actionId).toBe(action))

  it('non-resource URLs become <prefix><path>/<action>', () => {
    expect(mapSarToDataAction({ nonResourceAttributes: { path: '/metrics', verb: 'get' } }).actionId).toBe(
      `${CS}/metrics/read`,
    )
    expect(mapSarToDataAction({ nonResourceAttributes: { path: '/logs/', verb: 'delete' } }).actionId).toBe(
      `${CS}/logs/delete`,
    )
    // post/put have no Azure suffix: the id is the path alone.
    expect(mapSarToDataAction({ nonResourceAttributes: { path: '/readyz', verb: 'post' } }).actionId).toBe(
      `${CS}/readyz`,
    )
    expect(mapSarToDataAction({ nonResourceAttributes: { path: '/', verb: 'get' } }).actionId).toBe(
      `${CS}/read`,
    )
  })

  it('other cluster types use their prefixes', () => {
    expect(
      mapSarToDataAction({ resourceAttributes: { verb: 'get', resource: 'pods' } }, 'arc').actionId,
    ).toBe('Microsoft.Kubernetes/connectedClusters/pods/read')
    expect(
      mapSarToDataAction({ resourceAttributes: { verb: 'get', resource: 'pods' } }, 'fleet').actionId,
    ).toBe('Microsoft.ContainerService/fleets/pods/read')
  })

  it('a wildcard group needs both the core-group and the named-group forms', () => {
    expect(
      mapSarToDataAction({ resourceAttributes: { verb: 'get', group: '*', resource: 'deployments' } }),
    ).toEqual({
      actionId: `${CS}/*/deployments/read`,
      patterns: [`${CS}/deployments/read`, `${CS}/*/deployments/read`],
      wildcard: true,
    })
  })

  it('scope: namespace → <cluster>/namespaces/<ns>; cluster-scoped and all-namespace requests → the cluster', () => {
    expect(scopeFor({ resourceAttributes: { namespace: 'dev' } }, CLUSTER)).toBe(`${CLUSTER}/namespaces/dev`)
    expect(scopeFor({ resourceAttributes: { namespace: '' } }, CLUSTER)).toBe(CLUSTER)
    expect(scopeFor({ nonResourceAttributes: { path: '/x' } }, CLUSTER)).toBe(CLUSTER)
    expect(scopeFor({ resourceAttributes: { namespace: '..' } }, CLUSTER)).toBe(CLUSTER)
  })

  it('cache keys as guard builds them', () => {
    expect(
      guardCacheKey({
        user: 'u@x',
        resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' },
      }),
    ).toBe('u@x/dev/-/pods/read')
    expect(
      guardCacheKey({
        user: 'u@x',
        resourceAttributes: { verb: 'get', group: 'apps', resource: 'deployments' },
      }),
    ).toBe('u@x/-/apps/deployments/read')
    expect(
      guardCacheKey({
        user: 'u@x',
        resourceAttributes: { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'a' },
      }),
    ).toBe('u@x/a/-/pods/exec/action')
    expect(guardCacheKey({ user: 'u@x', nonResourceAttributes: { path: '/metrics', verb: 'get' } })).toBe(
      'u@x/metrics/read',
    )
  })

  it('discovery paths: GET (any case) of /api*, /openapi*, /version*, /healthz*', () => {
    const d = (path: string, verb = 'get') => isDiscoveryRequest({ nonResourceAttributes: { path, verb } })
    expect([
      d('/api'),
      d('/apis/apps'),
      d('/openapi/v3'),
      d('/version'),
      d('/healthz/ping'),
      d('/API', 'GET'),
    ]).toEqual([true, true, true, true, true, true])
    expect([d('/livez'), d('/readyz'), d('/metrics'), d('/logs'), d('/api', 'post'), d('api')]).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ])
    expect(isDiscoveryRequest({ resourceAttributes: { verb: 'get', resource: 'api' } })).toBe(false)
  })

  it('actionName covers exactly guard’s verbs', () => {
    expect(
      ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy', ''].map(
        actionName,
      ),
    ).toEqual(['read', 'read', 'read', 'write', 'write', 'write', 'delete', 'delete', '', ''])
  })
})

describe('Go path.Join / path.Clean', () => {
  const cases: [string[], string][] = [
    [['a', 'b'], 'a/b'],
    [['a', ''], 'a'],
    [['', ''], ''],
    [['a/', '/b/'], 'a/b'],
    [['/a', '..', '..', 'b'], '/b'],
    [['a', '..', '..', 'b'], '../b'],
    [['a', '.', 'b/./c'], 'a/b/c'],
  ]
  for (const [parts, out] of cases)
    it(`Join(${JSON.stringify(parts)}) = ${out}`, () => expect(goPathJoin(...parts)).toBe(out))
  it('Clean of "" is "." and of "/.." is "/"', () => {
    expect(goPathClean('')).toBe('.')
    expect(goPathClean('/..')).toBe('/')
    expect(goPathClean('a/..')).toBe('.')
  })
})

describe('wildcard patterns', () => {
  it('`*` matches any text including `/`, case-insensitively', () => {
    expect(matchesAction(`${CS}/*`, `${CS}/apps/deployments/write`)).toBe(true)
    expect(matchesAction(`${CS}/*/read`, `${CS}/example.com/widgets/read`)).toBe(true)
    expect(matchesAction(`${CS}/*/read`, `${CS}/pods/write`)).toBe(false)
    expect(matchesAction('microsoft.containerservice/MANAGEDCLUSTERS/pods/READ', `${CS}/pods/read`)).toBe(
      true,
    )
    expect(matchesAction('*', '')).toBe(true)
    expect(matchesAction('a*b*c', 'abxbc')).toBe(true)
    expect(matchesAction('a*b*c', 'abxbcd')).toBe(false)
    expect(matchesAction('', 'a')).toBe(false)
  })

  it('covers: a permission covers a wildcard request only if it matches every action the request stands for', () => {
    expect(covers(`${CS}/*`, `${CS}/pods/*`)).toBe(true)
    expect(covers(`${CS}/pods/*`, `${CS}/pods/*`)).toBe(true)
    expect(covers(`${CS}/pods/read`, `${CS}/pods/*`)).toBe(false)
    expect(covers(`${CS}/*/read`, `${CS}/*/read`)).toBe(true)
    expect(covers(`${CS}/*/read`, `${CS}/pods/*`)).toBe(false)
  })

  it('intersects: two patterns share at least one action', () => {
    expect(intersects(`${CS}/namespaces/write`, `${CS}/namespaces/*`)).toBe(true)
    expect(intersects(`${CS}/namespaces/write`, `${CS}/pods/*`)).toBe(false)
    expect(intersects('*a', '*b')).toBe(false)
    expect(intersects('a*', '*b')).toBe(true)
    expect(intersects('x*y', 'x*z')).toBe(false)
    expect(intersects('*/write', `${CS}/*`)).toBe(true)
  })

  it('intersects agrees with brute force over a small alphabet', () => {
    const sym = fc.constantFrom('a', 'b', '*')
    const pattern = fc.array(sym, { maxLength: 5 }).map((x) => x.join(''))
    // Every string of length ≤ 10 over {a, b}: a shortest common word needs at most the literals of
    // both patterns (5 + 5), so this set holds a witness whenever one exists.
    const words = ['']
    for (let len = 1; len <= 10; len++)
      for (let i = 0; i < 2 ** len; i++)
        words.push(i.toString(2).padStart(len, '0').replace(/0/g, 'a').replace(/1/g, 'b'))
    fc.assert(
      fc.property(pattern, pattern, (p, q) => {
        const brute = words.some((w) => matchesAction(p, w) && matchesAction(q, w))
        expect(intersects(p, q)).toBe(brute)
      }),
      { numRuns: 500 },
    )
  })

  it('treats over-long wildcard requests as intersecting (the safe side)', () => {
    expect(intersects('x*', `${'a'.repeat(5000)}*`)).toBe(true)
  })
})

describe('ARM scopes', () => {
  it('parses the scope levels', () => {
    expect(parseScope('/')).toMatchObject({ kind: 'root' })
    expect(parseScope('/providers/Microsoft.Management/managementGroups/mg1')).toMatchObject({
      kind: 'managementGroup',
      managementGroupId: 'mg1',
    })
    expect(parseScope('/subscriptions/00000000-0000-0000-0000-000000000001')).toMatchObject({
      kind: 'subscription',
    })
    expect(
      parseScope('/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg/'),
    ).toMatchObject({ kind: 'resourceGroup' })
    expect(parseScope(`${CLUSTER}/namespaces/dev`)?.chain).toHaveLength(4)
    for (const bad of [
      '',
      'subscriptions/x',
      '/subscriptions/x',
      '/subscriptions/00000000-0000-0000-0000-000000000001//rg',
      `${CLUSTER}/namespaces`,
      '/providers/x',
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ rg',
    ])
      expect(parseScope(bad)).toBeUndefined()
  })

  it('lists inherited scopes from the root down, through the management groups', () => {
    const hierarchy = {
      managementGroupOf: () => 'child',
      parentOf: (m: string) => (m === 'child' ? 'parent' : undefined),
    }
    expect(inheritedScopes(`${CLUSTER}/namespaces/dev`, hierarchy)).toEqual([
      '/',
      '/providers/microsoft.management/managementgroups/parent',
      '/providers/microsoft.management/managementgroups/child',
      '/subscriptions/00000000-0000-0000-0000-000000000001',
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg',
      CLUSTER.toLowerCase(),
      `${CLUSTER.toLowerCase()}/namespaces/dev`,
    ])
    expect(inheritedScopes('not a scope')).toEqual([])
  })

  it('isWithin compares path segments, case-insensitively', () => {
    expect(isWithin(`${CLUSTER}/namespaces/dev`, CLUSTER.toUpperCase())).toBe(true)
    expect(isWithin(`${CLUSTER}2`, CLUSTER)).toBe(false)
    expect(isWithin(CLUSTER, '/')).toBe(true)
  })
})
