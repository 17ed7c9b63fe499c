/**
 * The 50-row SubjectAccessReview table against the bootstrap policy plus the fixture
 * reference-table.yaml, with the exact reasons of Kubernetes' plugin/pkg/auth/authorizer/rbac/rbac.go.
 * Where the table leaves the visiting order open (row 29),
 * the engine's documented order (ClusterRoleBindings by name) decides, and the test says so.
 */
import { describe, expect, it } from 'vitest'
import { aggregateClusterRoleObjects } from '../../src/rbac/aggregation.js'
import { ruleAllows } from '../../src/rbac/rule-match.js'
import { byCRB, nra, ra, referenceEngine, referenceObjects, req } from './helpers.js'
import type { AuthorizationRequest } from '../../src/rbac/types.js'

const MASTERS = byCRB('cluster-admin', 'cluster-admin', 'Group "system:masters"')
const ALICE_EDIT = 'RBAC: allowed by RoleBinding "rb-edit/team-a" of ClusterRole "edit" to User "alice"'
const VIEWERS = byCRB('crb-view', 'view', 'Group "aad-viewers"')
const BOB_LOG = byCRB('crb-bob-log', 'log-reader', 'User "bob"')
const BOB_STATUS = byCRB('crb-bob-status', 'any-status', 'User "bob"')
const CAROL_CM = byCRB('crb-carol-cm', 'cm-special', 'User "carol"')
const CAROL_URL = byCRB('crb-carol-url', 'url-reader', 'User "carol"')
const DAVE = byCRB('crb-dave', 'apps-all', 'User "dave"')
const BASIC = byCRB('system:basic-user', 'system:basic-user', 'Group "system:authenticated"')
const DISCOVERY = byCRB('system:discovery', 'system:discovery', 'Group "system:authenticated"')
const NO = ''

type Row = [n: string, request: AuthorizationRequest, allowed: boolean, reason: string]

const SA_GROUPS = ['system:serviceaccounts', 'system:serviceaccounts:team-a']
const rows: Row[] = [
  ['1', req('u1', ['system:masters'], ra('get', 'pods', 'default')), true, MASTERS],
  ['2', req('u1', ['system:masters'], nra('delete', '/anything/at/all')), true, MASTERS],
  ['3', req('u1', ['system:masters'], ra('*', '*:*', '')), true, MASTERS],
  ['4', req('alice', [], ra('list', 'pods', 'team-a')), true, ALICE_EDIT],
  ['5', req('alice', [], ra('list', 'pods', 'team-b')), false, NO],
  ['6', req('alice', [], ra('list', 'pods', '')), false, NO],
  ['7', req('alice', [], ra('get', 'secrets', 'team-a')), true, ALICE_EDIT],
  ['8', req('alice', [], ra('create', 'rbac.authorization.k8s.io:rolebindings', 'team-a')), false, NO],
  ['9', req('alice', [], ra('get', 'namespaces', 'team-a', 'team-a')), true, ALICE_EDIT],
  ['10', req('alice', [], ra('list', 'apps:pods', 'team-a')), false, NO],
  ['11', req('Alice', [], ra('list', 'pods', 'team-a')), false, NO],
  ['12', req('alice', [], ra('LIST', 'pods', 'team-a')), false, NO],
  ['13', req('v', ['aad-viewers'], ra('watch', 'pods', 'any-ns')), true, VIEWERS],
  ['14', req('v', ['aad-viewers'], ra('get', 'secrets', 'default')), false, NO],
  ['15', req('v', ['aad-viewers'], ra('get', 'pods/log', 'default')), true, VIEWERS],
  ['16', req('v', ['aad-viewers'], ra('create', 'pods/exec', 'default')), false, NO],
  ['17', req('aad-viewers', [], ra('get', 'pods', 'default')), false, NO],
  ['18', req('bob', [], ra('get', 'pods/log', 'default')), true, BOB_LOG],
  ['19', req('bob', [], ra('get', 'pods', 'default')), false, NO],
  ['20', req('bob', [], ra('get', 'apps:deployments/status', 'x')), true, BOB_STATUS],
  ['21', req('bob', [], ra('get', 'pods/statusx', 'x')), false, NO],
  ['22', req('bob', [], ra('get', 'status', 'x')), false, NO],
  ['23', req('carol', [], ra('get', 'configmaps', 'x', 'special')), true, CAROL_CM],
  ['24', req('carol', [], ra('get', 'configmaps', 'x', 'other')), false, NO],
  ['25', req('carol', [], ra('list', 'configmaps', 'x')), false, NO],
  ['26', req('carol', [], ra('create', 'configmaps', 'x')), false, NO],
  ['27', req('carol', [], nra('get', '/healthz/etcd')), true, CAROL_URL],
  ['28', req('carol', [], nra('get', '/healthz')), false, NO],
  // The table allows either public-info-viewer or discovery (lister order is unspecified); the engine
  // visits ClusterRoleBindings by name, so system:discovery comes first.
  ['29', req('carol', ['system:authenticated'], nra('get', '/healthz')), true, DISCOVERY],
  ['30', req('carol', [], nra('get', '/logsfoo')), true, CAROL_URL],
  ['31', req('carol', [], nra('post', '/healthz/etcd')), false, NO],
  ['32', req('dave', [], ra('create', 'apps:deployments', 'x')), true, DAVE],
  ['33', req('dave', [], ra('patch', 'apps:deployments/scale', 'x')), true, DAVE],
  ['34', req('dave', [], ra('create', 'extensions:deployments', 'x')), false, NO],
  ['35', req('erin', [], ra('get', 'secrets', 'x')), true, byCRB('crb-erin', 'agg-parent', 'User "erin"')],
  [
    '36',
    req('system:serviceaccount:team-a:builder', [], ra('list', 'services', 'team-a')),
    true,
    'RBAC: allowed by RoleBinding "rb-sa/team-a" of Role "svc-lister" to ServiceAccount "builder/team-a"',
  ],
  ['37', req('system:serviceaccount:team-b:builder', [], ra('list', 'services', 'team-a')), false, NO],
  ['38', req('system:serviceaccount:default:ci', [], ra('list', 'pods', 'default')), false, NO],
  [
    '39',
    req('system:serviceaccount:team-a:x', SA_GROUPS, ra('get', 'pods', 'team-a')),
    true,
    'RBAC: allowed by RoleBinding "rb-sagroup/team-a" of ClusterRole "pod-reader" to Group "system:serviceaccounts:team-a"',
  ],
  ['39 (no groups)', req('system:serviceaccount:team-a:x', [], ra('get', 'pods', 'team-a')), false, NO],
  [
    '40',
    req('frank', [], ra('get', 'pods', 'team-b')),
    false,
    'RBAC: clusterrole.rbac.authorization.k8s.io "does-not-exist" not found',
  ],
  ['41', req('frank', ['system:masters'], ra('get', 'pods', 'team-b')), true, MASTERS],
  [
    '42',
    req('u2', ['system:authenticated'], ra('create', 'authorization.k8s.io:selfsubjectaccessreviews', '')),
    true,
    BASIC,
  ],
  [
    '43',
    req('u2', ['system:authenticated'], ra('create', 'authentication.k8s.io:selfsubjectreviews', '')),
    true,
    BASIC,
  ],
  ['44', req('u2', ['system:authenticated'], nra('get', '/apis/apps/v1')), true, DISCOVERY],
  ['45', req('u2', ['system:authenticated'], nra('get', '/openapi/v3/apis/apps/v1')), true, DISCOVERY],
  [
    '46',
    req('anon', ['system:unauthenticated'], nra('get', '/version')),
    true,
    byCRB('system:public-info-viewer', 'system:public-info-viewer', 'Group "system:unauthenticated"'),
  ],
  ['47', req('anon', ['system:unauthenticated'], nra('get', '/apis')), false, NO],
  ['48a', req('u1', ['system:masters'], ra('impersonate', 'users', '', 'bob')), true, MASTERS],
  [
    '48b',
    req('u1', ['system:masters'], ra('escalate', 'rbac.authorization.k8s.io:clusterroles', '')),
    true,
    MASTERS,
  ],
  ['49a', req('alice', [], ra('deletecollection', 'pods', 'team-a')), true, ALICE_EDIT],
  ['49b', req('alice', [], ra('watch', 'pods', 'team-a')), true, ALICE_EDIT],
  [
    '50',
    req('system:serviceaccount:team-a:builder', [], ra('get', 'pods', 'team-a')),
    true,
    byCRB('crb-raw-sa-user', 'pod-reader', 'User "system:serviceaccount:team-a:builder"'),
  ],
]

