/** Scenario support: RBAC object validation with paths, and the demo tenant's cluster. */
import { describe, expect, it } from 'vitest'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import { demoKubernetes, kubernetesSeedObjects } from '../../src/rbac/scenario.js'
import { validateKubernetesRbacObjects } from '../../src/rbac/validate.js'
import { demoScenario, type DemoIds } from '../../src/scenario/demo.js'
import { validateScenario } from '../../src/scenario/load.js'
import { ra, req } from './helpers.js'

const API = 'rbac.authorization.k8s.io/v1'
const REF = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }

describe('validateKubernetesRbacObjects', () => {
  it('names the path of every problem', () => {
    const problems = validateKubernetesRbacObjects([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ignored' } },
      {
        apiVersion: API,
        kind: 'ClusterRole',
        metadata: { name: 'ok' },
        rules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }],
      },
      {
        apiVersion: API,
        kind: 'Role',
        metadata: { name: 'r' },
        rules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }],
      },
      {
        apiVersion: API,
        kind: 'ClusterRole',
        metadata: { name: 'c' },
        rules: [{ apiGroups: [''], resources: ['pods'] }],
      },
      {
        apiVersion: API,
        kind: 'ClusterRole',
        metadata: { name: 'd' },
        rules: [
          { verbs: ['get'] },
          { verbs: ['get'], apiGroups: [''], resources: ['x'], nonResourceURLs: ['/y'] },
        ],
      },
      {
        apiVersion: API,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'b/1' },
        roleRef: { ...REF, kind: 'Role' },
        subjects: [
          { kind: 'ServiceAccount', name: 'ci' },
          { kind: 'Robot', name: 'r2' },
          { kind: 'User', name: '' },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1beta1',
        kind: 'RoleBinding',
        metadata: { name: 'old', namespace: 'x' },
        roleRef: REF,
      },
      {
        apiVersion: API,
        kind: 'ClusterRole',
        metadata: { name: 'agg' },
        aggregationRule: { clusterRoleSelectors: [] },
      },
      { apiVersion: API, kind: 'ClusterRole', metadata: { name: 'ok' } },
    ])
    expect(problems).toEqual([
      'kubernetes.objects[2].metadata.namespace: required (Role is namespaced)',
      'kubernetes.objects[2].rules[0].nonResourceURLs: invalid: namespaced rules cannot apply to non-resource URLs',
      'kubernetes.objects[3].rules[0].verbs: required',
      'kubernetes.objects[4].rules[0].apiGroups: required (resource rules must supply at least one api group)',
      'kubernetes.objects[4].rules[0].resources: required (resource rules must supply at least one resource)',
      'kubernetes.objects[4].rules[1].nonResourceURLs: invalid: rules cannot apply to both regular resources and non-resource URLs',
      "kubernetes.objects[5].metadata.name: invalid: may not contain '/'",
      'kubernetes.objects[5].roleRef.kind: unsupported value "Role": supported values: "ClusterRole"',
      'kubernetes.objects[5].subjects[0].namespace: required (a ServiceAccount subject of a ClusterRoleBinding needs its namespace)',
      'kubernetes.objects[5].subjects[1].kind: unsupported value "Robot": supported values: "ServiceAccount", "User", "Group"',
      'kubernetes.objects[5].subjects[2].name: required',
      'kubernetes.objects[6].apiVersion: unsupported value "rbac.authorization.k8s.io/v1beta1": supported values: "rbac.authorization.k8s.io/v1" (Kubernetes 1.32 serves RBAC only at v1)',
      'kubernetes.objects[7].aggregationRule.clusterRoleSelectors: required (at least one clusterRoleSelector required if aggregationRule is non-nil)',
      'kubernetes.objects[8]: duplicate ClusterRole "ok" (first at kubernetes.objects[1])',
    ])
  })

  it('accepts defaulted apiGroups and RoleBinding ServiceAccounts without a namespace', () => {
    expect(
      validateKubernetesRbacObjects([
        {
          apiVersion: API,
          kind: 'RoleBinding',
          metadata: { name: 'b', namespace: 'dev' },
          roleRef: { kind: 'Role', name: 'r' },
          subjects: [
            { kind: 'User', name: 'u' },
            { kind: 'ServiceAccount', name: 'ci' },
          ],
        },
      ]),
    ).toEqual([])
  })

  it('rejects ServiceAccount names that are not DNS subdomains and apiGroups on them', () => {
    expect(
      validateKubernetesRbacObjects([
        {
          apiVersion: API,
          kind: 'RoleBinding',
          metadata: { name: 'b', namespace: 'dev' },
          roleRef: REF,
          subjects: [{ kind: 'ServiceAccount', name: 'CI_bot', apiGroup: 'rbac.authorization.k8s.io' }],
        },
      ]),
    ).toEqual([
      "kubernetes.objects[0].subjects[0].name: invalid: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      'kubernetes.objects[0].subjects[0].apiGroup: unsupported value "rbac.authorization.k8s.io": supported values: ""',
    ])
  })
})

describe('demo tenant cluster', () => {
  const ids: DemoIds = {
    tenantId: 't',
    userUpn: (n) => `${n}@contoso.onmicrosoft.com`,
    userId: (n) => `user-${n}`,
    groupId: (n) => `group-${n}`,
  }
  const demo = demoKubernetes(ids)
  const rbac = createRbacAuthorizer(createMemoryRbacObjects(kubernetesSeedObjects(demo)))
  const can = (user: string, groups: string[], verb: string, what: string, ns: string) =>
    rbac.authorize(req(user, [...groups, 'system:authenticated'], ra(verb, what, ns))).decision === 'Allow'

  it('has the four namespaces and only valid RBAC objects', () => {
    expect(demo.objects!.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([
      'default',
      'dev',
      'prod',
      'kube-system',
    ])
    expect(validateKubernetesRbacObjects(demo.objects!)).toEqual([])
    expect(demo.objects!.filter((o) => o.kind === 'Pod').map((o) => o.metadata.namespace)).toEqual([
      'dev',
      'prod',
    ])
  })

  it('makes aks-admins cluster-admin through aks-cluster-admin-binding-aad', () => {
    expect(
      rbac.authorize(req('alice@contoso.onmicrosoft.com', ['group-aks-admins'], ra('delete', 'nodes'))),
    ).toMatchObject({
      decision: 'Allow',
      reason:
        'RBAC: allowed by ClusterRoleBinding "aks-cluster-admin-binding-aad" of ClusterRole "cluster-admin" to Group "group-aks-admins"',
    })
  })

  it('lets engineering edit dev only, carol (by object id) view dev, sre view everywhere', () => {
    expect(can('bob', ['group-engineering'], 'create', 'apps:deployments', 'dev')).toBe(true)
    expect(can('bob', ['group-engineering'], 'get', 'pods', 'prod')).toBe(false)
    expect(can('user-carol', [], 'list', 'pods', 'dev')).toBe(true)
    expect(can('user-carol', [], 'delete', 'pods', 'dev')).toBe(false)
    expect(can('carol_fabrikam.com#EXT#@contoso.onmicrosoft.com', [], 'list', 'pods', 'dev')).toBe(false)
    expect(can('dave', ['group-sre'], 'list', 'pods', 'prod')).toBe(true)
    expect(can('dave', ['group-sre'], 'get', 'secrets', 'prod')).toBe(false)
    expect(can('frank', [], 'list', 'pods', 'prod')).toBe(false)
  })

  it('passes the scenario schema (ajv strict mode) as part of the built-in demo scenario', () => {
    expect(() => validateScenario(demoScenario())).not.toThrow()
  })
})
