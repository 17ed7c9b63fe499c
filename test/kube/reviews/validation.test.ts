// 422 Invalid: Kubernetes 1.32's validation of the review kinds, with its exact messages and
// details.causes (kubernetes/kubernetes pkg/apis/authorization/validation/validation.go).
import { describe, expect, it } from 'vitest'
import { Invalid, parseReview, type ParseOptions } from '../../../src/kube/index.js'

const SAR: ParseOptions = { kind: 'SubjectAccessReview' }
const body = (kind: string, spec: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind,
  spec,
  ...extra,
})

function invalid(b: unknown, opts: ParseOptions = SAR): Invalid {
  try {
    parseReview(b, opts)
  } catch (err) {
    expect(err).toBeInstanceOf(Invalid)
    return err as Invalid
  }
  throw new Error('expected Invalid')
}

describe('SubjectAccessReview validation', () => {
  it('both attribute kinds: 422 with the real message, cause and Status shape', () => {
    const err = invalid(
      body('SubjectAccessReview', {
        user: 'u',
        resourceAttributes: { verb: 'get' },
        nonResourceAttributes: { path: '/x', verb: 'get' },
      }),
    )
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes',
      reason: 'Invalid',
      details: {
        group: 'authorization.k8s.io',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes',
            field: 'spec.nonResourceAttributes',
          },
        ],
      },
      code: 422,
    })
  })

  it('neither attribute kind and no user or group: two causes, aggregated in brackets', () => {
    const err = invalid(body('SubjectAccessReview', {}))
    expect(err.message).toBe(
      '.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
    )
    expect(err.toStatus().details!.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
        field: 'spec.resourceAttributes',
      },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "": at least one of user or group must be specified',
        field: 'spec.user',
      },
    ])
  })

  it('groups alone are enough; so is a user alone; empty strings count as absent', () => {
    expect(
      parseReview(body('SubjectAccessReview', { groups: ['g'], nonResourceAttributes: {} }), SAR).kind,
    ).toBe('SubjectAccessReview')
    expect(parseReview(body('SubjectAccessReview', { user: 'u', resourceAttributes: {} }), SAR).kind).toBe(
      'SubjectAccessReview',
    )
    expect(
      invalid(body('SubjectAccessReview', { user: '', groups: [], resourceAttributes: {} })).fieldErrors.map(
        (e) => e.field,
      ),
    ).toEqual(['spec.user'])
  })

  it('v1beta1 spells groups `group`, and the v1 name there is an unknown field', () => {
    const b = {
      apiVersion: 'authorization.k8s.io/v1beta1',
      kind: 'SubjectAccessReview',
      spec: { groups: ['g'], resourceAttributes: {} },
    }
    const err = invalid(b)
    expect(err.fieldErrors.map((e) => e.field)).toEqual(['spec.user'])
    const ok = parseReview({ ...b, spec: { group: ['g'], resourceAttributes: {} } }, SAR)
    expect(ok.spec).toEqual({ groups: ['g'], resourceAttributes: {} })
  })

  it('metadata must be empty (creationTimestamp null and managedFields do not count)', () => {
    expect(
      parseReview(
        body(
          'SubjectAccessReview',
          { user: 'u', resourceAttributes: {} },
          { metadata: { creationTimestamp: null, labels: {}, managedFields: [{}] } },
        ),
        SAR,
      ).kind,
    ).toBe('SubjectAccessReview')
    const err = invalid(
      body(
        'SubjectAccessReview',
        { user: 'u', resourceAttributes: {} },
        { metadata: { name: 'x', labels: { b: '2', a: '1' } } },
      ),
    )
    expect(err.message).toBe(
      '.authorization.k8s.io "" is invalid: metadata: Invalid value: v1.ObjectMeta{Name:"x", GenerateName:"", Namespace:"", SelfLink:"", UID:"", ResourceVersion:"", Generation:0, CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), Labels:map[string]string{"a":"1", "b":"2"}, Annotations:map[string]string(nil), OwnerReferences:[]v1.OwnerReference(nil), Finalizers:[]string(nil), ManagedFields:[]v1.ManagedFieldsEntry(nil)}: must be empty',
    )
  })

  it('selector rules, with the upstream test table’s messages', () => {
    const ra = (resourceAttributes: unknown) =>
      invalid(body('SubjectAccessReview', { user: 'me', resourceAttributes })).message
    expect(
      ra({ fieldSelector: { rawSelector: 'foo', requirements: [{ key: 'k', operator: 'Exists' }] } }),
    ).toContain(
      'spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: "foo": may not specified at the same time as requirements',
    )
    expect(ra({ fieldSelector: {} })).toContain(
      'spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required',
    )
    expect(ra({ fieldSelector: { requirements: [{ key: '', operator: 'Exists' }] } })).toContain(
      'spec.resourceAttributes.fieldSelector.requirements[0].key: Required value: must be specified',
    )
    expect(ra({ fieldSelector: { requirements: [{ key: 'k', operator: 'In', values: [] }] } })).toContain(
      "spec.resourceAttributes.fieldSelector.requirements[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    )
    expect(
      ra({ labelSelector: { requirements: [{ key: 'k', operator: 'DoesNotExist', values: ['v'] }] } }),
    ).toContain(
      "spec.resourceAttributes.labelSelector.requirements[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    )
    expect(ra({ labelSelector: { requirements: [{ key: '', operator: 'Exists' }] } })).toContain(
      'spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: "": name part must be non-empty',
    )
    expect(ra({ labelSelector: { requirements: [{ key: '()foo', operator: 'Exists' }] } })).toContain(
      `spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: "()foo": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    )
    expect(
      ra({ labelSelector: { requirements: [{ key: 'Example.com/x', operator: 'In', values: ['-bad'] }] } }),
    ).toContain('prefix part a lowercase RFC 1123 subdomain')
    // Unknown operators are allowed for reviews (skewed newer clients).
    expect(
      parseReview(
        body('SubjectAccessReview', {
          user: 'me',
          resourceAttributes: {
            labelSelector: { requirements: [{ key: 'k', operator: 'Gt', values: ['1'] }] },
          },
        }),
        SAR,
      ).kind,
    ).toBe('SubjectAccessReview')
  })
})

describe('LocalSubjectAccessReview and SelfSubjectAccessReview validation', () => {
  const LOCAL: ParseOptions = { kind: 'LocalSubjectAccessReview', url: { version: 'v1', namespace: 'dev' } }

  it('takes the namespace from the URL and requires the spec to match it', () => {
    const ok = parseReview(
      body('LocalSubjectAccessReview', { user: 'u', resourceAttributes: { namespace: 'dev', verb: 'get' } }),
      LOCAL,
    )
    expect(ok.metadata.namespace).toBe('dev')
    const err = invalid(
      body('LocalSubjectAccessReview', { user: 'u', resourceAttributes: { namespace: 'prod', verb: 'get' } }),
      LOCAL,
    )
    expect(err.message).toBe(
      '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "prod": must match metadata.namespace',
    )
  })

  it('refuses non-resource attributes and other metadata', () => {
    const err = invalid(
      body(
        'LocalSubjectAccessReview',
        { user: 'u', nonResourceAttributes: { path: '/x', verb: 'get' } },
        { metadata: { name: 'n' } },
      ),
      LOCAL,
    )
    expect(err.fieldErrors.map((e) => [e.field, e.detail])).toEqual([
      ['metadata', 'must be empty except for namespace'],
      ['spec.nonResourceAttributes', 'disallowed on this kind of request'],
    ])
  })

  it('SelfSubjectAccessReview needs exactly one attribute kind but no user', () => {
    const SELF: ParseOptions = { kind: 'SelfSubjectAccessReview', url: { version: 'v1' } }
    expect(
      parseReview(
        body('SelfSubjectAccessReview', { resourceAttributes: { verb: 'list', resource: 'pods' } }),
        SELF,
      ).spec,
    ).toEqual({
      resourceAttributes: { verb: 'list', resource: 'pods' },
    })
    expect(invalid(body('SelfSubjectAccessReview', {}), SELF).fieldErrors.map((e) => e.field)).toEqual([
      'spec.resourceAttributes',
    ])
  })
})
