/**
 * The compiled decision path (src/rbac/decide.ts): rule tables and per-key chains are cached on the
 * snapshot, so every write must show in the next decision; and the first allowing (binding, rule,
 * subject) must be the one Kubernetes' walk (rbac.go) reports, whichever lookup path finds it.
 */
import { describe, expect, it } from 'vitest'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import type { RbacObjects } from '../../src/rbac/object-source.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import { MAX_RULE_KEYS } from '../../src/rbac/rule-table.js'
import { MAX_CHAIN_ENTRIES } from '../../src/rbac/chains.js'
import { RBAC_KINDS, type PolicyRule, type RbacKind } from '../../src/rbac/types.js'
import { nra, ra, req } from './helpers.js'

const API = 'rbac.authorization.k8s.io/v1'
const REF = 'rbac.authorization.k8s.io'
const cr = (name: string, rules: PolicyRule[] | null, extra: Record<string, unknown> = {}) => ({
  apiVersion: API,
  kind: 'ClusterRole',
  metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
  rules,
  ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}),
})
const role = (ns: string, name: string, rules: PolicyRule[]) => ({
  apiVersion: API,
  kind: 'Role',
  metadata: { name, namespace: ns },
  rules,
})
const crb = (name: string, roleName: string, subjects: unknown[], kind = 'ClusterRole') => ({
  apiVersion: API,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: REF, kind, name: roleName },
  subjects,
})
const rb = (ns: string, name: string, roleRef: { kind: string; name: string }, subjects: unknown[]) => ({
  apiVersion: API,
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: REF, ...roleRef },
  subjects,
})
const user = (name: string) => ({ apiGroup: REF, kind: 'User', name })
const group = (name: string) => ({ apiGroup: REF, kind: 'Group', name })
const rule = (verbs: string[], resources: string[], extra: Partial<PolicyRule> = {}): PolicyRule => ({
  apiGroups: [''],
  resources,
  verbs,
  ...extra,
})
const allowedBy = (kind: string, binding: string, roleKind: string, roleName: string, subject: string) =>
  `RBAC: allowed by ${kind} "${binding}" of ${roleKind} "${roleName}" to ${subject}`

