import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { openapiValidator } from '../helpers/openapi.js'
import { ALICE, BOB, FRANK, startTestSimulator } from '../helpers/sim.js'
import { callWebhook } from '../helpers/webhook.js'

let sim: Simulator
const validate = openapiValidator(
  'apis__authorization.k8s.io__v1_openapi.json',
  'io.k8s.api.authorization.v1.SubjectAccessReview',
)

beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

const sar = (user: string, ra: Record<string, string>, version = 'v1', extra = true) => {
  const u = sim.directory.user(user)
  return {
    kind: 'SubjectAccessReview',
    apiVersion: `authorization.k8s.io/${version}`,
    spec: {
      resourceAttributes: ra,
      user: u?.userPrincipalName ?? user,
      [version === 'v1' ? 'groups' : 'group']: ['system:authenticated'],
      ...(extra && u && { extra: { oid: [u.id] } }),
    },
  }
}

describe('the Azure RBAC authorization webhook (guard)', () => {
  it('allows frank to list pods in prod through his namespace-scoped RBAC Reader assignment', async () => {
    const res = await callWebhook(
      sim,
      '/subjectaccessreviews',
      sar(FRANK, { namespace: 'prod', verb: 'list', version: 'v1', resource: 'pods' }),
    )
    expect(res.status).toBe(200)
    expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true)
    expect(res.body.status.allowed).toBe(true)
    expect(res.body.status.reason).toMatch(
      /^Access allowed by Azure RBAC Role Assignment [0-9a-f]{32} of Role 7f6c6a51bcf842ba922052d62157d7db to user frank@contoso\.onmicrosoft\.com$/,
    )
  })

  it('denies frank in dev and at cluster scope, with guard’s message', async () => {
    const attributes: Record<string, string>[] = [
      { namespace: 'dev', verb: 'list', resource: 'pods' },
      { verb: 'list', resource: 'pods' },
    ]
    for (const ra of attributes) {
      const res = await callWebhook(sim, '/subjectaccessreviews', sar(FRANK, ra))
      expect(res.body.status).toEqual({
        allowed: false,
        denied: true,
        reason: 'User does not have access to the resource in Azure. Update role assignment to allow access.',
      })
    }
  })

  it('has no opinion on system: users and on users without extra.oid', async () => {
    const sys = await callWebhook(
      sim,
      '/subjectaccessreviews',
      sar('system:serviceaccount:dev:default', { namespace: 'dev', verb: 'get', resource: 'pods' }),
    )
    expect(sys.body.status).toEqual({ allowed: false, reason: 'Azure does not have opinion for this user.' })
    const noOid = await callWebhook(
      sim,
      '/subjectaccessreviews',
      sar(BOB, { namespace: 'dev', verb: 'get', resource: 'pods' }, 'v1', false),
    )
    expect(noOid.body.status.reason).toMatch(/^Azure does not have opinion for this non AAD user\./)
    expect(noOid.body.status.denied).toBeUndefined()
  })

  it('answers v1beta1 in v1beta1 with the `group` field', async () => {
    const res = await callWebhook(
      sim,
      '/subjectaccessreviews',
      sar(ALICE, { namespace: 'prod', verb: 'delete', resource: 'pods' }, 'v1beta1'),
    )
    expect(res.body.apiVersion).toBe('authorization.k8s.io/v1beta1')
    expect(res.body.spec.group).toEqual(['system:authenticated'])
    expect(res.body.status.denied).toBe(true)
  })

  it('refuses malformed reviews with Kubernetes Status errors, never an allow', async () => {
    const both = await callWebhook(sim, '/subjectaccessreviews', {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: {
        user: 'x',
        resourceAttributes: { verb: 'get' },
        nonResourceAttributes: { path: '/', verb: 'get' },
      },
    })
    expect(both.status).toBe(422)
    expect(both.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 })
    expect(both.body.message).toBe(
      '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/", Verb:"get"}: cannot be specified in combination with resourceAttributes',
    )
    const garbage = await callWebhook(sim, '/subjectaccessreviews', undefined, { raw: '{not json' })
    expect(garbage.status).toBe(400)
    expect(garbage.body.kind).toBe('Status')
    const none = await callWebhook(
      sim,
      '/subjectaccessreviews',
      sar(FRANK, { namespace: 'prod', verb: 'list', resource: 'pods' }),
      { cert: null },
    )
    expect(none.status).toBe(400)
    expect(none.body.message).toBe('Missing client certificate')
  })
})
