import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadOrCreatePki } from '../../src/kernel/tls.js'
import type { AuthorizationAttributes } from '../../src/apiserver/index.js'
import { call, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let disabled = false
const seen: AuthorizationAttributes[] = []
const tokenCalls: { token: string; audiences: string[] }[] = []

beforeAll(async () => {
  server = await startApiServer({
    staticTokens: [
      {
        token: 'local-admin-token',
        user: { username: 'clusterAdmin', uid: 'u-1', groups: ['system:masters'] },
      },
    ],
    disableLocalAccounts: () => disabled,
    authenticateToken: (token, audiences) => {
      tokenCalls.push({ token, audiences })
      if (token === 'aad-alice')
        return Promise.resolve({
          authenticated: true,
          user: { username: 'alice@contoso.com', uid: 'oid-a', groups: ['devs'], extra: { oid: ['oid-a'] } },
          detail: { cache: 'miss' },
        })
      if (token === 'wrong-audience')
        return Promise.resolve({
          authenticated: true,
          user: { username: 'x', groups: [] },
          audiences: ['api://other'],
        })
      return Promise.resolve({ authenticated: false, error: 'token expired' })
    },
    authorize: (attrs) => {
      seen.push(attrs)
      const u = attrs.user.username
      if (u === 'alice@contoso.com' && attrs.verb === 'list' && attrs.resource === 'pods')
        return { decision: 'Allow', reason: 'allowed by test' }
      if (
        u === 'alice@contoso.com' &&
        attrs.verb === 'impersonate' &&
        attrs.resource === 'users' &&
        attrs.name === 'bob'
      )
        return { decision: 'Allow', reason: '' }
      if (u === 'alice@contoso.com' && attrs.verb === 'impersonate' && attrs.resource === 'groups')
        return { decision: 'Allow', reason: '' }
      if (u === 'bob' && attrs.resource === 'configmaps') return { decision: 'Allow', reason: '' }
      if (u === 'alice@contoso.com' && attrs.resource === 'secrets')
        return { decision: 'Deny', reason: 'Access denied by Azure RBAC' }
      if (!attrs.resourceRequest && attrs.path === '/version') return { decision: 'Allow', reason: '' }
      return {
        decision: 'NoOpinion',
        reason:
          u === 'alice@contoso.com'
            ? 'User does not have access to the resource in Azure. Update role assignment to allow access.'
            : '',
      }
    },
  })
})
afterAll(() => server.close())

const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
}

describe('authentication', () => {
  it('maps a client certificate to CN → user and O → groups, plus system:authenticated', async () => {
    const cert = await server.pki.clientCert('apiserver-auth-cert', {
      cn: 'masterclient',
      o: ['system:masters', 'ops'],
    })
    const r = await call(server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      cert,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    })
    expect(r.status).toBe(201)
    expect(r.json.status.userInfo).toEqual({
      username: 'masterclient',
      groups: ['system:masters', 'ops', 'system:authenticated'],
    })
  })

  it('refuses a client certificate from another CA with 401, even though anonymous requests are allowed', async () => {
    const other = await loadOrCreatePki(undefined)
    const cert = await other.clientCert('stranger', { cn: 'masterclient', o: ['system:masters'] })
    const r = await call(server, 'GET', '/api/v1/pods', { cert })
    expect(r.status).toBe(401)
    expect(r.json).toEqual(UNAUTHORIZED)
  })

  it('accepts the static token of the local account, and refuses it once local accounts are disabled', async () => {
    const ok = await call(server, 'GET', '/api/v1/namespaces', { token: 'local-admin-token' })
    expect(ok.status).toBe(200)
    disabled = true
    try {
      tokenCalls.length = 0
      const refused = await call(server, 'GET', '/api/v1/namespaces', { token: 'local-admin-token' })
      expect(refused.status).toBe(401)
      expect(refused.json).toEqual(UNAUTHORIZED)
      // With the local account refused, the token goes on to the webhook, which rejects it.
      expect(tokenCalls).toEqual([
        { token: 'local-admin-token', audiences: ['https://kubernetes.default.svc'] },
      ])
    } finally {
      disabled = false
    }
  })

  it('authenticates other bearer tokens through authenticateToken with the API audiences', async () => {
    tokenCalls.length = 0
    const r = await call(server, 'GET', '/api/v1/namespaces/default/pods', { token: 'aad-alice' })
    expect(r.status).toBe(200)
    expect(tokenCalls).toEqual([{ token: 'aad-alice', audiences: ['https://kubernetes.default.svc'] }])
    const last = seen[seen.length - 1]!
    expect(last.user).toEqual({
      username: 'alice@contoso.com',
      uid: 'oid-a',
      groups: ['devs', 'system:authenticated'],
      extra: { oid: ['oid-a'] },
    })
  })

  it('answers 401 for a rejected token and for a token for other audiences', async () => {
    expect((await call(server, 'GET', '/api/v1/pods', { token: 'expired' })).json).toEqual(UNAUTHORIZED)
    expect((await call(server, 'GET', '/api/v1/pods', { token: 'wrong-audience' })).status).toBe(401)
  })

  it('treats a request without credentials as system:anonymous / system:unauthenticated', async () => {
    const r = await call(server, 'GET', '/version')
    expect(r.status).toBe(200)
    expect(seen[seen.length - 1]!.user).toEqual({
      username: 'system:anonymous',
      groups: ['system:unauthenticated'],
    })
    const denied = await call(server, 'GET', '/api')
    expect(denied.status).toBe(403)
    expect(denied.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'forbidden: User "system:anonymous" cannot get path "/api"',
      reason: 'Forbidden',
      details: {},
      code: 403,
    })
  })

  it('answers 401 to anonymous requests when anonymous auth is off', async () => {
    const strict = await startApiServer({ anonymous: false })
    try {
      expect((await call(strict, 'GET', '/version')).json).toEqual(UNAUTHORIZED)
    } finally {
      await strict.close()
    }
  })
})

