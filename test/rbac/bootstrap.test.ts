/** The Kubernetes 1.32 bootstrap policy shipped in src/rbac/bootstrap-policy.yaml. */
import { describe, expect, it } from 'vitest'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import { loadBootstrapPolicy } from '../../src/rbac/bootstrap.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import { kubernetesSeedObjects } from '../../src/rbac/scenario.js'
import type { ClusterRoleBinding } from '../../src/rbac/types.js'
import { validateRbacObject } from '../../src/rbac/validate.js'
import { nra, ra, req } from './helpers.js'

const policy = loadBootstrapPolicy()
const named = (kind: string) => policy.filter((o) => o.kind === kind).map((o) => o.metadata.name)
const rbac = createRbacAuthorizer(createMemoryRbacObjects(policy))

describe('bootstrap policy', () => {
  it('has the default ClusterRoles', () => {
    expect(named('ClusterRole')).toEqual(
      expect.arrayContaining([
        'cluster-admin',
        'admin',
        'edit',
        'view',
        'system:aggregate-to-admin',
        'system:aggregate-to-edit',
        'system:aggregate-to-view',
        'system:basic-user',
        'system:discovery',
        'system:public-info-viewer',
        'system:monitoring',
        'system:auth-delegator',
        'system:service-account-issuer-discovery',
        'system:heapster',
        'system:kube-aggregator',
        'system:kube-controller-manager',
        'system:kube-dns',
        'system:kube-scheduler',
        'system:kubelet-api-admin',
        'system:node',
        'system:node-bootstrapper',
        'system:node-problem-detector',
        'system:node-proxier',
        'system:persistent-volume-provisioner',
        'system:volume-scheduler',
        'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
        'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
        'system:certificates.k8s.io:kube-apiserver-client-approver',
        'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver',
        'system:certificates.k8s.io:kubelet-serving-approver',
        'system:certificates.k8s.io:legacy-unknown-approver',
      ]),
    )
    expect(named('ClusterRole')).toHaveLength(31)
  })

  it('has the default ClusterRoleBindings with their subjects', () => {
    const subjects = Object.fromEntries(
      policy
        .filter((o): o is ClusterRoleBinding => o.kind === 'ClusterRoleBinding')
        .map((b) => [
          b.metadata.name,
          (b.subjects ?? []).map((s) => `${s.kind}:${s.namespace ? s.namespace + '/' : ''}${s.name}`),
        ]),
    )
    expect(subjects).toEqual({
      'cluster-admin': ['Group:system:masters'],
      'system:basic-user': ['Group:system:authenticated'],
      'system:discovery': ['Group:system:authenticated'],
      'system:kube-controller-manager': ['User:system:kube-controller-manager'],
      'system:kube-dns': ['ServiceAccount:kube-system/kube-dns'],
      'system:kube-scheduler': ['User:system:kube-scheduler'],
      'system:monitoring': ['Group:system:monitoring'],
      'system:node': [],
      'system:node-proxier': ['User:system:kube-proxy'],
      'system:public-info-viewer': ['Group:system:authenticated', 'Group:system:unauthenticated'],
      'system:service-account-issuer-discovery': ['Group:system:serviceaccounts'],
      'system:volume-scheduler': ['User:system:kube-scheduler'],
    })
  })

  it('labels and annotates every object as a bootstrap default, and every object is valid', () => {
    for (const o of policy) {
      expect(o.metadata.labels).toMatchObject({ 'kubernetes.io/bootstrapping': 'rbac-defaults' })
      expect(o.metadata.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' })
      expect(validateRbacObject(o, o.metadata.name)).toEqual([])
    }
    expect(named('Role')).toHaveLength(7)
    expect(named('RoleBinding')).toHaveLength(6)
  })

  it('grants what a fresh cluster grants', () => {
    const authd = ['system:authenticated']
    const allowed = (r: Parameters<typeof rbac.authorize>[0]) => rbac.authorize(r).decision === 'Allow'
    expect(allowed(req('u', authd, ra('create', 'authorization.k8s.io:selfsubjectrulesreviews')))).toBe(true)
    expect(allowed(req('u', authd, nra('get', '/apis/apps/v1')))).toBe(true)
    expect(allowed(req('u', authd, ra('list', 'pods', 'default')))).toBe(false)
    expect(allowed(req('system:anonymous', ['system:unauthenticated'], nra('get', '/version')))).toBe(true)
    expect(allowed(req('system:anonymous', ['system:unauthenticated'], nra('get', '/api')))).toBe(false)
    expect(
      allowed(req('system:serviceaccount:a:b', ['system:serviceaccounts'], nra('get', '/openid/v1/jwks'))),
    ).toBe(true)
    expect(allowed(req('prom', ['system:monitoring'], nra('get', '/metrics')))).toBe(true)
    expect(allowed(req('prom', ['system:monitoring'], nra('get', '/readyz/etcd')))).toBe(true)
    expect(allowed(req('system:kube-proxy', [], ra('list', 'discovery.k8s.io:endpointslices')))).toBe(true)
    expect(allowed(req('system:serviceaccount:kube-system:kube-dns', [], ra('watch', 'services')))).toBe(true)
    expect(
      allowed(
        req(
          'system:serviceaccount:kube-system:kube-scheduler',
          [],
          ra('get', 'configmaps', 'kube-system', 'kube-scheduler'),
        ),
      ),
    ).toBe(true)
    expect(
      allowed(
        req(
          'system:serviceaccount:kube-system:kube-scheduler',
          [],
          ra('get', 'configmaps', 'kube-system', 'other'),
        ),
      ),
    ).toBe(false)
  })

  it('gives view no secrets, edit secrets, and only admin RBAC writes', () => {
    const bind = (role: string) =>
      createRbacAuthorizer(
        createMemoryRbacObjects([
          ...policy,
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: 'b', namespace: 'ns' },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
            subjects: [{ kind: 'User', name: 'u' }],
          },
        ]),
      )
    const can = (role: string, verb: string, what: string) =>
      bind(role).authorize(req('u', [], ra(verb, what, 'ns'))).decision === 'Allow'
    expect(can('view', 'get', 'secrets')).toBe(false)
    expect(can('view', 'get', 'pods/log')).toBe(true)
    expect(can('view', 'create', 'pods/exec')).toBe(false)
    expect(can('edit', 'get', 'secrets')).toBe(true)
    expect(can('edit', 'create', 'pods/exec')).toBe(true)
    expect(can('edit', 'impersonate', 'serviceaccounts')).toBe(true)
    expect(can('edit', 'create', 'rbac.authorization.k8s.io:rolebindings')).toBe(false)
    expect(can('admin', 'create', 'rbac.authorization.k8s.io:rolebindings')).toBe(true)
    expect(can('admin', 'create', 'authorization.k8s.io:localsubjectaccessreviews')).toBe(true)
  })
})

describe('kubernetesSeedObjects', () => {
  it('starts from the bootstrap policy unless bootstrapRbac is false', () => {
    expect(kubernetesSeedObjects(undefined)).toHaveLength(policy.length)
    expect(kubernetesSeedObjects({ bootstrapRbac: false, objects: [] })).toEqual([])
  })

  it('lets a scenario object replace the bootstrap object of the same kind and name', () => {
    const mine = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'cluster-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'admins' }],
    }
    const seeded = kubernetesSeedObjects({ objects: [mine] })
    expect(
      seeded.filter((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'cluster-admin'),
    ).toEqual([mine])
    expect(seeded).toHaveLength(policy.length)
  })
})
