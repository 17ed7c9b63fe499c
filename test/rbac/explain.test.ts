/** rulesFor (SelfSubjectRulesReview), the kubectl --list table, `why` and `whoCan`. */
import { describe, expect, it } from 'vitest'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import { formatRulesTable } from '../../src/rbac/rules-table.js'
import { nra, ra, referenceEngine, req } from './helpers.js'

const rbac = referenceEngine()
const lackKinds = (c: { lacks: { kind: string }[] }) => c.lacks.map((l) => l.kind)

describe('rulesFor', () => {
  it('returns ClusterRoleBinding rules first, then RoleBinding rules of the namespace, uncompacted', () => {
    const status = rbac.rulesFor({ name: 'alice', groups: ['system:authenticated'] }, 'team-a')
    expect(status.incomplete).toBe(false)
    expect(status).not.toHaveProperty('evaluationError')
    // basic-user (3 resources in 2 rules) comes first, then edit's 27 rules from rb-edit.
    expect(status.resourceRules[0]).toEqual({
      verbs: ['create'],
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    })
    expect(status.resourceRules).toHaveLength(2 + 27)
    expect(status.nonResourceRules).toEqual([
      {
        verbs: ['get'],
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      },
      { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
    ])
  })

  it('does not include RoleBindings of other namespaces, and reports resolution errors', () => {
    expect(rbac.rulesFor({ name: 'alice' }, 'team-b').resourceRules).toEqual([])
    expect(rbac.rulesFor({ name: 'frank' }, 'team-b')).toEqual({
      resourceRules: [],
      nonResourceRules: [],
      incomplete: false,
      evaluationError: 'clusterrole.rbac.authorization.k8s.io "does-not-exist" not found',
    })
  })

  it('puts a rule with both resources and URLs in both lists, and resourceNames only when set', () => {
    const engine = createRbacAuthorizer(
      createMemoryRbacObjects([
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'odd' },
          rules: [
            {
              verbs: ['get'],
              apiGroups: [''],
              resources: ['pods'],
              resourceNames: ['a'],
              nonResourceURLs: ['/x'],
            },
          ],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'b' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'odd' },
          subjects: [{ kind: 'User', name: 'u' }],
        },
      ]),
    )
    expect(engine.rulesFor({ name: 'u' }, '')).toEqual({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }],
      incomplete: false,
    })
  })
})

