/**
 * Property-based checks (fast-check): the subject-indexed engine agrees with a naive linear evaluation
 * on random clusters and requests, keeps agreeing as objects change, agrees with its own rulesFor, and
 * never throws or allows on malformed input.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import { ruleAllows } from '../../src/rbac/rule-match.js'
import type { AuthorizationRequest, PolicyRule } from '../../src/rbac/types.js'
import { naiveAuthorize } from './naive-reference.js'

const API = 'rbac.authorization.k8s.io/v1'
const USERS = ['alice', 'Alice', 'bob', 'system:serviceaccount:ns1:sa', 'system:serviceaccount:ns2:sa', '']
const GROUPS = ['g1', 'g2', 'system:serviceaccounts', 'system:authenticated']
const NAMESPACES = ['ns1', 'ns2']
const CLUSTER_ROLES = ['cr0', 'cr1', 'cr2', 'cr3', 'agg']
const ROLES = ['r0', 'r1']

const rule: fc.Arbitrary<PolicyRule> = fc.record(
  {
    verbs: fc.subarray(['get', 'list', '*', 'create', 'delete']),
    apiGroups: fc.subarray(['', 'apps', '*']),
    resources: fc.subarray(['pods', 'pods/log', '*', '*/log', 'secrets', 'deployments']),
    resourceNames: fc.subarray(['a', 'b', '']),
    nonResourceURLs: fc.subarray(['/healthz', '/healthz/*', '/api*', '*', '/x/**']),
  },
  { requiredKeys: ['verbs'] },
)

const clusterRole = fc.record({
  apiVersion: fc.constant(API),
  kind: fc.constant('ClusterRole'),
  metadata: fc.record({
    name: fc.constantFrom(...CLUSTER_ROLES),
    labels: fc.constantFrom({}, { agg: 'a' }, { agg: 'b' }),
  }),
  rules: fc.option(fc.array(rule, { maxLength: 3 }), { nil: undefined }),
  aggregationRule: fc.option(
    fc.constantFrom(
      { clusterRoleSelectors: [{ matchLabels: { agg: 'a' } }] },
      { clusterRoleSelectors: [{ matchExpressions: [{ key: 'agg', operator: 'Exists' }] }] },
      { clusterRoleSelectors: [{ matchLabels: { agg: 'b' } }, { matchLabels: { agg: 'a' } }] },
    ),
    { nil: undefined },
  ),
})

const role = fc.record({
  apiVersion: fc.constant(API),
  kind: fc.constant('Role'),
  metadata: fc.record({ name: fc.constantFrom(...ROLES), namespace: fc.constantFrom(...NAMESPACES) }),
  rules: fc.array(rule, { maxLength: 3 }),
})

// Subjects are drawn so that they often match the generated users (otherwise nearly every request
// would be a trivial NoOpinion and the index would go untested).
const subject = fc.oneof(
  fc.record({ kind: fc.constant('User'), name: fc.constantFrom(...USERS) }),
  fc.record({ kind: fc.constant('Group'), name: fc.constantFrom(...GROUPS, 'system:serviceaccounts:ns1') }),
  fc.record(
    {
      kind: fc.constant('ServiceAccount'),
      name: fc.constantFrom('sa', 'other'),
      namespace: fc.constantFrom(...NAMESPACES),
    },
    { requiredKeys: ['kind', 'name'] },
  ),
  fc.record({ kind: fc.constantFrom('Bogus', 'user'), name: fc.constantFrom(...USERS, ...GROUPS) }),
)

const roleRef = fc.record({
  apiGroup: fc.constant('rbac.authorization.k8s.io'),
  kind: fc.constantFrom('ClusterRole', 'ClusterRole', 'Role', 'Weird'),
  name: fc.constantFrom(...CLUSTER_ROLES, ...ROLES, 'missing'),
})

const binding = (kind: 'ClusterRoleBinding' | 'RoleBinding') =>
  fc.record({
    apiVersion: fc.constant(API),
    kind: fc.constant(kind),
    metadata:
      kind === 'RoleBinding'
        ? fc.record({
            name: fc.constantFrom('rb0', 'rb1', 'rb2', 'rb3'),
            namespace: fc.constantFrom(...NAMESPACES),
          })
        : fc.record({ name: fc.constantFrom('crb0', 'crb1', 'crb2', 'crb3', 'crb4') }),
    roleRef,
    subjects: fc.array(subject, { maxLength: 3 }),
  })

const world = fc.array(fc.oneof(clusterRole, role, binding('ClusterRoleBinding'), binding('RoleBinding')), {
  maxLength: 25,
})

const request: fc.Arbitrary<AuthorizationRequest> = fc
  .record({
    user: fc.record({
      name: fc.constantFrom(...USERS),
      groups: fc.subarray([...GROUPS, 'system:serviceaccounts:ns1']),
    }),
    attrs: fc.oneof(
      fc.record({
        verb: fc.constantFrom('get', 'list', 'create', 'delete', '*'),
        group: fc.constantFrom('', 'apps'),
        resource: fc.constantFrom('pods', 'secrets', 'deployments', 'status'),
        subresource: fc.constantFrom('', 'log', 'status'),
        name: fc.constantFrom('', 'a', 'b'),
        namespace: fc.constantFrom('', 'ns1', 'ns2', 'ns3'),
      }),
      fc.record({
        verb: fc.constantFrom('get', 'post', '*'),
        path: fc.constantFrom('/healthz', '/healthz/x', '/api', '/apis', '/x/', '/x'),
      }),
    ),
  })
  .map(({ user, attrs }) =>
    'path' in attrs ? { user, nonResourceAttributes: attrs } : { user, resourceAttributes: attrs },
  )

