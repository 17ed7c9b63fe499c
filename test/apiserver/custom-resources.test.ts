/**
 * Custom resources over HTTP: the wire shapes apiextensions-apiserver gives (Status for DELETE,
 * 415 for protobuf bodies and strategic merge patches, 422 schema errors with FieldValueTypeInvalid
 * causes, pruning with warnings), the published OpenAPI, and random bodies that never get a 5xx or
 * store anything when refused.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aadPodIdentityCrds } from '../../src/pod-identity/crds.js'
import { call, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let admin: { certPem: string; keyPem: string }
const IDS = '/apis/aadpodidentity.k8s.io/v1/namespaces/default/azureidentities'

beforeAll(async () => {
  server = await startApiServer({ customResources: aadPodIdentityCrds(), maxBodyBytes: 64 * 1024 })
  admin = await server.pki.clientCert('crd-http-admin', { cn: 'admin', o: ['system:masters'] })
})
afterAll(() => server.close())

const send = (method: string, path: string, body?: unknown, type = 'application/json') =>
  call(server, method, path, {
    cert: admin,
    ...(body !== undefined && {
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      headers: { 'content-type': type },
    }),
  })
const identity = (name: string, spec: unknown) => ({
  apiVersion: 'aadpodidentity.k8s.io/v1',
  kind: 'AzureIdentity',
  metadata: { name },
  spec,
})
const stored = () =>
  JSON.stringify(
    server.api.store.list(server.api.registry.byResource('aadpodidentity.k8s.io', 'azureidentities')!),
  )

describe('custom resources over HTTP', () => {
  it('creates with generation 1, prunes unknown fields with a warning, deletes with a Success Status', async () => {
    const r = await send('POST', IDS, identity('a', { type: 0, clientID: 'c', extra: 1 }))
    expect(r.status).toBe(201)
    expect(r.headers.warning).toBe('299 - "unknown field \\"spec.extra\\""')
    expect(r.json).toMatchObject({
      apiVersion: 'aadpodidentity.k8s.io/v1',
      kind: 'AzureIdentity',
      metadata: { name: 'a', namespace: 'default', generation: 1 },
      spec: { type: 0, clientID: 'c' },
    })
    expect(r.json.spec.extra).toBeUndefined()
    const del = await send('DELETE', `${IDS}/a`)
    expect(del.status).toBe(200)
    expect(del.json).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Success',
      details: { name: 'a', group: 'aadpodidentity.k8s.io', kind: 'azureidentities' },
    })
  })

  it('keeps nulls only where the schema says nullable', async () => {
    const r = await send('POST', IDS, identity('n', { type: 0, auxiliaryTenantIDs: null, clientID: null }))
    expect(r.status).toBe(201)
    expect(r.json.spec).toEqual({ auxiliaryTenantIDs: null, type: 0 })
  })

  it('answers type errors with 422 and FieldValueTypeInvalid causes', async () => {
    const r = await send('POST', IDS, identity('t', { type: 1.5, auxiliaryTenantIDs: ['x', 2] }))
    expect(r.status).toBe(422)
    expect(r.json).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      code: 422,
      details: {
        name: 't',
        group: 'aadpodidentity.k8s.io',
        kind: 'AzureIdentity',
        causes: [
          {
            reason: 'FieldValueTypeInvalid',
            field: 'spec.auxiliaryTenantIDs[1]',
            message:
              'Invalid value: "integer": spec.auxiliaryTenantIDs[1] in body must be of type string: "integer"',
          },
          {
            reason: 'FieldValueTypeInvalid',
            field: 'spec.type',
            message: 'Invalid value: "number": spec.type in body must be of type integer: "number"',
          },
        ],
      },
    })
  })

  it('refuses protobuf bodies and strategic merge patches with 415', async () => {
    const pb = await send(
      'POST',
      IDS,
      Buffer.from([0x6b, 0x38, 0x73, 0x00]),
      'application/vnd.kubernetes.protobuf',
    )
    expect(pb.status).toBe(415)
    expect(pb.json.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    )
    await send('POST', IDS, identity('p', { type: 0 }))
    const smp = await send(
      'PATCH',
      `${IDS}/p`,
      { spec: { type: 1 } },
      'application/strategic-merge-patch+json',
    )
    expect(smp.status).toBe(415)
    const merge = await send('PATCH', `${IDS}/p`, { spec: { clientID: 'x' } }, 'application/merge-patch+json')
    expect(merge.status).toBe(200)
    expect(merge.json.spec).toEqual({ type: 0, clientID: 'x' })
    expect(merge.json.metadata.generation).toBe(2)
  })

  it('publishes the schemas in OpenAPI v3 and v2 with their group-version-kind', async () => {
    const v3 = await send('GET', '/openapi/v3/apis/aadpodidentity.k8s.io/v1')
    const schemas = v3.json.components.schemas
    const id = schemas['io.k8s.aadpodidentity.v1.AzureIdentity']
    expect(id['x-kubernetes-group-version-kind']).toEqual([
      { group: 'aadpodidentity.k8s.io', kind: 'AzureIdentity', version: 'v1' },
    ])
    expect(id.properties.metadata.allOf).toEqual([
      { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
    ])
    expect(id.properties.spec.properties.auxiliaryTenantIDs.nullable).toBe(true)
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined()
    expect(schemas['io.k8s.aadpodidentity.v1.AzureIdentityList'].properties.items.items).toEqual({
      $ref: '#/components/schemas/io.k8s.aadpodidentity.v1.AzureIdentity',
    })
    const v2 = await send('GET', '/openapi/v2')
    const v2id = v2.json.definitions['io.k8s.aadpodidentity.v1.AzureIdentity']
    expect(v2id.properties.spec.properties.auxiliaryTenantIDs).toEqual({
      description: 'Service principal auxiliary tenant ids',
      items: { type: 'string' },
    })
    const patch =
      v2.json.paths[`/apis/aadpodidentity.k8s.io/v1/namespaces/{namespace}/azureidentities/{name}`].patch
    expect(patch.consumes).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ])
  })

  it('never answers random bodies with a 5xx, and stores nothing it refused', async () => {
    const json = fc.jsonValue({ maxDepth: 4 })
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { type: json, clientID: json, auxiliaryTenantIDs: json, clientPassword: json, other: json },
          { requiredKeys: [] },
        ),
        fc.oneof(json, fc.constant(undefined)),
        async (spec, metadata) => {
          const before = stored()
          const body = { ...identity('r', spec), ...(metadata !== undefined && { metadata }) }
          const r = await send('POST', IDS, body)
          expect(r.status).toBeLessThan(500)
          if (r.status === 201) await send('DELETE', `${IDS}/${r.json.metadata.name}`)
          else expect(stored()).toBe(before)
        },
      ),
      { numRuns: 150 },
    )
  })
})
