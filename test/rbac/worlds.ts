/**
 * fast-check generators of small RBAC worlds and requests for the property tests, over a vocabulary.
 *
 * BROAD draws from many tokens of every kind, so it meets every wildcard class, URL pattern and
 * malformed roleRef. DENSE draws from very few, so that several rules and bindings land on the same
 * (verb, group, resource) key — which is where ordering, resourceNames and chain building can go wrong.
 */
import fc from 'fast-check'
import { MAX_RULE_KEYS } from '../../src/rbac/rule-table.js'
import type { AuthorizationRequest, PolicyRule } from '../../src/rbac/types.js'

const API = 'rbac.authorization.k8s.io/v1'

export const USERS = [
  'alice',
  'Alice',
  'bob',
  'system:serviceaccount:ns1:sa',
  'system:serviceaccount:ns2:sa',
  '',
]
export const GROUPS = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'system:serviceaccounts', 'system:authenticated']
export const NAMESPACES = ['ns1', 'ns2']
export const CLUSTER_ROLES = ['cr0', 'cr1', 'cr2', 'cr3', 'agg']
export const ROLES = ['r0', 'r1']

export interface Vocabulary {
  rule: { verbs: string[]; apiGroups: string[]; resources: string[]; names: string[]; urls: string[] }
  /** Rule fields that are always present (the others may be absent). */
  required: ('verbs' | 'apiGroups' | 'resources')[]
  request: {
    verbs: string[]
    groups: string[]
    resources: string[]
    subresources: string[]
    names: string[]
    paths: string[]
  }
}

export const BROAD: Vocabulary = {
  rule: {
    verbs: ['get', 'list', '*', 'create', 'delete'],
    apiGroups: ['', 'apps', '*'],
    resources: ['pods', 'pods/log', '*', '*/log', '*/status', 'secrets', 'deployments', 'pods/*', '*/x'],
    names: ['a', 'b', ''],
    urls: ['/healthz', '/healthz/*', '/api*', '*', '/x/**', '**', '/x'],
  },
  required: ['verbs'],
  request: {
    verbs: ['get', 'list', 'create', 'delete', '*'],
    groups: ['', 'apps', '*'],
    resources: ['pods', 'secrets', 'deployments', 'status', '*', '*/x', 'filler-3'],
    subresources: ['', 'log', 'status', 'x', '*'],
    names: ['', 'a', 'b'],
    paths: ['/healthz', '/healthz/x', '/healthz/*', '/api', '/apis', '/x/', '/x', '*', ''],
  },
}

export const DENSE: Vocabulary = {
  rule: {
    verbs: ['get', '*'],
    apiGroups: ['', '*'],
    resources: ['pods', '*', '*/log', '*/x/log'],
    names: ['a', 'b'],
    urls: ['/x', '/x*', '*'],
  },
  required: ['verbs', 'apiGroups', 'resources'],
  request: {
    verbs: ['get', '*'],
    groups: ['', '*'],
    resources: ['pods', '*', '*/x'],
    subresources: ['', 'log'],
    names: ['', 'a', 'b'],
    paths: ['/x', '/xy', '*'],
  },
}

// A rule with more (verb, group, resource) combinations than the engine expands: it is checked by a
// scan instead, and must still win or lose in visiting order like any other rule.
const FILLER = Array.from({ length: MAX_RULE_KEYS + 1 }, (_, i) => `filler-${i}`)

export function worldArbitrary(v: Vocabulary) {
  const plainRule: fc.Arbitrary<PolicyRule> = fc.record(
    {
      verbs: fc.subarray(v.rule.verbs),
      apiGroups: fc.subarray(v.rule.apiGroups),
      resources: fc.subarray(v.rule.resources),
      resourceNames: fc.subarray(v.rule.names),
      nonResourceURLs: fc.subarray(v.rule.urls),
    },
    { requiredKeys: v.required },
  )
  const wideRule = plainRule.map((r) => ({
    ...r,
    apiGroups: r.apiGroups ?? [''],
    resources: [...(r.resources ?? []), ...FILLER],
  }))
  const rule = fc.oneof({ arbitrary: plainRule, weight: 9 }, { arbitrary: wideRule, weight: 1 })

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
  // would be a trivial NoOpinion).
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

  return fc.array(fc.oneof(clusterRole, role, binding('ClusterRoleBinding'), binding('RoleBinding')), {
    maxLength: 25,
  })
}

export function requestArbitrary(v: Vocabulary): fc.Arbitrary<AuthorizationRequest> {
  const r = v.request
  return fc
    .record({
      user: fc.record({
        name: fc.constantFrom(...USERS),
        // Repeated groups are allowed: a user's groups are a list, not a set.
        groups: fc.array(fc.constantFrom(...GROUPS, 'system:serviceaccounts:ns1', 'unbound'), {
          maxLength: 9,
        }),
      }),
      attrs: fc.oneof(
        fc.record({
          verb: fc.constantFrom(...r.verbs),
          group: fc.constantFrom(...r.groups),
          resource: fc.constantFrom(...r.resources),
          subresource: fc.constantFrom(...r.subresources),
          name: fc.constantFrom(...r.names),
          namespace: fc.constantFrom('', 'ns1', 'ns2', 'ns3'),
        }),
        fc.record({ verb: fc.constantFrom(...r.verbs, 'post'), path: fc.constantFrom(...r.paths) }),
      ),
    })
    .map(({ user, attrs }) =>
      'path' in attrs ? { user, nonResourceAttributes: attrs } : { user, resourceAttributes: attrs },
    )
}
