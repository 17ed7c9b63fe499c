// Contract test: every review response the simulator renders in v1 validates against the official
// authorization.k8s.io/v1 OpenAPI document (test/fixtures/k8s-openapi/README.md has its commit and checksum).
// The component schemas are converted for ajv: $refs resolve inside the document, every object that
// lists its properties becomes closed (additionalProperties: false) so no invented field slips
// through, and metav1.Time admits null, because Go marshals a zero time as null on the wire
// (`"creationTimestamp": null`), which the OpenAPI text does not say.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parseReview, type ParsedAccessReview, type ParsedRulesReview } from '../../../src/kube/index.js'
import { toWireReview, toWireRulesReview, toWireSpec } from '../../../src/webhook/sar/render.js'

// The official document, vendored unchanged in test/fixtures/k8s-openapi (see its README for commit and checksum).
const DOC = new URL('../../fixtures/k8s-openapi/apis__authorization.k8s.io__v1_openapi.json', import.meta.url)
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time'
const P = 'io.k8s.api.authorization.v1.'

function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects)
  if (!node || typeof node !== 'object') return
  const o = node as Record<string, unknown>
  if (o.properties && o.additionalProperties === undefined) o.additionalProperties = false
  for (const v of Object.values(o)) closeObjects(v)
}

function loadValidators(): (name: string) => ValidateFunction {
  const doc = JSON.parse(readFileSync(DOC, 'utf8')) as { components: { schemas: Record<string, unknown> } }
  const schemas = structuredClone(doc.components.schemas)
  closeObjects(schemas)
  schemas[TIME] = { anyOf: [schemas[TIME], { type: 'null' }] }
  const ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
  ajv.addFormat('int64', true)
  ajv.addSchema({ $id: 'k8s-authz', components: { schemas } })
  return (name) => ajv.getSchema(`k8s-authz#/components/schemas/${P}${name}`)!
}

const schema = loadValidators()
const valid = (name: string, value: unknown) => {
  const v = schema(name)
  const ok = v(value)
  expect(ok, JSON.stringify(v.errors)).toBe(true)
}

const access = (kind: ParsedAccessReview['kind'], body: Record<string, unknown>, namespace?: string) =>
  parseReview(
    { apiVersion: 'authorization.k8s.io/v1', kind, ...body },
    {
      kind,
      url: { version: 'v1', ...(namespace && { namespace }) },
    },
  ) as ParsedAccessReview

const everyField = {
  metadata: { creationTimestamp: null },
  spec: {
    resourceAttributes: {
      namespace: 'dev',
      verb: 'list',
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      subresource: 'scale',
      name: 'web',
      fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }] },
      labelSelector: { rawSelector: 'app=web' },
    },
    user: 'jane@contoso.com',
    groups: ['3f6c1e0d-8a2b-4c7e-9d2f-1b5a7e9c4d30', 'system:authenticated'],
    extra: { oid: ['a1b2c3d4-5e6f-4a8b-9c0d-e1f2a3b4c5d6'] },
    uid: '42',
  },
}

const decisions = [
  { allowed: true, reason: 'Access allowed by Azure RBAC' },
  {
    allowed: false,
    denied: true,
    reason: 'User does not have access to the resource in Azure. Update role assignment to allow access.',
  },
  { allowed: false },
  { allowed: false, reason: 'r', evaluationError: 'e' },
]

describe('responses match the authorization.k8s.io/v1 OpenAPI schemas', () => {
  it('SubjectAccessReview (every spec field, every kind of decision)', () => {
    const review = access('SubjectAccessReview', everyField)
    for (const d of decisions) valid('SubjectAccessReview', toWireReview(review, d))
    valid(
      'SubjectAccessReview',
      toWireReview(
        access('SubjectAccessReview', {
          spec: { groups: ['g'], nonResourceAttributes: { path: '/metrics', verb: 'get' } },
        }),
        decisions[2]!,
      ),
    )
  })

  it('LocalSubjectAccessReview', () => {
    const review = access(
      'LocalSubjectAccessReview',
      { spec: { user: 'u', resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'pods' } } },
      'dev',
    )
    const wire = toWireReview(review, decisions[0]!)
    expect(wire.metadata).toEqual({ namespace: 'dev', creationTimestamp: null })
    valid('LocalSubjectAccessReview', wire)
  })

  it('SelfSubjectAccessReview', () => {
    const review = access('SelfSubjectAccessReview', {
      spec: { resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'dev' } },
    })
    valid('SelfSubjectAccessReview', toWireReview(review, decisions[1]!))
  })

  it('SelfSubjectRulesReview, incomplete and complete', () => {
    const review = parseReview(
      { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'dev' } },
      { kind: 'SelfSubjectRulesReview' },
    ) as ParsedRulesReview
    valid(
      'SelfSubjectRulesReview',
      toWireRulesReview(review, {
        resourceRules: [],
        nonResourceRules: [],
        incomplete: true,
        evaluationError: 'webhook authorizer does not support user rule resolution',
      }),
    )
    valid(
      'SelfSubjectRulesReview',
      toWireRulesReview(review, {
        resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
        incomplete: false,
      }),
    )
  })

  it('a v1beta1 answer differs from v1 only in `group`', () => {
    const review = access('SubjectAccessReview', everyField)
    const beta = toWireReview(review, decisions[0]!, 'v1beta1') as unknown as Record<string, any>
    expect(beta.apiVersion).toBe('authorization.k8s.io/v1beta1')
    expect(beta.spec.group).toEqual(everyField.spec.groups)
    expect(beta.spec.groups).toBeUndefined()
    const { group, ...rest } = beta.spec
    valid('SubjectAccessReview', {
      ...beta,
      apiVersion: 'authorization.k8s.io/v1',
      spec: { ...rest, groups: group },
    })
  })

  it('the converted schema does reject invented fields (the check has teeth)', () => {
    const v = schema('SubjectAccessReview')
    const good = toWireReview(access('SubjectAccessReview', everyField), decisions[0]!)
    expect(v({ ...good, status: { ...good.status, verdict: 'x' } })).toBe(false)
    expect(v({ ...good, spec: { ...toWireSpec(good.spec as never, 'v1beta1'), group: ['x'] } })).toBe(false)
    expect(v({ ...good, status: { reason: 'no allowed' } })).toBe(false)
  })
})