describe('writes between decisions', () => {
  it('sees bindings added, changed and removed', () => {
    const store = createMemoryRbacObjects([cr('reader', [rule(['get'], ['pods'])])])
    const rbac = createRbacAuthorizer(store)
    const ask = () => rbac.authorize(req('u', ['g1'], ra('get', 'pods', 'ns')))
    expect(ask().decision).toBe('NoOpinion')
    store.apply(crb('b', 'reader', [group('g2')]))
    expect(ask().decision).toBe('NoOpinion')
    store.apply(crb('b', 'reader', [group('g2'), group('g1')]))
    expect(ask().reason).toBe(allowedBy('ClusterRoleBinding', 'b', 'ClusterRole', 'reader', 'Group "g1"'))
    store.apply(rb('ns', 'a', { kind: 'ClusterRole', name: 'reader' }, [user('u')]))
    // ClusterRoleBindings are visited first, whatever the names.
    expect(ask().reason).toBe(allowedBy('ClusterRoleBinding', 'b', 'ClusterRole', 'reader', 'Group "g1"'))
    store.remove('ClusterRoleBinding', 'b')
    expect(ask().reason).toBe(allowedBy('RoleBinding', 'a/ns', 'ClusterRole', 'reader', 'User "u"'))
    store.remove('RoleBinding', 'a', 'ns')
    expect(ask()).toEqual({ decision: 'NoOpinion', reason: '' })
  })

  it('sees role rules change, in both directions', () => {
    const store = createMemoryRbacObjects([
      role('ns', 'r', [rule(['list'], ['pods'])]),
      rb('ns', 'b', { kind: 'Role', name: 'r' }, [user('u')]),
    ])
    const rbac = createRbacAuthorizer(store)
    const get = (name = '') => rbac.authorize(req('u', [], ra('get', 'pods', 'ns', name)))
    expect(get().decision).toBe('NoOpinion')
    store.apply(role('ns', 'r', [rule(['get'], ['pods'], { resourceNames: ['a'] })]))
    expect(get('a').decision).toBe('Allow')
    expect(get('b').decision).toBe('NoOpinion')
    store.apply(role('ns', 'r', [rule(['get'], ['pods'], { resourceNames: ['a'] }), rule(['get'], ['*'])]))
    expect(get('b').matched?.ruleIndex).toBe(1)
    expect(get('a').matched?.ruleIndex).toBe(0)
    store.apply(role('ns', 'r', []))
    expect(get('a').decision).toBe('NoOpinion')
  })

  it('reports a role that disappears, and allows again once it is back', () => {
    const store = createMemoryRbacObjects([
      cr('reader', [rule(['get'], ['pods'])]),
      crb('b', 'reader', [user('u')]),
    ])
    const rbac = createRbacAuthorizer(store)
    const ask = () => rbac.authorize(req('u', [], ra('get', 'pods')))
    expect(ask().decision).toBe('Allow')
    store.remove('ClusterRole', 'reader')
    expect(ask()).toEqual({
      decision: 'NoOpinion',
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "reader" not found',
    })
    store.apply(cr('reader', [rule(['get'], ['pods'])]))
    expect(ask().decision).toBe('Allow')
  })

  it('follows aggregation: rules and labels of the aggregated-from roles', () => {
    const selector = { clusterRoleSelectors: [{ matchLabels: { agg: 'yes' } }] }
    const store = createMemoryRbacObjects([
      cr('parent', null, { aggregationRule: selector }),
      cr('child', [rule(['get'], ['pods'])], { labels: { agg: 'yes' } }),
      crb('b', 'parent', [user('u')]),
    ])
    const rbac = createRbacAuthorizer(store)
    const ask = (verb: string) => rbac.authorize(req('u', [], ra(verb, 'pods'))).decision
    expect([ask('get'), ask('list')]).toEqual(['Allow', 'NoOpinion'])
    store.apply(cr('child', [rule(['get'], ['pods']), rule(['list'], ['pods'])], { labels: { agg: 'yes' } }))
    expect([ask('get'), ask('list')]).toEqual(['Allow', 'Allow'])
    store.apply(cr('child', [rule(['get', 'list'], ['pods'])], { labels: { agg: 'no' } }))
    expect([ask('get'), ask('list')]).toEqual(['NoOpinion', 'NoOpinion'])
    store.apply(cr('other', [rule(['list'], ['pods'])], { labels: { agg: 'yes' } }))
    expect([ask('get'), ask('list')]).toEqual(['NoOpinion', 'Allow'])
  })

  it('rebuilds from a source that caches its lists per version, like the API server store', () => {
    // As src/apiserver/rbac-source.ts: list() hands out the same arrays until version() moves.
    const inner = createMemoryRbacObjects([cr('reader', [rule(['get'], ['pods'])])])
    const cache = new Map<RbacKind, { version: number; items: readonly unknown[] }>()
    const source: RbacObjects = {
      version: () => inner.version(),
      list(kind) {
        const hit = cache.get(kind)
        if (hit?.version === inner.version()) return hit.items
        const items = inner.list(kind)
        cache.set(kind, { version: inner.version(), items })
        return items
      },
    }
    const rbac = createRbacAuthorizer(source)
    const ask = () => rbac.authorize(req('u', [], ra('get', 'pods'))).decision
    expect(ask()).toBe('NoOpinion')
    const before = rbac.snapshot()
    inner.apply(crb('b', 'reader', [user('u')]))
    expect(ask()).toBe('Allow')
    expect(rbac.snapshot()).not.toBe(before)
    for (const kind of RBAC_KINDS) expect(source.list(kind)).toBe(source.list(kind))
  })
})

