/** ClusterRole aggregation: ordering, de-duplication, selectors, chains, cycles and recomputation. */
import { describe, expect, it } from 'vitest'
import { aggregateClusterRoleObjects } from '../../src/rbac/aggregation.js'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import { loadBootstrapPolicy } from '../../src/rbac/bootstrap.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import type { PolicyRule } from '../../src/rbac/types.js'
import { ra, req } from './helpers.js'

const API = 'rbac.authorization.k8s.io/v1'
const cr = (
  name: string,
  labels: Record<string, string>,
  rules: PolicyRule[] | null,
  selectors?: unknown[],
) => ({
  apiVersion: API,
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
  ...(selectors && { aggregationRule: { clusterRoleSelectors: selectors } }),
})
const r = (resource: string, verbs = ['get']): PolicyRule => ({
  apiGroups: [''],
  resources: [resource],
  verbs,
})
const agg = (roles: unknown[]) => aggregateClusterRoleObjects(roles)

describe('aggregation', () => {
  it('takes matching roles sorted by name, selector by selector, each rule once, replacing own rules', () => {
    const out = agg([
      cr('parent', {}, [r('manual')], [{ matchLabels: { a: '1' } }, { matchLabels: { b: '1' } }]),
      cr('zeta', { a: '1' }, [r('z'), r('shared')]),
      cr('alpha', { a: '1', b: '1' }, [r('shared'), r('a')]),
      cr('beta', { b: '1' }, [r('b'), { ...r('shared') }]),
    ])
    expect(out.rules.get('parent')).toEqual([r('shared'), r('a'), r('z'), r('b')])
    expect(out.problems).toEqual([])
  })

  it('treats absent, null and empty lists as equal when de-duplicating, but keeps list order significant', () => {
    const out = agg([
      cr('p', {}, null, [{ matchLabels: { x: 'y' } }]),
      cr('a', { x: 'y' }, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]),
      cr('b', { x: 'y' }, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }]),
      cr('c', { x: 'y' }, [{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'secrets'] }]),
      cr('d', { x: 'y' }, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets', 'pods'] }]),
    ])
    expect(out.rules.get('p')).toHaveLength(3)
  })

  it('settles transitive chains whatever the names (c → b → a)', () => {
    const out = agg([
      cr('a-top', {}, null, [{ matchLabels: { to: 'a' } }]),
      cr('b-mid', { to: 'a' }, null, [{ matchLabels: { to: 'b' } }]),
      cr('c-low', { to: 'b' }, null, [{ matchLabels: { to: 'c' } }]),
      cr('d-leaf', { to: 'c' }, [r('leaf')]),
    ])
    expect(out.rules.get('a-top')).toEqual([r('leaf')])
    expect(out.rules.get('b-mid')).toEqual([r('leaf')])
  })

  it('supports matchExpressions (In, NotIn, Exists, DoesNotExist)', () => {
    const pick = (operator: string, values?: string[]) =>
      agg([
        cr('p', {}, null, [{ matchExpressions: [{ key: 'tier', operator, ...(values && { values }) }] }]),
        cr('x-gold', { tier: 'gold' }, [r('gold')]),
        cr('y-silver', { tier: 'silver' }, [r('silver')]),
        cr('z-plain', {}, [r('plain')]),
      ]).rules.get('p')
    expect(pick('In', ['gold'])).toEqual([r('gold')])
    expect(pick('NotIn', ['gold'])).toEqual([r('silver'), r('plain')])
    expect(pick('Exists')).toEqual([r('gold'), r('silver')])
    expect(pick('DoesNotExist')).toEqual([r('plain')])
  })

  it('lets an empty selector match every other ClusterRole', () => {
    const out = agg([cr('all', {}, null, [{}]), cr('x', { a: '1' }, [r('x')]), cr('y', {}, [r('y')])]).rules
    expect(out.get('all')).toEqual([r('x'), r('y')])
  })

  it('reports an invalid selector and lets it select nothing', () => {
    const out = agg([
      cr(
        'p',
        {},
        [r('kept?')],
        [{ matchExpressions: [{ key: 'k', operator: 'Near', values: ['v'] }] }, { matchLabels: { ok: '1' } }],
      ),
      cr('q', { ok: '1', k: 'v' }, [r('q')]),
    ])
    expect(out.rules.get('p')).toEqual([r('q')])
    expect(out.problems).toEqual([
      'ClusterRole p: aggregationRule.clusterRoleSelectors[0]: matchExpressions[0].operator: not a valid selector operator: "Near"',
    ])
  })

  it('terminates on cycles (rules are replaced, so a role in a cycle loses its own rules)', () => {
    const out = agg([
      cr('a', { x: 'a' }, [r('from-a')], [{ matchLabels: { x: 'b' } }]),
      cr('b', { x: 'b' }, [r('from-b')], [{ matchLabels: { x: 'a' } }]),
      cr('c', { x: 'a' }, [r('leaf')]),
    ])
    expect(out.rules.get('a')).toContainEqual(r('leaf'))
    expect(out.rules.get('b')).toContainEqual(r('leaf'))
    expect(out.rules.get('a')).not.toContainEqual(r('from-a'))
  })
})

describe('bootstrap aggregation (view ⊂ edit ⊂ admin)', () => {
  const rules = aggregateClusterRoleObjects(
    loadBootstrapPolicy().filter((o) => o.kind === 'ClusterRole'),
  ).rules
  const keys = (name: string) => new Set(rules.get(name)!.map((x) => JSON.stringify(x)))

  it('fills the three aggregated roles, each containing the one below', () => {
    const [view, edit, admin] = [keys('view'), keys('edit'), keys('admin')]
    expect(view.size).toBe(12)
    expect(edit.size).toBe(27)
    expect(admin.size).toBe(29)
    for (const k of view) expect(edit.has(k)).toBe(true)
    for (const k of edit) expect(admin.has(k)).toBe(true)
  })

  it('orders admin as the controller does: edit (by name first), then system:aggregate-to-admin', () => {
    const admin = rules.get('admin')!
    expect(admin.slice(0, 27)).toEqual(rules.get('edit'))
    expect(admin[27]).toEqual({
      apiGroups: ['authorization.k8s.io'],
      resources: ['localsubjectaccessreviews'],
      verbs: ['create'],
    })
  })

  it('recomputes on change: a new role labelled aggregate-to-view reaches view, edit and admin', () => {
    const store = createMemoryRbacObjects(loadBootstrapPolicy())
    const rbac = createRbacAuthorizer(store)
    store.apply({
      apiVersion: API,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'v' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'User', name: 'u' }],
    })
    const widgets = req('u', [], ra('list', 'example.com:widgets', 'ns'))
    expect(rbac.authorize(widgets).decision).toBe('NoOpinion')
    store.apply(
      cr('widget-viewer', { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, [
        { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] },
      ]),
    )
    expect(rbac.authorize(widgets).decision).toBe('Allow')
    for (const name of ['view', 'edit', 'admin'])
      expect(rbac.effectiveClusterRole(name)!.rules).toContainEqual({
        apiGroups: ['example.com'],
        resources: ['widgets'],
        verbs: ['get', 'list', 'watch'],
      })
    store.remove('ClusterRole', 'widget-viewer')
    expect(rbac.authorize(widgets).decision).toBe('NoOpinion')
  })
})
