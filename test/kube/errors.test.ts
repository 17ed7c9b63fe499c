// The shared Status errors render the bodies k8s.io/apimachinery/pkg/api/errors builds.
import { describe, expect, it } from 'vitest'
import {
  Invalid,
  NotFound,
  StatusError,
  invalid,
  renderStatus,
  required,
  tooLong,
} from '../../src/kube/index.js'

describe('Kubernetes Status errors', () => {
  it('NewInvalid: omitempty details, one cause per field error, repeated messages aggregated once', () => {
    const err = new Invalid({ group: '', kind: 'ConfigMap' }, '', [
      required('metadata.name', 'name or generateName is required'),
      required('metadata.name', 'name or generateName is required'),
      tooLong('[]', 1048576),
    ])
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'ConfigMap "" is invalid: [metadata.name: Required value: name or generateName is required, []: Too long: must have at most 1048576 bytes]',
      reason: 'Invalid',
      details: {
        kind: 'ConfigMap',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: name or generateName is required',
            field: 'metadata.name',
          },
          {
            reason: 'FieldValueRequired',
            message: 'Required value: name or generateName is required',
            field: 'metadata.name',
          },
          { reason: 'FieldValueTooLong', message: 'Too long: must have at most 1048576 bytes', field: '[]' },
        ],
      },
      code: 422,
    })
  })

  it('quotes the object name as Go %q does', () => {
    const err = new Invalid({ group: 'apps', kind: 'Deployment' }, 'a"b', [
      invalid('metadata.name', 'a"b', 'bad'),
    ])
    expect(err.message).toBe('Deployment.apps "a\\"b" is invalid: metadata.name: Invalid value: "a\\"b": bad')
  })

  it('renders Status bytes in Go field order', () => {
    expect(renderStatus(new NotFound({ group: 'apps', resource: 'deployments' }, 'x'))).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"x\\" not found","reason":"NotFound","details":{"name":"x","group":"apps","kind":"deployments"},"code":404}',
    )
    // An admission webhook denial carries no reason.
    expect(new StatusError(403, '', 'denied').toStatus()).not.toHaveProperty('reason')
  })
})
