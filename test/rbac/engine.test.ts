/** Edge cases of the RBAC engine beyond the reference table: error aggregation, quoting, subjects, matching. */
import { describe, expect, it } from 'vitest'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import { aggregateErrors, goQuote } from '../../src/kube/index.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import { ruleAllows } from '../../src/rbac/rule-match.js'
import { nra, ra, req } from './helpers.js'

const API = 'rbac.authorization.k8s.io/v1'
const clusterRole = (name: string, rules: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: API,
  kind: 'ClusterRole',
  metadata: { name },
  rules,
  ...extra,
})
const role = (ns: string, name: string, rules: unknown[]) => ({
  apiVersion: API,
  kind: 'Role',
  metadata: { name, namespace: ns },
  rules,
})
const crb = (name: string, roleRef: { kind: string; name: string }, subjects: unknown[]) => ({
  apiVersion: API,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects,
})
const rb = (ns: string, name: string, roleRef: { kind: string; name: string }, subjects: unknown[]) => ({
  ...crb(name, roleRef, subjects),
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
})
const user = (name: string) => ({ kind: 'User', name })
const engine = (...objects: unknown[]) => createRbacAuthorizer(createMemoryRbacObjects(objects))
const PODS_GET = { apiGroups: [''], resources: ['pods'], verbs: ['get'] }

describe('Go formatting', () => {
  it('quotes like %q', () => {
    expect(goQuote('plain')).toBe('"plain"')
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"')
    expect(goQuote('tab\there\nnl')).toBe('"tab\\there\\nnl"')
    expect(goQuote('\x01\x7f')).toBe('"\\x01\\x7f"')
    expect(goQuote('ünïcødé ✓ 日本')).toBe('"ünïcødé ✓ 日本"')
    expect(goQuote('\u200b\u00a0')).toBe('"\\u200b\\u00a0"')
  })

  it('aggregates errors like utilerrors.NewAggregate', () => {
    expect(aggregateErrors([])).toBe('')
    expect(aggregateErrors(['a'])).toBe('a')
    expect(aggregateErrors(['a', 'a'])).toBe('a')
    expect(aggregateErrors(['a', 'b', 'a'])).toBe('[a, b]')
  })
})

describe('resolution errors', () => {
  it('aggregates several distinct errors in visiting order', () => {
    const rbac = engine(
      crb('a-missing-cr', { kind: 'ClusterRole', name: 'nope' }, [user('u')]),
      crb('b-role-ref', { kind: 'Role', name: 'local' }, [user('u')]),
      crb('c-weird', { kind: 'Weird', name: 'x' }, [user('u')]),
      rb('ns', 'd-missing-role', { kind: 'Role', name: 'gone' }, [user('u')]),
    )
    expect(rbac.authorize(req('u', [], ra('get', 'pods', 'ns')))).toEqual({
      decision: 'NoOpinion',
      reason:
        'RBAC: [clusterrole.rbac.authorization.k8s.io "nope" not found, role.rbac.authorization.k8s.io "local" not found, unsupported role reference kind: "Weird", role.rbac.authorization.k8s.io "gone" not found]',
    })
  })

  it('prints one error bare when several bindings hit the same missing role', () => {
    const rbac = engine(
      crb('one', { kind: 'ClusterRole', name: 'nope' }, [user('u')]),
      crb('two', { kind: 'ClusterRole', name: 'nope' }, [user('u')]),
    )
    expect(rbac.authorize(req('u', [], ra('get', 'pods'))).reason).toBe(
      'RBAC: clusterrole.rbac.authorization.k8s.io "nope" not found',
    )
  })

  it('a missing role visited first does not block a later allow, and is then not reported', () => {
    const rbac = engine(
      clusterRole('reader', [PODS_GET]),
      crb('a-broken', { kind: 'ClusterRole', name: 'nope' }, [user('u')]),
      crb('b-works', { kind: 'ClusterRole', name: 'reader' }, [user('u')]),
    )
    expect(rbac.authorize(req('u', [], ra('get', 'pods', 'x')))).toMatchObject({
      decision: 'Allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "b-works" of ClusterRole "reader" to User "u"',
    })
  })

  it('only reports errors of bindings that apply to the user', () => {
    const rbac = engine(crb('other', { kind: 'ClusterRole', name: 'nope' }, [user('someone-else')]))
    expect(rbac.authorize(req('u', [], ra('get', 'pods')))).toEqual({ decision: 'NoOpinion', reason: '' })
  })

  it('quotes names in reasons with %q', () => {
    const rbac = engine(
      clusterRole('r"1', [PODS_GET]),
      crb('b\\1', { kind: 'ClusterRole', name: 'r"1' }, [user('ü"')]),
    )
    expect(rbac.authorize(req('ü"', [], ra('get', 'pods'))).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "b\\\\1" of ClusterRole "r\\"1" to User "ü\\""',
    )
  })
})

