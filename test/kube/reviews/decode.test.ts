// 400 BadRequest and 413: bodies that are not a review of the endpoint's kind and version, values of
// the wrong JSON type, garbage and oversized raw bodies. Plus what decoding keeps and normalises.
import { describe, expect, it } from 'vitest'
import {
  BadRequest,
  RequestEntityTooLarge,
  decodeReviewBody,
  decodeSubjectAccessReviewBody,
  MAX_REQUEST_BODY_BYTES,
  parseReview,
  parseSubjectAccessReview,
  type ParseOptions,
} from '../../../src/kube/index.js'

const SAR: ParseOptions = { kind: 'SubjectAccessReview' }
const spec = { user: 'u', resourceAttributes: { verb: 'get', resource: 'pods' } }

function badRequest(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequest)
    const status = (err as BadRequest).toStatus()
    expect(status).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
    })
    return String(status.message)
  }
  throw new Error('expected BadRequest')
}

describe('kind and apiVersion', () => {
  it('a kind the scheme does not know', () => {
    expect(
      badRequest(() =>
        parseReview({ apiVersion: 'authorization.k8s.io/v1', kind: 'TokenReview', spec }, SAR),
      ),
    ).toBe(
      'TokenReview in version "v1" cannot be handled as a SubjectAccessReview: no kind "TokenReview" is registered for version "authorization.k8s.io/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    )
  })

  it('another review kind of the same group', () => {
    expect(
      badRequest(() =>
        parseReview({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec }, SAR),
      ),
    ).toBe(
      'LocalSubjectAccessReview in version "v1" cannot be handled as a SubjectAccessReview: converting (v1.LocalSubjectAccessReview) to (authorization.SubjectAccessReview): unknown conversion',
    )
  })

  it('unknown versions and groups', () => {
    expect(
      badRequest(() =>
        parseReview({ apiVersion: 'authorization.k8s.io/v2', kind: 'SubjectAccessReview', spec }, SAR),
      ),
    ).toBe(
      'SubjectAccessReview in version "v2" cannot be handled as a SubjectAccessReview: no kind "SubjectAccessReview" is registered for version "authorization.k8s.io/v2" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    )
    expect(
      badRequest(() => parseReview({ apiVersion: 'v1', kind: 'SubjectAccessReview', spec }, SAR)),
    ).toContain('no kind "SubjectAccessReview" is registered for version "v1"')
  })

  it('the webhook needs kind and apiVersion in the body', () => {
    expect(badRequest(() => parseReview({ apiVersion: 'authorization.k8s.io/v1', spec }, SAR))).toBe(
      `the object provided is unrecognized (must be of type SubjectAccessReview): Object 'Kind' is missing in '{"apiVersion":"authorization.k8s.io/v1","spec":{"user":"u","resourceAttributes":{"verb":"get","resource":"pods"}}}' ({"apiVersion":"authorization.k ...)`,
    )
    expect(badRequest(() => parseReview({ kind: 'SubjectAccessReview', spec }, SAR))).toMatch(
      /^SubjectAccessReview in version "" cannot be handled as a SubjectAccessReview: Object 'apiVersion' is missing in '\{/,
    )
  })

  it('API server endpoints fill both from the URL and refuse another version', () => {
    const url: ParseOptions = { kind: 'SubjectAccessReview', url: { version: 'v1' } }
    expect(parseReview({ spec }, url)).toMatchObject({ kind: 'SubjectAccessReview', version: 'v1' })
    expect(
      badRequest(() =>
        parseReview({ apiVersion: 'authorization.k8s.io/v1beta1', kind: 'SubjectAccessReview', spec }, url),
      ),
    ).toBe(
      'the API version in the data (authorization.k8s.io/v1beta1) does not match the expected API version (authorization.k8s.io/v1)',
    )
  })

  it('non-object JSON values', () => {
    for (const [value, type] of [
      [[1, 2], 'array'],
      ['text', 'string'],
      [42, 'number'],
      [true, 'bool'],
    ] as const)
      expect(badRequest(() => parseReview(value, SAR))).toMatch(
        new RegExp(
          `^the object provided is unrecognized \\(must be of type SubjectAccessReview\\): couldn't get version/kind; json parse error: json: cannot unmarshal ${type} into Go value of type struct \\{ APIVersion string`,
        ),
      )
    // null: no kind, and on the webhook no defaults either.
    expect(badRequest(() => parseReview(null, SAR))).toBe(
      "the object provided is unrecognized (must be of type SubjectAccessReview): Object 'Kind' is missing in 'null' (6e756c6c)",
    )
    expect(badRequest(() => parseReview({ apiVersion: 7, kind: 'SubjectAccessReview' }, SAR))).toContain(
      'json: cannot unmarshal number into Go struct field .apiVersion of type string',
    )
  })
})

describe('field types (Go encoding/json)', () => {
  const sar = (s: unknown, version = 'v1') => ({
    apiVersion: `authorization.k8s.io/${version}`,
    kind: 'SubjectAccessReview',
    spec: s,
  })
  it('names the struct field and the Go type', () => {
    expect(badRequest(() => parseReview(sar({ user: 7, resourceAttributes: {} }), SAR))).toBe(
      'SubjectAccessReview in version "v1" cannot be handled as a SubjectAccessReview: json: cannot unmarshal number into Go struct field SubjectAccessReviewSpec.spec.user of type string',
    )
    expect(badRequest(() => parseReview(sar({ user: 'u', resourceAttributes: 'pods' }), SAR))).toContain(
      'json: cannot unmarshal string into Go struct field SubjectAccessReviewSpec.spec.resourceAttributes of type v1.ResourceAttributes',
    )
    expect(
      badRequest(() => parseReview(sar({ user: 'u', resourceAttributes: { verb: ['get'] } }), SAR)),
    ).toContain('Go struct field ResourceAttributes.spec.resourceAttributes.verb of type string')
    expect(
      badRequest(() => parseReview(sar({ user: 'u', group: 'g', resourceAttributes: {} }, 'v1beta1'), SAR)),
    ).toContain(
      'json: cannot unmarshal string into Go struct field SubjectAccessReviewSpec.spec.group of type []string',
    )
    expect(
      badRequest(() => parseReview(sar({ user: 'u', extra: { oid: 'x' }, resourceAttributes: {} }), SAR)),
    ).toContain('of type v1.ExtraValue')
    expect(badRequest(() => parseReview({ ...sar(spec), metadata: { generation: 1.5 } }, SAR))).toContain(
      'json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.metadata.generation of type int64',
    )
    expect(
      badRequest(() => parseReview({ ...sar(spec), metadata: { creationTimestamp: 'yesterday' } }, SAR)),
    ).toContain('parsing time "yesterday"')
    expect(badRequest(() => parseReview({ ...sar(spec), status: { allowed: 'yes' } }, SAR))).toContain(
      'Go struct field SubjectAccessReviewStatus.status.allowed of type bool',
    )
  })

  it('null is a zero value, unknown keys are warnings, and `__proto__` stays a key', () => {
    const review = parseSubjectAccessReview(
      JSON.parse(
        '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":null,"spec":{"user":"u","User":"x","groups":null,"resourceAttributes":{"verb":"get","colour":"red"},"extra":{"__proto__":["p"],"oid":null}},"status":{"allowed":true}}',
      ),
    )
    expect(review.warnings).toEqual([
      'unknown field "spec.User"',
      'unknown field "spec.resourceAttributes.colour"',
    ])
    expect(review.spec.groups).toBeUndefined()
    expect(Object.keys(review.spec.extra!)).toEqual(['__proto__', 'oid'])
    expect(Object.getPrototypeOf(review.spec.extra)).toBe(Object.prototype)
  })
})

describe('namespaces and the rules review', () => {
  it('an object namespace that differs from the URL namespace', () => {
    expect(
      badRequest(() =>
        parseReview(
          { metadata: { namespace: 'prod' }, spec: { user: 'u', resourceAttributes: { namespace: 'prod' } } },
          { kind: 'LocalSubjectAccessReview', url: { version: 'v1', namespace: 'dev' } },
        ),
      ),
    ).toBe('the namespace of the provided object does not match the namespace sent on the request')
    // Cluster-scoped kinds drop a namespace in metadata instead.
    expect(
      parseReview(
        { metadata: { namespace: 'x' }, spec },
        { kind: 'SubjectAccessReview', url: { version: 'v1' } },
      ).metadata,
    ).toEqual({})
  })

  it('SelfSubjectRulesReview needs a namespace', () => {
    const opts: ParseOptions = { kind: 'SelfSubjectRulesReview', url: { version: 'v1' } }
    expect(badRequest(() => parseReview({ spec: {} }, opts))).toBe('no namespace on request')
    expect(parseReview({ spec: { namespace: 'dev' } }, opts)).toMatchObject({
      kind: 'SelfSubjectRulesReview',
      spec: { namespace: 'dev' },
    })
  })
})

describe('raw bodies', () => {
  it('refuses more than 3 MiB with 413, as kube-apiserver does', () => {
    const big = JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'x'.repeat(MAX_REQUEST_BODY_BYTES) },
    })
    try {
      decodeReviewBody(big, SAR)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(RequestEntityTooLarge)
      expect((err as RequestEntityTooLarge).toStatus()).toMatchObject({
        code: 413,
        reason: 'RequestEntityTooLarge',
        message: 'Request entity too large: limit is 3145728',
      })
    }
  })

  it('turns unparsable text into a 400 with Go’s wording and a hex summary', () => {
    expect(badRequest(() => decodeReviewBody('', SAR))).toBe(
      "the object provided is unrecognized (must be of type SubjectAccessReview): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)",
    )
    expect(badRequest(() => decodeReviewBody(Buffer.from('hello'), SAR))).toBe(
      "the object provided is unrecognized (must be of type SubjectAccessReview): couldn't get version/kind; json parse error: invalid character 'h' looking for beginning of value (68656c6c6f)",
    )
    expect(badRequest(() => decodeReviewBody('{"kind":', SAR))).toContain(
      'unexpected end of JSON input ({"kind":)',
    )
  })

  it('decodes a real v1beta1 webhook body', () => {
    const text =
      '{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1beta1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"dev","verb":"list","version":"v1","resource":"pods"},"user":"jane@contoso.com","group":["3f6c1e0d-8a2b-4c7e-9d2f-1b5a7e9c4d30","system:authenticated"],"extra":{"oid":["a1b2c3d4-5e6f-4a8b-9c0d-e1f2a3b4c5d6"]},"uid":"42"},"status":{"allowed":false}}'
    expect(decodeSubjectAccessReviewBody(text)).toEqual({
      kind: 'SubjectAccessReview',
      version: 'v1beta1',
      metadata: {},
      warnings: [],
      spec: {
        resourceAttributes: { namespace: 'dev', verb: 'list', version: 'v1', resource: 'pods' },
        user: 'jane@contoso.com',
        groups: ['3f6c1e0d-8a2b-4c7e-9d2f-1b5a7e9c4d30', 'system:authenticated'],
        extra: { oid: ['a1b2c3d4-5e6f-4a8b-9c0d-e1f2a3b4c5d6'] },
        uid: '42',
      },
    })
  })
})