describe('authorization', () => {
  it('builds the Forbidden message with the authorizer reason appended', async () => {
    const r = await call(server, 'GET', '/api/v1/namespaces/team-a/configmaps/settings', {
      token: 'aad-alice',
    })
    expect(r.status).toBe(403)
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'configmaps "settings" is forbidden: User "alice@contoso.com" cannot get resource "configmaps" in API group "" in the namespace "team-a": User does not have access to the resource in Azure. Update role assignment to allow access.',
      reason: 'Forbidden',
      details: { name: 'settings', kind: 'configmaps' },
      code: 403,
    })
  })

  it('words cluster-scoped, grouped and subresource requests like kube-apiserver', async () => {
    const list = await call(server, 'GET', '/apis/apps/v1/deployments', { token: 'aad-alice' })
    expect(list.json.message).toMatch(
      /^deployments\.apps is forbidden: User "alice@contoso\.com" cannot list resource "deployments" in API group "apps" at the cluster scope: /,
    )
    expect(list.json.details).toEqual({ group: 'apps', kind: 'deployments' })
    const status = await call(server, 'GET', '/api/v1/namespaces/default/pods/p1/status', {
      token: 'aad-alice',
    })
    expect(status.json.message).toMatch(
      /^pods "p1" is forbidden: User "alice@contoso\.com" cannot get resource "pods\/status" in API group "" in the namespace "default": /,
    )
  })

  it('stops at an explicit Deny', async () => {
    const r = await call(server, 'GET', '/api/v1/namespaces/default/secrets', { token: 'aad-alice' })
    expect(r.json.message).toBe(
      'secrets is forbidden: User "alice@contoso.com" cannot list resource "secrets" in API group "" in the namespace "default": Access denied by Azure RBAC',
    )
  })

  it('passes selectors to the authorizer (AuthorizeWithSelectors)', async () => {
    await call(
      server,
      'GET',
      '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dn1',
      { token: 'aad-alice' },
    )
    const last = seen[seen.length - 1]!
    expect(last.labelSelector).toEqual([{ key: 'app', operator: 'In', values: ['web'] }])
    expect(last.fieldSelector).toEqual([{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }])
  })

  it('allows system:masters without asking the authorizer', async () => {
    const before = seen.length
    const r = await call(server, 'GET', '/api/v1/namespaces/kube-system/secrets', {
      token: 'local-admin-token',
    })
    expect(r.status).toBe(200)
    expect(seen.length).toBe(before)
  })

  it('emits one request.completed event with the authentication and authorization trace', async () => {
    const since = server.events.recent({ service: 'apiserver' }).at(-1)?.id ?? 0
    await call(server, 'GET', '/api/v1/namespaces/default/pods', {
      token: 'aad-alice',
      headers: { 'user-agent': 'trace-test' },
    })
    const e = server.events
      .recent({ service: 'apiserver', sinceId: since })
      .find((x) => x.data.userAgent === 'trace-test')!
    expect(e.type).toBe('request.completed')
    expect(e.data).toMatchObject({
      method: 'GET',
      status: 200,
      verb: 'list',
      resource: 'pods',
      namespace: 'default',
      user: 'alice@contoso.com',
      groups: ['devs', 'system:authenticated'],
      authentication: {
        method: 'webhook',
        steps: [{ authenticator: 'webhook', outcome: 'authenticated', detail: { cache: 'miss' } }],
      },
      authorization: { decision: 'Allow', reason: 'allowed by test' },
    })
    expect(JSON.stringify(e.data)).not.toContain('aad-alice')
  })
})