const outcome = (d: { decision: string; reason: string }) => ({ decision: d.decision, reason: d.reason })

describe('indexed engine vs naive linear evaluation', () => {
  it('agrees on decision and exact reason for random clusters and requests', () => {
    fc.assert(
      fc.property(world, fc.array(request, { minLength: 1, maxLength: 8 }), (objects, requests) => {
        const store = createMemoryRbacObjects(objects)
        const rbac = createRbacAuthorizer(store)
        for (const r of requests) expect(outcome(rbac.authorize(r))).toEqual(naiveAuthorize(store, r))
      }),
      { numRuns: 400 },
    )
  })

  it('stays consistent with the naive evaluation as objects are applied and removed', () => {
    const change = fc.oneof(
      world.map((objs) => ({ op: 'apply' as const, objs })),
      fc.record({
        op: fc.constant('remove' as const),
        kind: fc.constantFrom('ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding' as const),
        name: fc.constantFrom(...CLUSTER_ROLES, ...ROLES, 'crb0', 'crb1', 'crb2', 'rb0', 'rb1'),
        namespace: fc.constantFrom('', ...NAMESPACES),
      }),
    )
    fc.assert(
      fc.property(
        world,
        fc.array(change, { maxLength: 6 }),
        fc.array(request, { minLength: 1, maxLength: 4 }),
        (objects, changes, requests) => {
          const store = createMemoryRbacObjects(objects)
          const rbac = createRbacAuthorizer(store)
          const check = () => {
            for (const r of requests) expect(outcome(rbac.authorize(r))).toEqual(naiveAuthorize(store, r))
          }
          check()
          for (const c of changes) {
            if (c.op === 'apply') c.objs.forEach((o) => store.apply(o))
            else store.remove(c.kind, c.name, c.namespace)
            check()
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('allows exactly when some rule from rulesFor(user, namespace) allows the request', () => {
    fc.assert(
      fc.property(world, request, (objects, r) => {
        const rbac = createRbacAuthorizer(createMemoryRbacObjects(objects))
        const status = rbac.rulesFor(r.user, r.resourceAttributes?.namespace ?? '')
        const rules: PolicyRule[] = [
          ...status.resourceRules,
          ...status.nonResourceRules.map((n) => ({
            verbs: n.verbs,
            nonResourceURLs: n.nonResourceURLs ?? [],
          })),
        ]
        expect(rbac.authorize(r).decision === 'Allow').toBe(rules.some((x) => ruleAllows(r, x)))
      }),
      { numRuns: 300 },
    )
  })
})

describe('malformed input', () => {
  it('never throws and never allows when the store holds only junk', () => {
    const junk = fc.oneof(
      fc.anything(),
      fc.record({
        kind: fc.constantFrom('ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'),
        metadata: fc.anything(),
        rules: fc.anything(),
        roleRef: fc.anything(),
        subjects: fc.anything(),
        aggregationRule: fc.anything(),
      }),
    )
    fc.assert(
      fc.property(fc.array(junk, { maxLength: 10 }), request, (objects, r) => {
        const rbac = createRbacAuthorizer(createMemoryRbacObjects(objects))
        expect(rbac.authorize(r).decision).toBe('NoOpinion')
        rbac.rulesFor(r.user, 'ns1')
        rbac.why(r)
        rbac.whoCan(r)
      }),
      { numRuns: 300 },
    )
  })

  it('gives no opinion, without throwing, on malformed requests', () => {
    const rbac = createRbacAuthorizer(
      createMemoryRbacObjects([
        {
          apiVersion: API,
          kind: 'ClusterRole',
          metadata: { name: 'all' },
          rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], nonResourceURLs: ['*'] }],
        },
        {
          apiVersion: API,
          kind: 'ClusterRoleBinding',
          metadata: { name: 'all' },
          roleRef: { kind: 'ClusterRole', name: 'all' },
          subjects: [{ kind: 'User', name: '' }],
        },
      ]),
    )
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (user, ra, nra) => {
        const bad = {
          user,
          resourceAttributes: ra,
          nonResourceAttributes: nra,
        } as unknown as AuthorizationRequest
        const d = rbac.authorize(bad)
        // Only a well-formed request of the empty user may be allowed (the binding names user "").
        if (d.decision === 'Allow') {
          expect(typeof ra === 'object' || typeof nra === 'object').toBe(true)
        }
        rbac.why(bad)
        rbac.whoCan(bad)
      }),
      { numRuns: 500 },
    )
    expect(rbac.authorize({ user: { name: 'x' }, resourceAttributes: { verb: 7 } } as never).decision).toBe(
      'NoOpinion',
    )
    expect(rbac.authorize({ user: { name: 'x' } } as never).decision).toBe('NoOpinion')
  })
})