describe('subjects', () => {
  it('RoleBinding ServiceAccount subjects default to the binding namespace, explicit ones do not', () => {
    const rbac = engine(
      clusterRole('reader', [PODS_GET]),
      rb('ns1', 'local', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'sa' }]),
      rb('ns1', 'remote', { kind: 'ClusterRole', name: 'reader' }, [
        { kind: 'ServiceAccount', name: 'sa', namespace: 'ns2' },
      ]),
    )
    expect(rbac.authorize(req('system:serviceaccount:ns1:sa', [], ra('get', 'pods', 'ns1'))).reason).toBe(
      'RBAC: allowed by RoleBinding "local/ns1" of ClusterRole "reader" to ServiceAccount "sa/ns1"',
    )
    expect(rbac.authorize(req('system:serviceaccount:ns2:sa', [], ra('get', 'pods', 'ns1'))).reason).toBe(
      'RBAC: allowed by RoleBinding "remote/ns1" of ClusterRole "reader" to ServiceAccount "sa/ns2"',
    )
    // The RoleBinding still grants only in its own namespace, whatever the SA's namespace.
    expect(rbac.authorize(req('system:serviceaccount:ns2:sa', [], ra('get', 'pods', 'ns2'))).decision).toBe(
      'NoOpinion',
    )
  })

  it('names the first matching subject of a binding in the reason', () => {
    const rbac = engine(
      clusterRole('reader', [PODS_GET]),
      crb('b', { kind: 'ClusterRole', name: 'reader' }, [
        user('x'),
        { kind: 'Group', name: 'g2' },
        { kind: 'Group', name: 'g1' },
      ]),
    )
    expect(rbac.authorize(req('u', ['g1', 'g2'], ra('get', 'pods'))).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "reader" to Group "g2"',
    )
  })

  it('ignores unknown subject kinds and bindings without subjects', () => {
    const rbac = engine(
      clusterRole('reader', [PODS_GET]),
      crb('odd', { kind: 'ClusterRole', name: 'reader' }, [
        { kind: 'user', name: 'u' },
        { kind: 'Robot', name: 'u' },
      ]),
      crb('empty', { kind: 'ClusterRole', name: 'reader' }, []),
    )
    expect(rbac.authorize(req('u', ['u'], ra('get', 'pods'))).decision).toBe('NoOpinion')
  })

  it('indexes users with hundreds of groups (dave has 250)', () => {
    const groups = Array.from({ length: 250 }, (_, i) => `group-${i}`)
    const rbac = engine(
      clusterRole('reader', [PODS_GET]),
      crb('b', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'Group', name: 'group-249' }]),
    )
    expect(rbac.authorize(req('dave', [...groups, 'group-249'], ra('get', 'pods'))).decision).toBe('Allow')
  })
})