describe('formatRulesTable (kubectl auth can-i --list)', () => {
  // Go sorts by `&PolicyRule{Verbs:[…],APIGroups:[…],…}`: "[get list watch]" < "[get list]" < "[get]".
  it('breaks rules down, merges verbs, sorts by the Go string form and aligns columns', () => {
    const text = formatRulesTable({
      resourceRules: [
        { verbs: ['list', 'get'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments/scale'] },
        { verbs: ['watch'], apiGroups: [''], resources: ['pods'] },
        { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] },
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/api/*'] }],
      incomplete: false,
    })
    expect(text).toBe(
      [
        'Resources                Non-Resource URLs   Resource Names   Verbs',
        '*.*                      []                  []               [*]',
        'pods                     []                  []               [get list watch]',
        'deployments/scale        []                  []               [get list]',
        'deployments.apps/scale   []                  []               [get list]',
        'pods.apps                []                  []               [get list]',
        '                         [/api/*]            []               [get]',
        '                         [/healthz]          []               [get]',
        'configmaps               []                  [a]              [get]',
        'configmaps               []                  [b]              [get]',
        '',
      ].join('\n'),
    )
  })
})

describe('why', () => {
  const why = (r: Parameters<typeof rbac.why>[0]) => rbac.why(r)

  it('returns the decision and no candidates when the request is allowed', () => {
    const result = why(req('alice', [], ra('list', 'pods', 'team-a')))
    expect(result.decision.decision).toBe('Allow')
    expect(result.candidates).toEqual([])
  })

  it('puts the binding that only lacks the namespace first', () => {
    const [first] = why(req('alice', [], ra('list', 'pods', 'team-b'))).candidates
    expect(first).toMatchObject({
      binding: { kind: 'RoleBinding', name: 'rb-edit', namespace: 'team-a' },
      subjectMatches: true,
    })
    expect(first!.lacks).toEqual([
      {
        kind: 'namespace',
        message:
          'RoleBinding in namespace "team-a" only grants inside "team-a" (request namespace: "team-b")',
      },
    ])
  })

  it('explains cluster-wide requests never reach RoleBindings', () => {
    const [first] = why(req('alice', [], ra('list', 'pods', ''))).candidates
    expect(first!.lacks[0]!.message).toContain('RoleBindings are never consulted for cluster-scoped')
  })

  it('spots case differences, ServiceAccount namespaces and groups RBAC does not derive', () => {
    expect(why(req('Alice', [], ra('list', 'pods', 'team-a'))).candidates[0]!.lacks[0]!.message).toBe(
      'User "alice" differs from "Alice" only in case (names are case-sensitive)',
    )
    const sa = why(req('system:serviceaccount:team-b:builder', [], ra('list', 'services', 'team-a')))
      .candidates[0]!
    expect(sa.binding.name).toBe('rb-sa')
    expect(sa.lacks[0]!.message).toBe(
      'ServiceAccount "builder/team-a" is "system:serviceaccount:team-a:builder", not "system:serviceaccount:team-b:builder" (its namespace defaults to the binding’s)',
    )
    const group = why(req('system:serviceaccount:team-a:x', [], ra('get', 'pods', 'team-a'))).candidates[0]!
    expect(group.binding.name).toBe('rb-sagroup')
    expect(group.lacks[0]!.message).toContain('RBAC derives no groups')
  })

  it('names the facet a rule lacks: verb, resource, resource name, path', () => {
    const verb = why(req('alice', [], ra('patch', 'namespaces', 'team-a', 'team-a'))).candidates[0]!
    expect(verb.binding.name).toBe('rb-edit')
    expect(verb.lacks).toEqual([{ kind: 'verb', message: 'verb "patch" not in ["get", "list", "watch"]' }])
    // alice's own binding comes first even when another subject's binding lacks less (cluster-admin).
    const rbacWrite = why(
      req('alice', [], ra('create', 'rbac.authorization.k8s.io:rolebindings', 'team-a')),
    ).candidates
    expect(rbacWrite.map((c) => c.binding.name).slice(0, 2)).toEqual(['rb-edit', 'cluster-admin'])
    expect(lackKinds(rbacWrite[0]!)).toEqual(['apiGroup', 'resource'])
    expect(lackKinds(rbacWrite[1]!)).toEqual(['subject'])

    const exec = why(req('v', ['aad-viewers'], ra('create', 'pods/exec', 'default'))).candidates
    expect(exec.map((c) => c.binding.name).slice(0, 2)).toEqual(['crb-view', 'cluster-admin'])
    expect(exec[0]!.lacks).toEqual([
      { kind: 'verb', message: 'verb "create" not in ["get", "list", "watch"]' },
      {
        kind: 'resource',
        message: expect.stringMatching(
          /^resource "pods\/exec" not in \["configmaps", .*"pods".*\] \("pods" does not cover its subresource "pods\/exec"\)$/,
        ),
      },
    ])
    const names = why(req('carol', [], ra('list', 'configmaps', 'x'))).candidates.find(
      (c) => c.binding.name === 'crb-carol-cm',
    )!
    expect(names.lacks).toEqual([
      { kind: 'verb', message: 'verb "list" not in ["get", "update"]' },
      {
        kind: 'resourceName',
        message:
          'rule is limited to resourceNames ["special"]; a request without a name (list, watch, create, deletecollection) never matches it',
      },
    ])
    const path = why(req('carol', [], nra('get', '/healthz'))).candidates[0]!
    expect(path.lacks).toEqual([
      {
        kind: 'nonResourceURL',
        message:
          'path "/healthz" not matched by ["/healthz/*", "/logs*"] ("/healthz/*" does not match "/healthz" itself)',
      },
    ])
    const sub = rbac
      .why(req('alice', [], ra('get', 'pods/log', 'team-b')), { limit: 50 })
      .candidates.find((c) => c.binding.name === 'crb-raw-sa-user')!
    expect(sub.lacks.at(-1)!.message).toBe(
      'resource "pods/log" not in ["pods"] ("pods" does not cover its subresource "pods/log")',
    )
  })

  it('reports a missing role as what the binding lacks', () => {
    const [first] = why(req('frank', [], ra('get', 'pods', 'team-b'))).candidates
    expect(first).toMatchObject({ binding: { name: 'rb-dangling' }, subjectMatches: true })
    expect(first!.lacks).toEqual([
      { kind: 'role', message: 'clusterrole.rbac.authorization.k8s.io "does-not-exist" not found' },
    ])
  })

  it('honours the limit', () => {
    expect(rbac.why(req('nobody', [], ra('get', 'pods', 'x')), { limit: 2 }).candidates).toHaveLength(2)
    expect(rbac.why(req('nobody', [], ra('get', 'pods', 'x')), { limit: 0 }).candidates).toHaveLength(0)
  })
})

describe('whoCan', () => {
  it('lists every subject with the binding and role that grant the request', () => {
    const result = rbac.whoCan({
      resourceAttributes: { verb: 'get', resource: 'secrets', namespace: 'team-a' },
    })
    expect(result.entries.map((e) => `${e.subject.kind}:${e.subject.name} via ${e.binding.name}`)).toEqual([
      'Group:system:masters via cluster-admin',
      'User:alice via rb-edit',
      'User:erin via crb-erin',
      'User:system:kube-controller-manager via system:kube-controller-manager',
    ])
    expect(result.entries[1]!.reason).toBe(
      'RBAC: allowed by RoleBinding "rb-edit/team-a" of ClusterRole "edit" to User "alice"',
    )
    expect(result.errors).toEqual([])
  })

  it('resolves ServiceAccount namespaces and skips those that can never match', () => {
    const services = rbac.whoCan({
      resourceAttributes: { verb: 'list', resource: 'services', namespace: 'team-a' },
    })
    expect(services.entries).toContainEqual(
      expect.objectContaining({ subject: { kind: 'ServiceAccount', name: 'builder', namespace: 'team-a' } }),
    )
    const pods = rbac.whoCan({ resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' } })
    expect(pods.entries.some((e) => e.binding.name === 'crb-sa-nons')).toBe(false)
  })

  it('reports bindings whose role is missing, and consults RoleBindings only in the namespace', () => {
    const result = rbac.whoCan({ resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team-b' } })
    expect(result.errors).toEqual([
      'RoleBinding "rb-dangling/team-b": clusterrole.rbac.authorization.k8s.io "does-not-exist" not found',
    ])
    expect(result.entries.some((e) => e.subject.name === 'alice')).toBe(false)
  })

  it('answers for non-resource URLs', () => {
    const result = rbac.whoCan({ nonResourceAttributes: { verb: 'get', path: '/version' } })
    expect(result.entries.map((e) => e.subject.name)).toEqual(
      expect.arrayContaining(['system:masters', 'system:authenticated', 'system:unauthenticated']),
    )
  })
})
