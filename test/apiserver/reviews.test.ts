import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthorizationAttributes } from '../../src/apiserver/index.js'
import { call, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
const seen: AuthorizationAttributes[] = []
const FIXTURES = join(import.meta.dirname, 'fixtures', 'kubectl-1.32-protobuf')

beforeAll(async () => {
  server = await startApiServer({
    staticTokens: [{ token: 'dev-token', user: { username: 'dev', groups: ['devs'] } }],
    authenticateToken: (token) =>
      Promise.resolve(
        token === 'aad-bob'
          ? {
              authenticated: true,
              user: { username: 'bob@contoso.com', groups: ['g1'] },
              audiences: ['https://kubernetes.default.svc'],
            }
          : { authenticated: false, error: 'invalid token' },
      ),
    authorize: (a) => {
      seen.push(a)
      if (
        a.verb === 'create' &&
        [
          'selfsubjectaccessreviews',
          'selfsubjectrulesreviews',
          'selfsubjectreviews',
          'subjectaccessreviews',
          'tokenreviews',
          'localsubjectaccessreviews',
        ].includes(a.resource)
      )
        return { decision: 'Allow', reason: '' }
      if (a.user.username === 'dev' && a.resource === 'pods' && a.verb === 'get')
        return {
          decision: 'Allow',
          reason: 'RBAC: allowed by RoleBinding "dev/default" of ClusterRole "view" to User "dev"',
        }
      if (a.user.username === 'dev' && a.resource === 'secrets')
        return { decision: 'Deny', reason: 'denied by policy' }
      if (!a.resourceRequest && a.path === '/healthz') return { decision: 'Allow', reason: '' }
      return { decision: 'NoOpinion', reason: '' }
    },
    rulesFor: (user, namespace) => ({
      resourceRules:
        user.username === 'dev' ? [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] : [],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: namespace !== 'default',
    }),
  })
})
afterAll(() => server.close())

const post = (path: string, body: unknown, token = 'dev-token') =>
  call(server, 'POST', path, {
    token,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  })

describe('SelfSubjectAccessReview', () => {
  it('answers allowed with the reason, 201', async () => {
    const r = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
    })
    expect(r.status).toBe(201)
    expect(r.json).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
      status: {
        allowed: true,
        reason: 'RBAC: allowed by RoleBinding "dev/default" of ClusterRole "view" to User "dev"',
      },
    })
    expect(seen.at(-1)).toMatchObject({
      user: { username: 'dev', groups: ['devs', 'system:authenticated'] },
      verb: 'get',
      resource: 'pods',
      namespace: 'default',
      resourceRequest: true,
    })
  })

  it('answers denied for an explicit Deny and allowed:false for no opinion', async () => {
    const deny = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      spec: { resourceAttributes: { verb: 'get', resource: 'secrets' } },
    })
    expect(deny.json.status).toEqual({ allowed: false, denied: true, reason: 'denied by policy' })
    const none = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      spec: { resourceAttributes: { verb: 'delete', resource: 'pods' } },
    })
    expect(none.json.status).toEqual({ allowed: false })
  })

  it('decodes the protobuf body kubectl 1.32 sends for `auth can-i get /healthz`', async () => {
    const r = await call(server, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      token: 'dev-token',
      body: readFileSync(join(FIXTURES, 'authorization.k8s.io-v1-selfsubjectaccessreviews.bin')),
      headers: {
        'content-type': 'application/vnd.kubernetes.protobuf',
        accept: 'application/vnd.kubernetes.protobuf,application/json',
      },
    })
    expect(r.status).toBe(201)
    expect(r.headers['content-type']).toBe('application/json')
    expect(r.json.status).toEqual({ allowed: true })
    expect(seen.at(-1)).toMatchObject({ resourceRequest: false, path: '/healthz', verb: 'get' })
  })

  it('rejects both or neither attribute kinds (422)', async () => {
    const both = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } },
    })
    expect(both.status).toBe(422)
    expect(both.json.message).toBe(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: {"path":"/x","verb":"get"}: cannot be specified in combination with resourceAttributes',
    )
    const neither = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: {} })
    expect(neither.json.message).toMatch(
      /exactly one of nonResourceAttributes or resourceAttributes must be specified$/,
    )
  })
})

describe('SubjectAccessReview and LocalSubjectAccessReview', () => {
  it('checks the subject in the spec, with its groups taken as given', async () => {
    const r = await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      spec: {
        user: 'dev',
        groups: ['x'],
        extra: { oid: ['1'] },
        resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' },
      },
    })
    expect(r.json.status.allowed).toBe(true)
    expect(seen.at(-1)!.user).toEqual({ username: 'dev', groups: ['x'], extra: { oid: ['1'] } })
  })

  it('requires a user or groups', async () => {
    const r = await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      spec: { resourceAttributes: { verb: 'get' } },
    })
    expect(r.status).toBe(422)
    expect(r.json.message).toBe(
      'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    )
  })

  it('requires the local review namespace to match the URL', async () => {
    const r = await post('/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews', {
      spec: { user: 'dev', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'other' } },
    })
    expect(r.status).toBe(400)
    expect(r.json.message).toBe('spec.resourceAttributes.namespace must match namespace: team-a')
    const ok = await post('/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews', {
      spec: { user: 'dev', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team-a' } },
    })
    expect(ok.status).toBe(201)
  })
})

describe('SelfSubjectRulesReview, SelfSubjectReview, TokenReview', () => {
  it('lists the rules from rulesFor', async () => {
    const r = await post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
      spec: { namespace: 'default' },
    })
    expect(r.json.status).toEqual({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
    })
  })

  it('reports who the caller is', async () => {
    const r = await post('/apis/authentication.k8s.io/v1/selfsubjectreviews', {}, 'aad-bob')
    expect(r.json).toEqual({
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: 'bob@contoso.com', groups: ['g1', 'system:authenticated'] } },
    })
  })

  it('reviews a token through the same authenticators', async () => {
    const ok = await post('/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: 'aad-bob' } })
    expect(ok.json.status).toEqual({
      authenticated: true,
      user: { username: 'bob@contoso.com', groups: ['g1'] },
      audiences: ['https://kubernetes.default.svc'],
    })
    const bad = await post('/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: 'nope' } })
    expect(bad.json.status).toEqual({ user: {}, error: 'invalid token' })
    const missing = await post('/apis/authentication.k8s.io/v1/tokenreviews', { spec: {} })
    expect(missing.status).toBe(400)
  })

  it('answers 405 to a GET of a review kind (after authorization, as kube-apiserver does)', async () => {
    expect(
      (
        await call(server, 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          token: 'dev-token',
        })
      ).status,
    ).toBe(403)
    const admin = await server.pki.clientCert('apiserver-reviews-admin', {
      cn: 'admin',
      o: ['system:masters'],
    })
    const r = await call(server, 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      cert: admin,
    })
    expect(r.status).toBe(405)
    expect(r.json.reason).toBe('MethodNotAllowed')
  })
})