describe('rule matching', () => {
  const allows = (rule: object, attrs: ReturnType<typeof ra> | ReturnType<typeof nra>) =>
    ruleAllows(
      'path' in attrs ? { nonResourceAttributes: attrs } : { resourceAttributes: attrs },
      rule as never,
    )

  it('treats */sub as any resource with that subresource, and pods/* as a literal', () => {
    expect(allows({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, ra('get', 'pods/log'))).toBe(
      true,
    )
    expect(allows({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, ra('get', 'log'))).toBe(false)
    expect(allows({ verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, ra('get', 'pods/log'))).toBe(
      false,
    )
    expect(allows({ verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, ra('get', 'pods/*'))).toBe(true)
    expect(allows({ verbs: ['get'], apiGroups: [''], resources: ['*'] }, ra('get', 'pods/exec'))).toBe(true)
  })

  it('strips every trailing * of a non-resource URL pattern', () => {
    expect(allows({ verbs: ['get'], nonResourceURLs: ['/x/**'] }, nra('get', '/x/'))).toBe(true)
    expect(allows({ verbs: ['get'], nonResourceURLs: ['/x/**'] }, nra('get', '/x'))).toBe(false)
    expect(allows({ verbs: ['get'], nonResourceURLs: ['*'] }, nra('get', ''))).toBe(true)
  })

  it('ignores resources for non-resource requests and URLs for resource requests', () => {
    const both = { verbs: ['get'], apiGroups: ['*'], resources: ['*'], nonResourceURLs: ['/metrics'] }
    expect(allows(both, nra('get', '/healthz'))).toBe(false)
    expect(allows({ verbs: ['get'], nonResourceURLs: ['*'] }, ra('get', 'pods'))).toBe(false)
  })

  it('lets a wildcard verb match any request verb, but a request verb * only a rule verb *', () => {
    expect(allows({ verbs: ['*'], apiGroups: [''], resources: ['pods'] }, ra('use', 'pods'))).toBe(true)
    expect(allows({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, ra('*', 'pods'))).toBe(
      false,
    )
  })
})

describe('robustness and caching', () => {
  it('drops a malformed rule (never widening it) and keeps the well-formed ones', () => {
    const rbac = engine(
      clusterRole('r', [
        { apiGroups: [''], resources: ['configmaps'], resourceNames: [7], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods'], verbs: 'get' },
        PODS_GET,
      ]),
      crb('b', { kind: 'ClusterRole', name: 'r' }, [user('u')]),
    )
    expect(rbac.authorize(req('u', [], ra('get', 'configmaps', 'x', 'any'))).decision).toBe('NoOpinion')
    expect(rbac.effectiveClusterRole('r')!.rules).toEqual([PODS_GET])
    expect(rbac.authorize(req('u', [], ra('get', 'pods'))).decision).toBe('Allow')
  })

  it('looks Roles up in the binding namespace only', () => {
    const rbac = engine(role('a', 'r', [PODS_GET]), rb('b', 'x', { kind: 'Role', name: 'r' }, [user('u')]))
    expect(rbac.authorize(req('u', [], ra('get', 'pods', 'b'))).reason).toBe(
      'RBAC: role.rbac.authorization.k8s.io "r" not found',
    )
  })

  it('rebuilds its index only when the source version changes', () => {
    const store = createMemoryRbacObjects([clusterRole('r', [PODS_GET])])
    const rbac = createRbacAuthorizer(store)
    const first = rbac.snapshot()
    expect(rbac.snapshot()).toBe(first)
    store.apply(crb('b', { kind: 'ClusterRole', name: 'r' }, [user('u')]))
    expect(rbac.snapshot()).not.toBe(first)
    expect(rbac.authorize(req('u', [], ra('get', 'pods'))).decision).toBe('Allow')
    store.remove('ClusterRole', 'r')
    expect(rbac.authorize(req('u', [], ra('get', 'pods'))).reason).toBe(
      'RBAC: clusterrole.rbac.authorization.k8s.io "r" not found',
    )
  })
})