describe('which binding, rule and subject are reported', () => {
  it('names the first allowing binding in visiting order and its first matching subject', () => {
    const rbac = createRbacAuthorizer(
      createMemoryRbacObjects([
        cr('reader', [rule(['get'], ['pods'])]),
        crb('z-by-user', 'reader', [user('u')]),
        crb('m-by-group', 'reader', [user('someone'), group('g9'), user('u')]),
        rb('ns', 'a', { kind: 'ClusterRole', name: 'reader' }, [user('u')]),
      ]),
    )
    const d = rbac.authorize(req('u', ['g1', 'g9'], ra('get', 'pods', 'ns')))
    expect(d.reason).toBe(
      allowedBy('ClusterRoleBinding', 'm-by-group', 'ClusterRole', 'reader', 'Group "g9"'),
    )
    expect(d.matched).toEqual({
      binding: { kind: 'ClusterRoleBinding', name: 'm-by-group' },
      role: { kind: 'ClusterRole', name: 'reader' },
      rule: rule(['get'], ['pods']),
      ruleIndex: 0,
      subject: { apiGroup: REF, kind: 'Group', name: 'g9' },
    })
  })

  it("reports the binding's first matching subject, whichever key reached it", () => {
    const sa = { kind: 'ServiceAccount', name: 'robot', namespace: 'ns' }
    const rbac = createRbacAuthorizer(
      createMemoryRbacObjects([
        cr('reader', [rule(['get'], ['pods'])]),
        crb('a-same-name', 'reader', [user('x'), group('x')]),
        crb('b-sa-first', 'reader', [sa, group('g')]),
        crb('c-user-second', 'reader', [group('h'), user('u')]),
      ]),
    )
    const subject = (name: string, groups: string[]) =>
      rbac.authorize(req(name, groups, ra('get', 'pods'))).matched?.subject
    // Reached through group "x": subject 0 has the same name but is a User.
    expect(subject('y', ['x'])).toEqual(group('x'))
    expect(subject('x', ['x'])).toEqual(user('x'))
    expect(subject('system:serviceaccount:ns:robot', ['g'])).toEqual(sa)
    expect(subject('other', ['g'])).toEqual(group('g'))
    expect(subject('u', ['h'])).toEqual(group('h'))
    expect(subject('u', [])).toEqual(user('u'))
  })

  it('takes the first allowing rule of the role, whatever kind of rule allows', () => {
    const rbac = createRbacAuthorizer(
      createMemoryRbacObjects([
        cr('mixed', [
          { verbs: ['get'], nonResourceURLs: ['/x*'] },
          { verbs: ['*'], nonResourceURLs: ['*'] },
          rule(['get'], ['pods'], { resourceNames: ['a'] }),
          rule(['*'], ['*'], { apiGroups: ['*'] }),
        ]),
        crb('b', 'mixed', [group('g')]),
      ]),
    )
    const index = (r: Parameters<typeof req>[2]) => rbac.authorize(req('u', ['g'], r)).matched?.ruleIndex
    expect(index(nra('get', '/x'))).toBe(0)
    expect(index(nra('get', '/y'))).toBe(1)
    expect(index(ra('get', 'pods', 'ns', 'a'))).toBe(2)
    expect(index(ra('get', 'pods', 'ns', 'b'))).toBe(3)
  })

  it('finds `*∕sub` rules for a request whose resource itself starts with `*∕`', () => {
    const rbac = createRbacAuthorizer(
      createMemoryRbacObjects([
        cr('logs', [rule(['get'], ['*/log'])]),
        cr('literal', [rule(['get'], ['*/x'])]),
        crb('a', 'logs', [user('u')]),
        crb('b', 'literal', [user('u')]),
      ]),
    )
    const ask = (resource: string, sub: string) =>
      rbac.authorize(req('u', [], { verb: 'get', group: '', resource, subresource: sub })).reason
    expect(ask('*/x', 'log')).toBe(allowedBy('ClusterRoleBinding', 'a', 'ClusterRole', 'logs', 'User "u"'))
    expect(ask('*', 'x')).toBe(allowedBy('ClusterRoleBinding', 'b', 'ClusterRole', 'literal', 'User "u"'))
    expect(ask('*/x', '')).toBe(allowedBy('ClusterRoleBinding', 'b', 'ClusterRole', 'literal', 'User "u"'))
    expect(ask('pods', 'x')).toBe(allowedBy('ClusterRoleBinding', 'b', 'ClusterRole', 'literal', 'User "u"'))
    expect(ask('pods', 'y')).toBe('')
  })

  it('checks rules too wide to expand in visiting order with the others', () => {
    const wide = Array.from({ length: MAX_RULE_KEYS + 1 }, (_, i) => `r${i}`)
    const rbac = createRbacAuthorizer(
      createMemoryRbacObjects([
        cr('wide', [
          rule(['get'], ['pods'], { resourceNames: ['a'] }),
          rule(['get', 'list'], [...wide, 'pods']),
        ]),
        cr('narrow', [rule(['get'], ['pods'])]),
        crb('a-wide', 'wide', [user('u')]),
        crb('b-narrow', 'narrow', [user('u')]),
      ]),
    )
    const ask = (verb: string, name = '') => rbac.authorize(req('u', [], ra(verb, 'pods', '', name)))
    expect(ask('get', 'a').matched).toMatchObject({ binding: { name: 'a-wide' }, ruleIndex: 0 })
    expect(ask('get', 'b').matched).toMatchObject({ binding: { name: 'a-wide' }, ruleIndex: 1 })
    expect(ask('list').matched).toMatchObject({ binding: { name: 'a-wide' }, ruleIndex: 1 })
    expect(ask('watch').decision).toBe('NoOpinion')
  })

  it('is the same for users with many groups (lookup) and few (search), with repeats', () => {
    const objects: unknown[] = [cr('reader', [rule(['get'], ['pods'])])]
    for (let i = 0; i < 40; i++)
      objects.push(crb(`b${String(i).padStart(2, '0')}`, 'reader', [group(`g${i}`)]))
    const rbac = createRbacAuthorizer(createMemoryRbacObjects(objects))
    const reason = (groups: string[]) => rbac.authorize(req('u', groups, ra('get', 'pods'))).reason
    const many = Array.from({ length: 300 }, (_, i) => `unbound-${i}`)
    expect(reason([...many, 'g30', 'g7', 'g7'])).toBe(
      allowedBy('ClusterRoleBinding', 'b07', 'ClusterRole', 'reader', 'Group "g7"'),
    )
    expect(reason(['g12'])).toBe(
      allowedBy('ClusterRoleBinding', 'b12', 'ClusterRole', 'reader', 'Group "g12"'),
    )
    expect(reason([...many])).toBe('')
  })
})

