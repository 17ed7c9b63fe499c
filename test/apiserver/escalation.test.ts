import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthorizationAttributes } from '../../src/apiserver/index.js'
import { call, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let admin: { certPem: string; keyPem: string }

/** `lead` may manage roles and bindings in `team` and read pods there; `binder` may also bind `view`. */
const authorize = (a: AuthorizationAttributes) => {
  const u = a.user.username
  if (
    (u === 'lead' || u === 'binder') &&
    a.namespace === 'team' &&
    ['roles', 'rolebindings'].includes(a.resource) &&
    ['create', 'update', 'patch', 'get'].includes(a.verb)
  )
    return { decision: 'Allow' as const, reason: '' }
  if (u === 'binder' && a.verb === 'bind' && a.resource === 'clusterroles' && a.name === 'view')
    return { decision: 'Allow' as const, reason: '' }
  return { decision: 'NoOpinion' as const, reason: '' }
}

beforeAll(async () => {
  server = await startApiServer({
    staticTokens: [
      { token: 'lead-token', user: { username: 'lead', groups: ['leads'] } },
      { token: 'binder-token', user: { username: 'binder', groups: [] } },
    ],
    authorize,
    rulesFor: (user, namespace) => ({
      resourceRules:
        namespace === 'team'
          ? [
              { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'] },
              {
                verbs: ['create', 'update', 'patch', 'get'],
                apiGroups: ['rbac.authorization.k8s.io'],
                resources: ['roles', 'rolebindings'],
              },
            ]
          : [],
      nonResourceRules: [],
      incomplete: false,
    }),
  })
  admin = await server.pki.clientCert('apiserver-escalation-admin', { cn: 'admin', o: ['system:masters'] })
  const post = (path: string, body: unknown) =>
    call(server, 'POST', path, {
      cert: admin,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    })
  await post('/api/v1/namespaces', { metadata: { name: 'team' } })
  await post('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    metadata: { name: 'view' },
    rules: [{ apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list', 'watch'] }],
  })
  await post('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    metadata: { name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  })
})
afterAll(() => server.close())

const as = (token: string, path: string, body: unknown) =>
  call(server, 'POST', path, {
    token,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  })
const ROLES = '/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles'
const BINDINGS = '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings'

describe('RBAC escalation prevention', () => {
  it('lets a user create a role with permissions it holds', async () => {
    const r = await as('lead-token', ROLES, {
      metadata: { name: 'readers' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    })
    expect(r.status).toBe(201)
  })

  it('refuses a role that grants more, listing what is missing', async () => {
    const r = await as('lead-token', ROLES, {
      metadata: { name: 'too-much' },
      rules: [{ apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], verbs: ['get', 'delete'] }],
    })
    expect(r.status).toBe(403)
    expect(r.json.message).toBe(
      'roles.rbac.authorization.k8s.io "too-much" is forbidden: user "lead" (groups=["leads" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["deployments"], Verbs:["get" "delete"]}\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n' +
        '{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "delete"]}\n' +
        '{APIGroups:["apps"], Resources:["pods"], Verbs:["get" "delete"]}',
    )
    expect((await call(server, 'GET', `${ROLES}/too-much`, { cert: admin })).status).toBe(404)
  })

  it('refuses to bind a role with more permissions than the writer holds', async () => {
    const r = await as('lead-token', BINDINGS, {
      metadata: { name: 'view-all' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'someone' }],
    })
    expect(r.status).toBe(403)
    expect(r.json.message).toMatch(
      /^rolebindings\.rbac\.authorization\.k8s\.io "view-all" is forbidden: user "lead" .* is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["configmaps"\], Verbs:\["get" "list" "watch"\]\}\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["watch"\]\}$/,
    )
  })

  it('allows binding a role whose permissions the writer holds, or with the bind verb', async () => {
    const covered = await as('lead-token', BINDINGS, {
      metadata: { name: 'pod-readers' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-reader' },
      subjects: [{ kind: 'User', name: 'someone' }],
    })
    expect(covered.status).toBe(201)
    const bound = await as('binder-token', BINDINGS, {
      metadata: { name: 'view-binder' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'someone' }],
    })
    expect(bound.status).toBe(201)
  })

  it('answers NotFound for a binding to a missing role', async () => {
    const r = await as('lead-token', BINDINGS, {
      metadata: { name: 'dangling' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'does-not-exist' },
      subjects: [{ kind: 'User', name: 'someone' }],
    })
    expect(r.status).toBe(404)
    expect(r.json.message).toBe('clusterrole.rbac.authorization.k8s.io "does-not-exist" not found')
  })
})
