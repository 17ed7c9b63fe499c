// guard's pipeline beyond single decisions: the result cache (key, TTL, order of checks) and the
// explanation that says which assignments were considered and why each did or did not grant.
import { describe, expect, it } from 'vitest'
import { createClock } from '../../src/kernel/clock.js'
import {
  ACCESS_ALLOWED_VERDICT,
  ACCESS_NOT_ALLOWED_VERDICT,
  authorizeWithAzureRbac,
  parseGoUuid,
} from '../../src/azure-rbac/authorize.js'
import { createDecisionCache, DEFAULT_DECISION_CACHE_TTL_MS } from '../../src/azure-rbac/decision-cache.js'
import { type SubjectAccessReviewSpec } from '../../src/kube/index.js'
import { demoWorld } from './fixtures.js'

const frankPods = (
  w: ReturnType<typeof demoWorld>,
  namespace: string,
  verb = 'list',
): SubjectAccessReviewSpec => ({
  resourceAttributes: { namespace, verb, resource: 'pods', version: 'v1' },
  user: w.user('frank').upn,
  groups: ['system:authenticated'],
  extra: { oid: [w.user('frank').oid] },
})

describe('decision cache', () => {
  it('serves a cached allow with the short reason until the TTL (3 minutes) passes', () => {
    const w = demoWorld()
    const clock = createClock(() => 1_700_000_000_000)
    const cache = createDecisionCache({ now: () => clock.now() })
    const deps = { rbac: w.rbac, clusterResourceId: w.cluster, cache }
    const first = authorizeWithAzureRbac(frankPods(w, 'prod'), deps)
    expect(first.reason).toMatch(
      /^Access allowed by Azure RBAC Role Assignment [0-9a-f]{32} of Role 7f6c6a51bcf842ba922052d62157d7db/,
    )
    // The assignment goes away, but guard keeps answering from its cache…
    w.rbac.deleteRoleAssignment(first.explanation.decisions![0]!.roleAssignment!.id)
    const cached = authorizeWithAzureRbac(frankPods(w, 'prod'), deps)
    expect(cached).toMatchObject({
      allowed: true,
      reason: ACCESS_ALLOWED_VERDICT,
      explanation: { step: 'cache' },
    })
    expect(cached.explanation.cacheExpiresAt! - cached.explanation.cachedAt!).toBe(
      DEFAULT_DECISION_CACHE_TTL_MS,
    )
    clock.advance(DEFAULT_DECISION_CACHE_TTL_MS - 1)
    expect(authorizeWithAzureRbac(frankPods(w, 'prod'), deps).explanation.step).toBe('cache')
    // …until the entry expires.
    clock.advance(1)
    expect(authorizeWithAzureRbac(frankPods(w, 'prod'), deps)).toMatchObject({
      allowed: false,
      denied: true,
      reason: ACCESS_NOT_ALLOWED_VERDICT,
      explanation: { step: 'check-access' },
    })
  })

  it('caches denies too, keyed by user/namespace/group/resource/action (list and get share a key)', () => {
    const w = demoWorld()
    const cache = createDecisionCache({ now: () => 0 })
    const deps = { rbac: w.rbac, clusterResourceId: w.cluster, cache }
    expect(authorizeWithAzureRbac(frankPods(w, 'dev'), deps).denied).toBe(true)
    w.rbac.createRoleAssignment({
      principalId: w.user('frank').oid,
      roleDefinitionId: w.rbac.roleDefinition('Azure Kubernetes Service RBAC Reader')!.id,
      scope: `${w.cluster}/namespaces/dev`,
    })
    const again = authorizeWithAzureRbac(frankPods(w, 'dev', 'get'), deps)
    expect(again).toMatchObject({
      denied: true,
      explanation: { step: 'cache', cacheKey: 'frank@contoso.onmicrosoft.com/dev/-/pods/read' },
    })
    // Without a cache the new assignment counts at once.
    expect(
      authorizeWithAzureRbac(frankPods(w, 'dev', 'get'), { rbac: w.rbac, clusterResourceId: w.cluster })
        .allowed,
    ).toBe(true)
  })

  it('is consulted after the system: and non-AAD checks and before the discovery shortcut', () => {
    const w = demoWorld()
    const cache = createDecisionCache({ now: () => 0 })
    cache.set('system:kube-proxy/-/-/nodes/read', true)
    const sys = authorizeWithAzureRbac(
      {
        resourceAttributes: { verb: 'list', resource: 'nodes' },
        user: 'system:kube-proxy',
        extra: { oid: [w.user('bob').oid] },
      },
      { rbac: w.rbac, clusterResourceId: w.cluster, cache },
    )
    expect(sys.explanation.step).toBe('system-user')
    cache.set('bob@contoso.onmicrosoft.com/api/read', false)
    const discovery = authorizeWithAzureRbac(
      {
        nonResourceAttributes: { path: '/api', verb: 'get' },
        user: 'bob@contoso.onmicrosoft.com',
        extra: { oid: [w.user('bob').oid] },
      },
      { rbac: w.rbac, clusterResourceId: w.cluster, cache },
    )
    expect(discovery).toMatchObject({ allowed: false, denied: true, explanation: { step: 'cache' } })
  })

  it('does not cache request errors', () => {
    const w = demoWorld()
    const cache = createDecisionCache({ now: () => 0 })
    const spec = { ...frankPods(w, 'prod'), extra: { oid: ['not-a-guid'] } }
    authorizeWithAzureRbac(spec, { rbac: w.rbac, clusterResourceId: w.cluster, cache })
    expect(cache.size()).toBe(0)
  })

  it('stays within maxEntries, dropping the oldest entry', () => {
    const cache = createDecisionCache({ now: () => 0, maxEntries: 2 })
    cache.set('a', true)
    cache.set('b', false)
    cache.set('c', true)
    expect([cache.get('a'), cache.get('b')?.allowed, cache.get('c')?.allowed]).toEqual([
      undefined,
      false,
      true,
    ])
    expect(() => createDecisionCache({ now: () => 0, ttlMs: 0 })).toThrow(RangeError)
  })
})