describe('askers with many groups, most of them bound (the walk of group chains in decide.ts)', () => {
  // b00…b59 grant `reader` to g00…g59; b00 grants only the pod named p1.
  const objects: unknown[] = [
    cr('reader', [rule(['get'], ['pods'])]),
    cr('named', [rule(['get'], ['pods'], { resourceNames: ['p1'] })]),
  ]
  const pad = (i: number) => String(i).padStart(2, '0')
  for (let i = 0; i < 60; i++)
    objects.push(crb(`b${pad(i)}`, i === 0 ? 'named' : 'reader', [group(`g${pad(i)}`)]))
  const rbac = createRbacAuthorizer(createMemoryRbacObjects(objects))
  const unbound = Array.from({ length: 200 }, (_, i) => `unbound-${i}`)
  // Sixteen bound groups first (the sample that makes the engine walk), all of late bindings.
  const late = Array.from({ length: 16 }, (_, i) => `g${40 + i}`)
  const winner = (groups: string[], name = '') =>
    rbac.authorize(req('u', groups, ra('get', 'pods', '', name))).matched?.binding.name

  it('finds the earliest held chain even when the sample did not hold it', () => {
    expect(winner([...late, ...unbound, 'g03', 'g07'])).toBe('b03')
    expect(winner([...late, 'g07', ...unbound, 'g03'])).toBe('b03')
  })

  it('walks once a later batch of the sample shows enough bound groups', () => {
    const sparse = [...unbound.slice(0, 15), 'g41', ...unbound.slice(15, 30), 'g42', 'g43']
    expect(winner([...sparse, ...unbound.slice(30), 'g05'])).toBe('b05')
  })

  it('probes the rest when the earliest held chain is past the walk', () => {
    expect(winner([...late, ...unbound, 'g20'])).toBe('b20')
    expect(winner([...late, ...unbound])).toBe('b40')
  })

  it('walks past a held chain whose rules do not admit the resource name', () => {
    expect(winner([...late, ...unbound, 'g00', 'g02'], 'p2')).toBe('b02')
    expect(winner([...late, ...unbound, 'g00', 'g02'], 'p1')).toBe('b00')
  })
})

describe('chain budget', () => {
  it('drops every cached chain past the budget and keeps answering exactly', () => {
    const store = createMemoryRbacObjects([
      cr('reader', [rule(['get', 'list'], ['pods'])]),
      crb('b', 'reader', [group('g')]),
      rb('ns', 'missing', { kind: 'Role', name: 'gone' }, [group('g')]),
    ])
    const rbac = createRbacAuthorizer(store)
    const ask = (verb: string) => rbac.authorize(req('u', ['g'], ra(verb, 'pods', 'ns')))
    expect(ask('get').decision).toBe('Allow')
    const cache = rbac.snapshot().cache
    const cluster = cache.scopes.get('')!
    expect(cluster.chains.some((t) => t !== undefined)).toBe(true)
    cache.chainEntries = MAX_CHAIN_ENTRIES // as if full
    expect(ask('list').decision).toBe('Allow')
    expect(cache.chainEntries).toBeLessThan(MAX_CHAIN_ENTRIES)
    expect((cache.keys[0] as Map<string, unknown>).has('get')).toBe(false) // dropped, rebuilt for list only
    expect(cluster.chains).toHaveLength(1) // the list chains, numbered afresh
    expect(ask('get').decision).toBe('Allow')
    expect(ask('watch')).toEqual({
      decision: 'NoOpinion',
      reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found',
    })
  })
})