describe('SubjectAccessReview table against the bootstrap policy', () => {
  const rbac = referenceEngine()

  it.each(rows)('row %s', (_n, request, allowed, reason) => {
    const decision = rbac.authorize(request)
    expect(decision.decision).toBe(allowed ? 'Allow' : 'NoOpinion')
    expect(decision.reason).toBe(reason)
    // RBAC never denies and never reports an evaluation error from Authorize.
    expect(decision).not.toHaveProperty('evaluationError')
    expect(decision.matched !== undefined).toBe(allowed)
  })

  it('row 29: either default binding would allow /healthz for system:authenticated', () => {
    const who = rbac.whoCan({ nonResourceAttributes: { verb: 'get', path: '/healthz' } })
    const bindings = who.entries
      .filter((e) => e.subject.name === 'system:authenticated')
      .map((e) => e.binding.name)
    expect(bindings).toEqual(['system:discovery', 'system:public-info-viewer'])
  })

  it('row 35: agg-parent has no rules of its own; only aggregation grants erin secrets', () => {
    const raw = referenceObjects()
      .list('ClusterRole')
      .find((r) => (r as { metadata: { name: string } }).metadata.name === 'agg-parent')
    expect((raw as { rules?: unknown }).rules).toBeUndefined()
    expect(
      aggregateClusterRoleObjects(referenceObjects().list('ClusterRole')).rules.get('agg-parent'),
    ).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])
  })

  it('row 49: a rule with only "delete" does not grant "deletecollection"', () => {
    const rule = { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }
    const base = { verb: 'deletecollection', group: '', resource: 'pods', namespace: 'x' }
    expect(ruleAllows({ resourceAttributes: base }, rule)).toBe(false)
    expect(ruleAllows({ resourceAttributes: { ...base, verb: 'delete' } }, rule)).toBe(true)
  })

  it('matched names the binding, role, rule and subject of the reason', () => {
    const d = rbac.authorize(req('alice', [], ra('get', 'secrets', 'team-a')))
    expect(d.matched).toMatchObject({
      binding: { kind: 'RoleBinding', name: 'rb-edit', namespace: 'team-a' },
      role: { kind: 'ClusterRole', name: 'edit' },
      subject: { kind: 'User', name: 'alice' },
    })
    expect(d.matched!.rule.resources).toContain('secrets')
    expect(rbac.effectiveClusterRole('edit')!.rules![d.matched!.ruleIndex]).toEqual(d.matched!.rule)
  })
})
