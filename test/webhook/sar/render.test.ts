// Wire bytes of review answers: Go struct key order, omitempty, `allowed` always present.
import { describe, expect, it } from 'vitest'
import { parseReview, parseSubjectAccessReview, type ParsedAccessReview } from '../../../src/kube/index.js'
import { toWireReview, toWireStatus } from '../../../src/webhook/sar/render.js'

describe('toWireStatus', () => {
  it('always has allowed; denied only when true; empty strings dropped', () => {
    expect(toWireStatus({ allowed: false })).toEqual({ allowed: false })
    expect(toWireStatus({ allowed: false, denied: false, reason: '', evaluationError: '' })).toEqual({
      allowed: false,
    })
    expect(toWireStatus({ allowed: false, denied: true, reason: 'r' })).toEqual({
      allowed: false,
      denied: true,
      reason: 'r',
    })
  })
})

describe('toWireReview', () => {
  it('serialises the no-opinion answer byte for byte as guard does (key order included)', () => {
    const review = parseSubjectAccessReview({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: { creationTimestamp: null },
      spec: {
        user: 'system:serviceaccount:default:flux-applier',
        uid: '',
        extra: {},
        groups: ['system:serviceaccounts', 'system:authenticated'],
        resourceAttributes: {
          verb: 'list',
          resource: 'secrets',
          namespace: 'default',
          version: 'v1',
          group: '',
        },
      },
      status: { allowed: false },
    })
    expect(
      JSON.stringify(
        toWireReview(review, { allowed: false, reason: 'Azure does not have opinion for this user.' }),
      ),
    ).toBe(
      '{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"default","verb":"list","version":"v1","resource":"secrets"},"user":"system:serviceaccount:default:flux-applier","groups":["system:serviceaccounts","system:authenticated"]},"status":{"allowed":false,"reason":"Azure does not have opinion for this user."}}',
    )
  })

  it('keeps selector pointers, even empty ones, and answers in another version on request', () => {
    const review = parseReview(
      {
        spec: {
          user: 'u',
          group: ['g'],
          resourceAttributes: {
            verb: 'list',
            resource: 'pods',
            labelSelector: { rawSelector: 'a=b' },
            fieldSelector: { requirements: [{ key: 'k', operator: 'Exists', values: [] }] },
          },
        },
      },
      { kind: 'SubjectAccessReview', url: { version: 'v1beta1' } },
    ) as ParsedAccessReview
    const wire = toWireReview(review, { allowed: true }, 'v1') as unknown as Record<string, any>
    expect(wire.apiVersion).toBe('authorization.k8s.io/v1')
    expect(wire.spec).toEqual({
      resourceAttributes: {
        verb: 'list',
        resource: 'pods',
        fieldSelector: { requirements: [{ key: 'k', operator: 'Exists' }] },
        labelSelector: { rawSelector: 'a=b' },
      },
      user: 'u',
      groups: ['g'],
    })
  })

  it('a SelfSubjectAccessReview echoes only its attributes', () => {
    const review = parseReview(
      { spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } },
      { kind: 'SelfSubjectAccessReview', url: { version: 'v1' } },
    ) as ParsedAccessReview
    expect(toWireReview(review, { allowed: true, reason: 'ok' })).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
      status: { allowed: true, reason: 'ok' },
    })
  })
})
