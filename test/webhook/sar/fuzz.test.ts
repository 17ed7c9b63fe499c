// Bad input never escapes as anything but a typed Kubernetes error (400/413/422), and a review that
// does parse is never allowed by Azure RBAC without an assignment (discovery GETs aside).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { authorizeWithAzureRbac } from '../../../src/azure-rbac/authorize.js'
import { BUILTIN_ROLES } from '../../../src/azure-rbac/builtin-roles.js'
import { isDiscoveryRequest } from '../../../src/azure-rbac/sar-mapping.js'
import { createAzureRbac } from '../../../src/azure-rbac/store.js'
import {
  KubeStatusError,
  decodeReviewBody,
  parseReview,
  parseSubjectAccessReview,
  type ParseOptions,
  REVIEW_KINDS,
} from '../../../src/kube/index.js'

const CLUSTER =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1'
const rbac = createAzureRbac(
  { roleDefinitions: BUILTIN_ROLES },
  { directory: { tenantId: 't', findPrincipal: () => undefined }, newGuid: () => '' },
)

/** Runs `fn`; anything thrown must be a review Status error with a 4xx code. */
function typedOrValue<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch (err) {
    expect(err).toBeInstanceOf(KubeStatusError)
    expect([400, 413, 422]).toContain((err as KubeStatusError).status)
    expect((err as KubeStatusError).toStatus().code).toBe((err as KubeStatusError).status)
    return undefined
  }
}

function neverAllowedWithoutAssignment(body: unknown): void {
  const review = typedOrValue(() => parseSubjectAccessReview(body))
  if (!review) return
  const result = authorizeWithAzureRbac(review.spec, { rbac, clusterResourceId: CLUSTER })
  if (result.allowed) expect(result.explanation.step).toBe('discovery')
  if (result.allowed) expect(isDiscoveryRequest(review.spec)).toBe(true)
}

const validBody = {
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SubjectAccessReview',
  metadata: { creationTimestamp: null },
  spec: {
    resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'pods' },
    user: 'u@x',
    groups: ['aaaaaaaa-0000-4000-8000-000000000002'],
    extra: { oid: ['aaaaaaaa-0000-4000-8000-000000000001'] },
  },
}

/** Replaces the value at a random path of a valid body with random JSON (structure-aware fuzzing). */
const mutated = fc
  .tuple(
    fc.constantFrom(
      [],
      ['apiVersion'],
      ['kind'],
      ['metadata'],
      ['spec'],
      ['spec', 'resourceAttributes'],
      ['spec', 'resourceAttributes', 'verb'],
      ['spec', 'resourceAttributes', 'fieldSelector'],
      ['spec', 'nonResourceAttributes'],
      ['spec', 'user'],
      ['spec', 'groups'],
      ['spec', 'group'],
      ['spec', 'extra'],
      ['spec', 'extra', 'oid'],
      ['status'],
    ),
    fc.jsonValue({ maxDepth: 4 }),
  )
  .map(([path, value]) => {
    const body = structuredClone(validBody) as Record<string, any>
    if (path.length === 0) return value
    let at = body
    for (const key of path.slice(0, -1)) at = at[key] ?? (at[key] = {})
    at[path.at(-1)!] = value
    return body
  })

describe('fuzzing the review parser', () => {
  it('random JSON values: typed errors or a parsed review, never an allow without an assignment', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), neverAllowedWithoutAssignment), { numRuns: 2000 })
  })

  it('valid bodies with one part replaced by random JSON', () => {
    fc.assert(fc.property(mutated, neverAllowedWithoutAssignment), { numRuns: 3000 })
  })

  it('every kind and endpoint: random bodies only ever give typed errors', () => {
    const opts = fc.record({
      kind: fc.constantFrom(...REVIEW_KINDS),
      url: fc.option(
        fc.record({
          version: fc.constantFrom('v1' as const, 'v1beta1' as const),
          namespace: fc.constantFrom('dev', ''),
        }),
        { nil: undefined },
      ),
    })
    fc.assert(
      fc.property(mutated, opts, (body, o) => {
        typedOrValue(() => parseReview(body, (o.url ? o : { kind: o.kind }) as ParseOptions))
      }),
      { numRuns: 2000 },
    )
  })

  it('random text and bytes as raw bodies', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.json(), fc.uint8Array({ maxLength: 200 })),
        (raw) => {
          typedOrValue(() => decodeReviewBody(raw, { kind: 'SubjectAccessReview' }))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('huge and deeply nested bodies', () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`
    typedOrValue(() => decodeReviewBody(deep, { kind: 'SubjectAccessReview' }))
    typedOrValue(() =>
      decodeReviewBody(
        `{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{"extra":${deep}}}`,
        { kind: 'SubjectAccessReview' },
      ),
    )
    typedOrValue(() => decodeReviewBody('['.repeat(1_000_000), { kind: 'SubjectAccessReview' }))
    const manyGroups = {
      ...validBody,
      spec: { ...validBody.spec, groups: Array.from({ length: 200_000 }, (_, i) => `g${i}`) },
    }
    neverAllowedWithoutAssignment(manyGroups)
    const longStrings = {
      ...validBody,
      spec: {
        ...validBody.spec,
        user: 'u'.repeat(5_000_000),
        resourceAttributes: {
          verb: '*',
          resource: `${'*a'.repeat(100_000)}`,
          namespace: 'n'.repeat(100_000),
        },
      },
    }
    neverAllowedWithoutAssignment(longStrings)
  })
})
