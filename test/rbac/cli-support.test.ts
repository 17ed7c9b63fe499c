/** The pieces behind the offline CLI: impersonation, kubectl-style resource names, manifest reading. */
import { describe, expect, it } from 'vitest'
import { impersonatedUser, splitServiceAccountUsername } from '../../src/rbac/impersonation.js'
import { ManifestError, parseManifests } from '../../src/rbac/manifests.js'
import { builtInResourceTypes, customResourceTypes, resolveResource } from '../../src/rbac/resource-names.js'

describe('impersonatedUser', () => {
  it('adds system:authenticated unless an (un)authenticated group is given', () => {
    expect(impersonatedUser('bob')).toEqual({ name: 'bob', groups: ['system:authenticated'] })
    expect(impersonatedUser('bob', ['g'])).toEqual({ name: 'bob', groups: ['g', 'system:authenticated'] })
    expect(impersonatedUser('bob', ['system:unauthenticated'])).toEqual({
      name: 'bob',
      groups: ['system:unauthenticated'],
    })
    expect(impersonatedUser('system:anonymous')).toEqual({
      name: 'system:anonymous',
      groups: ['system:unauthenticated'],
    })
  })

  it('gives a ServiceAccount its groups only when none are given', () => {
    expect(impersonatedUser('system:serviceaccount:ci:builder').groups).toEqual([
      'system:serviceaccounts',
      'system:serviceaccounts:ci',
      'system:authenticated',
    ])
    expect(impersonatedUser('system:serviceaccount:ci:builder', ['x']).groups).toEqual([
      'x',
      'system:authenticated',
    ])
    expect(splitServiceAccountUsername('system:serviceaccount:Bad_NS:x')).toBeUndefined()
    expect(splitServiceAccountUsername('system:serviceaccount:a:b:c')).toBeUndefined()
  })
})

describe('resolveResource (kubectl resourceFor, offline)', () => {
  const types = [
    ...builtInResourceTypes(),
    ...customResourceTypes([
      {
        kind: 'CustomResourceDefinition',
        spec: {
          group: 'example.com',
          scope: 'Cluster',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
        },
      },
    ]),
  ]

  it('maps plurals, singulars, short names and kinds to resource and group', () => {
    expect(resolveResource('pods', types)).toEqual({ group: '', resource: 'pods', namespaced: true })
    expect(resolveResource('Deploy', types)).toEqual({
      group: 'apps',
      resource: 'deployments',
      namespaced: true,
    })
    expect(resolveResource('deployment.apps', types)).toEqual({
      group: 'apps',
      resource: 'deployments',
      namespaced: true,
    })
    expect(resolveResource('deployments.v1.apps', types)).toEqual({
      group: 'apps',
      resource: 'deployments',
      namespaced: true,
    })
    expect(resolveResource('ns', types)).toEqual({ group: '', resource: 'namespaces', namespaced: false })
    expect(resolveResource('networkpolicy', types)).toEqual({
      group: 'networking.k8s.io',
      resource: 'networkpolicies',
      namespaced: true,
    })
    expect(resolveResource('events', types)).toEqual({ group: '', resource: 'events', namespaced: true })
    expect(resolveResource('events.events.k8s.io', types)).toEqual({
      group: 'events.k8s.io',
      resource: 'events',
      namespaced: true,
    })
    expect(resolveResource('wd', types)).toEqual({
      group: 'example.com',
      resource: 'widgets',
      namespaced: false,
    })
    expect(resolveResource('*', types)).toEqual({ group: '', resource: '*' })
    expect(resolveResource('users', types)).toEqual({ group: '', resource: 'users' })
  })

  it('asks for unknown types as typed, with kubectl’s warning', () => {
    expect(resolveResource('Gizmos', types)).toEqual({
      group: '',
      resource: 'Gizmos',
      warning: "Warning: the server doesn't have a resource type 'gizmos'\n\n",
    })
    expect(resolveResource('gizmos.acme.io', types)).toMatchObject({ group: 'acme.io', resource: 'gizmos' })
  })
})

describe('parseManifests', () => {
  it('flattens Lists and typed lists and skips empty documents', () => {
    const text = [
      'apiVersion: v1\nkind: List\nitems:\n- {kind: Role, metadata: {name: a}}\n- {kind: Role, metadata: {name: b}}',
      '',
      'kind: RoleBindingList\nitems: [{kind: RoleBinding, metadata: {name: c}}]',
      'kind: ClusterRole\nmetadata: {name: d}',
    ].join('\n---\n')
    expect(parseManifests(text, 'f.yaml').map((m) => `${m.origin} ${String(m.object.kind)}`)).toEqual([
      'f.yaml#0.items[0] Role',
      'f.yaml#0.items[1] Role',
      'f.yaml#2.items[0] RoleBinding',
      'f.yaml#3 ClusterRole',
    ])
    expect(parseManifests('', 'empty.yaml')).toEqual([])
  })

  it('reports YAML errors and non-objects with the file name', () => {
    expect(() => parseManifests('kind: [unclosed', 'bad.yaml')).toThrow(ManifestError)
    expect(() => parseManifests('kind: [unclosed', 'bad.yaml')).toThrow(/^bad\.yaml: /)
    expect(() => parseManifests('- just\n- a list', 'list.yaml')).toThrow(
      'list.yaml: not a Kubernetes object',
    )
  })
})
