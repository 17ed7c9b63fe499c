/**
 * conformCustom, the structural-schema step of custom resources: what it keeps, prunes and refuses,
 * and properties over random values — never a throw, a pruned result that conforms again unchanged
 * with nothing unknown, and every kept value of the declared type.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JsonSchema } from '../../src/apiserver/crd/definition.js'
import { conformCustom } from '../../src/apiserver/crd/structural.js'
import { loadKubeProtos, createSchemaModel } from '../../src/kube/index.js'
import { aadPodIdentityCrds } from '../../src/pod-identity/crds.js'

const model = createSchemaModel(loadKubeProtos())
const crds = aadPodIdentityCrds()
const schemaOf = (kind: string) => crds.find((c) => c.kind === kind)!.schema

describe('conformCustom', () => {
  it('prunes undeclared fields (reported with their path), keeps embedded resources and preserved maps', () => {
    const r = conformCustom(model, schemaOf('AzureAssignedIdentity'), {
      apiVersion: 'aadpodidentity.k8s.io/v1',
      kind: 'AzureAssignedIdentity',
      metadata: { name: 'a', labels: { x: 'y' }, bogus: 1 },
      spec: {
        pod: 'p',
        azureIdentityRef: {
          apiVersion: 'v1',
          kind: 'AzureIdentity',
          metadata: { name: 'i' },
          spec: { clientID: 'c', nope: 1 },
        },
        extra: true,
      },
      top: 1,
    })
    expect(r.unknownFields.sort()).toEqual([
      'metadata.bogus',
      'spec.azureIdentityRef.spec.nope',
      'spec.extra',
      'top',
    ])
    expect(r.errors).toEqual([])
    expect(r.value).toEqual({
      apiVersion: 'aadpodidentity.k8s.io/v1',
      kind: 'AzureAssignedIdentity',
      metadata: { name: 'a', labels: { x: 'y' } },
      spec: {
        pod: 'p',
        azureIdentityRef: {
          apiVersion: 'v1',
          kind: 'AzureIdentity',
          metadata: { name: 'i' },
          spec: { clientID: 'c' },
        },
      },
    })
    const exception = conformCustom(model, schemaOf('AzurePodIdentityException'), {
      spec: { podLabels: { app: 'probe', n: 1 } },
    })
    expect(exception.errors.map((e) => e.message)).toEqual([
      'spec.podLabels.n: Invalid value: "integer": spec.podLabels.n in body must be of type string: "integer"',
    ])
  })

  it('refuses metadata that is not an object as the schema would, and undecodable fields as Go would', () => {
    expect(
      conformCustom(model, schemaOf('AzureIdentity'), { metadata: 5 }).errors.map((e) => e.message),
    ).toEqual(['metadata: Invalid value: "integer": metadata in body must be of type object: "integer"'])
    const r = conformCustom(model, schemaOf('AzureIdentity'), { metadata: { name: 5 } })
    expect(r.typeError).toBe(
      'json: cannot unmarshal number 5 into Go struct field ObjectMeta.metadata.name of type string',
    )
  })

  const json = fc.jsonValue({ maxDepth: 5 })
  const keys = ['spec', 'status', 'metadata', 'apiVersion', 'kind', 'other']
  const body = fc.dictionary(fc.constantFrom(...keys), json)
  const specKeys = ['type', 'clientID', 'auxiliaryTenantIDs', 'clientPassword', 'replicas', 'resourceID', 'x']
  const withSpec = fc.record({ spec: fc.dictionary(fc.constantFrom(...specKeys), json) })

  function typed(s: JsonSchema, v: unknown): boolean {
    if (v === null) return s.nullable === true
    switch (s.type) {
      case 'string':
        return typeof v === 'string'
      case 'integer':
        return Number.isInteger(v)
      case 'number':
        return typeof v === 'number'
      case 'boolean':
        return typeof v === 'boolean'
      case 'array':
        return Array.isArray(v) && (!s.items || v.every((e) => typed(s.items!, e)))
      case 'object': {
        if (typeof v !== 'object' || Array.isArray(v)) return false
        return Object.entries(v as Record<string, unknown>).every(([k, x]) => {
          const c =
            s.properties?.[k] ??
            (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined)
          return c
            ? typed(c, x)
            : s['x-kubernetes-embedded-resource'] === true || s.additionalProperties === true
        })
      }
      default:
        return true
    }
  }

  it('never throws; without errors its output conforms again unchanged and is of the declared types', () => {
    for (const crd of crds)
      fc.assert(
        fc.property(fc.oneof(body, withSpec), (input) => {
          const r = conformCustom(model, crd.schema, input)
          if (r.errors.length || r.typeError) return
          const again = conformCustom(model, crd.schema, r.value)
          expect(again.unknownFields).toEqual([])
          expect(again.errors).toEqual([])
          expect(again.value).toEqual(r.value)
          const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = r.value
          expect(
            typed(
              {
                ...crd.schema,
                properties: { ...crd.schema.properties, metadata: {}, apiVersion: {}, kind: {} },
              },
              rest,
            ),
          ).toBe(true)
        }),
        { numRuns: 300 },
      )
  })
})
