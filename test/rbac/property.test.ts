/**
 * Property-based checks (fast-check): the engine (compiled rule tables and per-key chains, see
 * src/rbac/decide.ts) agrees with a naive linear evaluation on random clusters and requests — decision,
 * exact reason, and which rule allowed — keeps agreeing as objects are written between decisions,
 * returns exactly the naive rulesFor, and never throws or allows on malformed input.
 *
 * The generators aim at the engine's seams: wildcard tokens of every class (`*` verbs, groups and
 * resources, `*∕sub`, literal `pods/*` and `*∕x` resources, request verb/group/resource `*`), resource
 * names that put restricted rules in front of unrestricted ones, URL patterns, rules too wide to expand,
 * users with many groups (lookup path) or few (search path), repeated groups, missing roles.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import { ruleAllows } from '../../src/rbac/rule-match.js'
import type { AuthorizationRequest, PolicyRule, RbacDecision } from '../../src/rbac/types.js'
import { naiveAuthorize, naiveRulesFor } from './naive-reference.js'
import {
  BROAD,
  CLUSTER_ROLES,
  DENSE,
  NAMESPACES,
  ROLES,
  requestArbitrary,
  worldArbitrary,
  type Vocabulary,
} from './worlds.js'

const API = 'rbac.authorization.k8s.io/v1'

/** The decision, reason and (for an allow) which rule of the role allowed, as the naive walk reports them. */
const outcome = (d: RbacDecision) => ({
  decision: d.decision,
  reason: d.reason,
  ...(d.matched && { ruleIndex: d.matched.ruleIndex, rule: d.matched.rule }),
})

describe.each([
  ['broad', BROAD],
  ['dense', DENSE],
] as [string, Vocabulary][])('engine vs naive linear evaluation (%s vocabulary)', (_, vocabulary) => {
  const world = worldArbitrary(vocabulary)
  const request = requestArbitrary(vocabulary)

  it('agrees on decision, exact reason and allowing rule for random clusters and requests', () => {
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

  it('returns exactly the naive rulesFor, also after writes', () => {
    fc.assert(
      fc.property(world, world, request, (objects, more, r) => {
        const store = createMemoryRbacObjects(objects)
        const rbac = createRbacAuthorizer(store)
        const ns = r.resourceAttributes?.namespace ?? 'ns1'
        expect(rbac.rulesFor(r.user, ns)).toEqual(naiveRulesFor(store, r.user, ns))
        rbac.authorize(r) // fills the decision caches of this snapshot
        more.forEach((o) => store.apply(o))
        expect(rbac.rulesFor(r.user, ns)).toEqual(naiveRulesFor(store, r.user, ns))
      }),
      { numRuns: 200 },
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
  const request = requestArbitrary(BROAD)

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