describe('impersonation', () => {
  it('acts as the impersonated user when the impersonate checks allow it', async () => {
    const r = await call(server, 'GET', '/api/v1/namespaces/default/configmaps', {
      token: 'aad-alice',
      headers: { 'impersonate-user': 'bob', 'impersonate-group': ['g1', 'g2'] },
    })
    expect(r.status).toBe(200)
    const checks = seen.filter((a) => a.verb === 'impersonate').slice(-3)
    expect(checks.map((c) => [c.resource, c.name, c.apiGroup])).toEqual([
      ['users', 'bob', ''],
      ['groups', 'g1', ''],
      ['groups', 'g2', ''],
    ])
    expect(seen[seen.length - 1]!.user).toEqual({
      username: 'bob',
      groups: ['g1', 'g2', 'system:authenticated'],
    })
  })

  it('answers Forbidden with the impersonate attributes when not allowed', async () => {
    const r = await call(server, 'GET', '/api/v1/namespaces/default/configmaps', {
      token: 'aad-alice',
      headers: { 'impersonate-user': 'carol' },
    })
    expect(r.status).toBe(403)
    expect(r.json.message).toBe(
      'users "carol" is forbidden: User "alice@contoso.com" cannot impersonate resource "users" in API group "" at the cluster scope: User does not have access to the resource in Azure. Update role assignment to allow access.',
    )
    const sa = await call(server, 'GET', '/api/v1/namespaces/default/configmaps', {
      token: 'aad-alice',
      headers: { 'impersonate-user': 'system:serviceaccount:ci:builder' },
    })
    expect(sa.json.message).toMatch(
      /^serviceaccounts "builder" is forbidden: User "alice@contoso\.com" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ci"/,
    )
    const extra = await call(server, 'GET', '/api/v1/namespaces/default/configmaps', {
      token: 'aad-alice',
      headers: { 'impersonate-user': 'bob', 'impersonate-extra-scopes': 'view' },
    })
    expect(extra.json.message).toMatch(
      /^userextras\.authentication\.k8s\.io "view" is forbidden: User "alice@contoso\.com" cannot impersonate resource "userextras\/scopes" in API group "authentication\.k8s\.io" at the cluster scope/,
    )
  })

  it('gives an impersonated service account its groups', async () => {
    const admin = await server.pki.clientCert('apiserver-auth-admin', { cn: 'admin', o: ['system:masters'] })
    const r = await call(server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      cert: admin,
      body: '{}',
      headers: {
        'content-type': 'application/json',
        'impersonate-user': 'system:serviceaccount:ci:builder',
        'impersonate-uid': 'uid-9',
      },
    })
    // The impersonated SA has no permissions with this authorizer: its own review is forbidden.
    expect(r.status).toBe(403)
    expect(seen[seen.length - 1]!.user).toEqual({
      username: 'system:serviceaccount:ci:builder',
      uid: 'uid-9',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
    })
  })

  it('rejects groups without a user (400)', async () => {
    const r = await call(server, 'GET', '/api/v1/namespaces/default/configmaps', {
      token: 'aad-alice',
      headers: { 'impersonate-group': 'g1' },
    })
    expect(r.status).toBe(400)
    expect(r.json.message).toMatch(/without impersonating a user$/)
  })
})