describe('explanation', () => {
  it('lists every assignment of the user and its groups with the reason it did or did not grant', () => {
    const w = demoWorld()
    const dave = w.user('dave')
    w.rbac.createRoleAssignment({
      principalId: dave.oid,
      roleDefinitionId: w.rbac.roleDefinition('Azure Kubernetes Service RBAC Admin')!.id,
      scope: w.cluster,
    })
    w.rbac.createRoleAssignment({
      principalId: w.group('sre'),
      roleDefinitionId: w.rbac.roleDefinition('Azure Kubernetes Service RBAC Writer')!.id,
      scope: `${w.cluster}/namespaces/staging`,
    })
    const r = authorizeWithAzureRbac(
      {
        resourceAttributes: { verb: 'delete', resource: 'namespaces', name: 'dev', namespace: 'dev' },
        user: dave.upn,
        groups: [w.group('sre'), 'sre', 'system:authenticated'],
        extra: { oid: [dave.oid] },
      },
      { rbac: w.rbac, clusterResourceId: w.cluster },
    )
    expect(r.denied).toBe(true)
    expect(r.explanation).toMatchObject({
      step: 'check-access',
      dataAction: 'Microsoft.ContainerService/managedClusters/namespaces/delete',
      scope: `${w.cluster}/namespaces/dev`,
      objectId: dave.oid,
      groupsSent: [w.group('sre')],
      groupsDropped: ['sre', 'system:authenticated'],
    })
    const verdicts = r.explanation.decisions![0]!.verdicts.map((v) => [
      v.roleName,
      v.via,
      v.outcome,
      v.excludedBy,
    ])
    expect(verdicts).toEqual([
      [
        'Azure Kubernetes Service RBAC Admin',
        'principal',
        'excluded',
        'Microsoft.ContainerService/managedClusters/namespaces/delete',
      ],
      ['Azure Kubernetes Service Cluster User Role', 'group', 'not-in-role', undefined],
      ['Azure Kubernetes Service RBAC Writer', 'group', 'scope-not-inherited', undefined],
    ])
    expect(r.explanation.decisions![0]!.verdicts[1]!.detail).toContain('its actions never grant data actions')
  })
})

describe('options', () => {
  it('an option passed as undefined keeps guard’s default', () => {
    const w = demoWorld()
    const spec = { resourceAttributes: { verb: 'get', resource: 'pods' }, user: 'cert-user' }
    const r = authorizeWithAzureRbac(spec, {
      rbac: w.rbac,
      clusterResourceId: w.cluster,
      options: { skipAuthzForNonAadUsers: undefined, allowNonResourceDiscoveryPathAccess: undefined },
    })
    expect(r).toMatchObject({ allowed: false, explanation: { step: 'non-aad-user' } })
    expect(r.denied).toBeUndefined()
  })

  it('discovery access can be switched off, sending /api to the access check', () => {
    const w = demoWorld()
    const bob = w.user('bob')
    const r = authorizeWithAzureRbac(
      { nonResourceAttributes: { path: '/api', verb: 'get' }, user: bob.upn, extra: { oid: [bob.oid] } },
      { rbac: w.rbac, clusterResourceId: w.cluster, options: { allowNonResourceDiscoveryPathAccess: false } },
    )
    expect(r).toMatchObject({
      allowed: false,
      denied: true,
      explanation: {
        step: 'check-access',
        dataAction: 'Microsoft.ContainerService/managedClusters/api/read',
      },
    })
  })
})

describe('parseGoUuid', () => {
  it('accepts the forms github.com/google/uuid accepts and nothing else', () => {
    const id = '0ee08a4c-f1f9-537f-884b-588259fce965'
    for (const form of [
      id,
      id.toUpperCase(),
      `{${id}}`,
      `urn:uuid:${id}`,
      `URN:UUID:${id}`,
      id.replace(/-/g, ''),
    ])
      expect(parseGoUuid(form)).toBe(id)
    for (const bad of [
      '',
      'frank',
      `${id} `,
      `${id}0`,
      id.replace(/-/g, '_'),
      `(${id})`,
      'g'.repeat(32),
      `${id.slice(0, 8)}x${id.slice(9)}`,
    ])
      expect(parseGoUuid(bad)).toBeUndefined()
  })
})
