/**
 * The engine over the API server's own object store (src/apiserver/rbac-source.ts) with the cluster-role
 * aggregation controller running: every store write — including the controller's writes of aggregated
 * rules — must show in the next decision, though the engine caches compiled state per snapshot.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createApiServer } from '../../src/apiserver/index.js'
import { startAggregationController } from '../../src/composition/aggregation-controller.js'
import { createClock } from '../../src/kernel/clock.js'
import { createEventBus } from '../../src/kernel/events.js'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import type { PolicyRule } from '../../src/rbac/types.js'
import { ra, req } from './helpers.js'

const API = 'rbac.authorization.k8s.io/v1'
const REF = 'rbac.authorization.k8s.io'
const pods = (verbs: string[]): PolicyRule => ({ apiGroups: [''], resources: ['pods'], verbs })

let close: (() => void)[] = []
afterEach(() => {
  for (const c of close) c()
  close = []
})

function server() {
  const clock = createClock()
  const api = createApiServer({ clock, events: createEventBus(() => clock.now()) })
  const stop = startAggregationController(api)
  close.push(stop, () => api.close())
  const def = (kind: string) => api.registry.byKind(API, kind)!
  const put = (kind: string, object: Record<string, unknown>) =>
    api.store.put(def(kind), object as never, 'ADDED')
  const remove = (kind: string, name: string, namespace = '') => api.store.remove(def(kind), namespace, name)
  return { api, put, remove }
}

const allowed = (rbac: ReturnType<typeof createRbacAuthorizer>, verb: string, groups: string[] = []) =>
  rbac.authorize(req('u', groups, ra(verb, 'pods', 'dev'))).decision

describe('over the API server store', () => {
  it('sees writes and deletions of roles and bindings', () => {
    const { api, put, remove } = server()
    const rbac = createRbacAuthorizer(api.rbac)
    put('ClusterRole', { metadata: { name: 'reader' }, rules: [pods(['get'])] })
    expect(allowed(rbac, 'get')).toBe('NoOpinion')
    put('RoleBinding', {
      metadata: { name: 'b', namespace: 'dev' },
      roleRef: { apiGroup: REF, kind: 'ClusterRole', name: 'reader' },
      subjects: [{ apiGroup: REF, kind: 'Group', name: 'team' }],
    })
    expect(allowed(rbac, 'get')).toBe('NoOpinion')
    expect(allowed(rbac, 'get', ['team'])).toBe('Allow')
    put('ClusterRole', { metadata: { name: 'reader' }, rules: [pods(['list'])] })
    expect([allowed(rbac, 'get', ['team']), allowed(rbac, 'list', ['team'])]).toEqual(['NoOpinion', 'Allow'])
    remove('RoleBinding', 'b', 'dev')
    expect(allowed(rbac, 'list', ['team'])).toBe('NoOpinion')
  })

  it('sees the aggregation controller rewrite an aggregated ClusterRole', () => {
    const { api, put } = server()
    const rbac = createRbacAuthorizer(api.rbac)
    put('ClusterRole', {
      metadata: { name: 'parent' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'yes' } }] },
    })
    put('ClusterRoleBinding', {
      metadata: { name: 'b' },
      roleRef: { apiGroup: REF, kind: 'ClusterRole', name: 'parent' },
      subjects: [{ apiGroup: REF, kind: 'User', name: 'u' }],
    })
    expect(allowed(rbac, 'get')).toBe('NoOpinion')
    put('ClusterRole', { metadata: { name: 'child', labels: { agg: 'yes' } }, rules: [pods(['get'])] })
    expect(allowed(rbac, 'get')).toBe('Allow')
    // The controller wrote the child's rule into the parent (a store write of its own).
    const parent = api.rbac.list('ClusterRole').find((r) => r.metadata.name === 'parent')
    expect(parent?.rules).toEqual([pods(['get'])])
    put('ClusterRole', { metadata: { name: 'child', labels: { agg: 'yes' } }, rules: [pods(['watch'])] })
    expect([allowed(rbac, 'get'), allowed(rbac, 'watch')]).toEqual(['NoOpinion', 'Allow'])
    put('ClusterRole', { metadata: { name: 'child', labels: { agg: 'no' } }, rules: [pods(['watch'])] })
    expect(allowed(rbac, 'watch')).toBe('NoOpinion')
  })
})
