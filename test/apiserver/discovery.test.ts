import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request as httpsRequest } from 'node:https'
import { loadKubeProtos } from '../../src/kube/index.js'
import { call, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let admin: { certPem: string; keyPem: string }
const get = (path: string, accept?: string) =>
  call(server, 'GET', path, { cert: admin, ...(accept && { headers: { accept } }) })

const AGG =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'

function callRaw(path: string, accept: string): Promise<{ contentType: string; body: Buffer }> {
  const u = new URL(path, server.url)
  return new Promise((resolve, reject) => {
    httpsRequest(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        ca: server.pki.ca.certPem,
        cert: admin.certPem,
        key: admin.keyPem,
        headers: { accept },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ contentType: String(res.headers['content-type']), body: Buffer.concat(chunks) }),
        )
      },
    )
      .on('error', reject)
      .end()
  })
}

beforeAll(async () => {
  server = await startApiServer({ version: '1.31.9' })
  admin = await server.pki.clientCert('apiserver-discovery-admin', { cn: 'admin', o: ['system:masters'] })
})
afterAll(() => server.close())

describe('version and health', () => {
  it('reports the configured version (the kubectl dispatcher picks its build from the minor)', async () => {
    const r = await get('/version?timeout=32s')
    expect(r.json).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.9', platform: 'linux/amd64' })
  })
  it.each(['/healthz', '/livez', '/readyz', '/readyz/ping'])('answers ok at %s', async (path) => {
    const r = await get(path)
    expect([r.status, r.text]).toEqual([200, 'ok'])
  })
})

describe('aggregated discovery', () => {
  it('serves apidiscovery v2 at /api with the content type that names it', async () => {
    const r = await get('/api', AGG)
    expect(r.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    )
    expect(r.json).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' })
    const core = r.json.items[0]
    expect(core.metadata).toEqual({ creationTimestamp: null })
    const pods = core.versions[0].resources.find((x: any) => x.resource === 'pods')
    expect(pods).toEqual({
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
      subresources: [
        { subresource: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
        {
          subresource: 'status',
          responseKind: { group: '', version: 'v1', kind: 'Pod' },
          verbs: ['get', 'patch', 'update'],
        },
      ],
    })
  })

  it('answers v2beta1 when only that is accepted (kubectl 1.29) and legacy JSON otherwise', async () => {
    const beta = await get(
      '/apis',
      'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
    )
    expect(beta.json.apiVersion).toBe('apidiscovery.k8s.io/v2beta1')
    expect(beta.json.items.map((i: any) => i.metadata.name)).toEqual([
      'apps',
      'rbac.authorization.k8s.io',
      'authentication.k8s.io',
      'authorization.k8s.io',
    ])
    const legacy = await get('/apis', 'application/json')
    expect(legacy.json.kind).toBe('APIGroupList')
    expect(legacy.json.groups[0]).toEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    })
    const versions = await get('/api')
    expect(versions.json).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${server.port}` }],
    })
  })

  it('serves the legacy APIResourceList that `kubectl auth can-i` reads', async () => {
    const core = await get('/api/v1')
    expect(core.json.kind).toBe('APIResourceList')
    expect(core.json.apiVersion).toBeUndefined()
    expect(core.json.groupVersion).toBe('v1')
    expect(core.json.resources.find((r: any) => r.name === 'namespaces')).toMatchObject({
      namespaced: false,
      kind: 'Namespace',
      shortNames: ['ns'],
    })
    expect(core.json.resources.find((r: any) => r.name === 'pods/status')).toMatchObject({
      kind: 'Pod',
      verbs: ['get', 'patch', 'update'],
    })
    const rbac = await get('/apis/rbac.authorization.k8s.io/v1')
    expect(rbac.json).toMatchObject({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'rbac.authorization.k8s.io/v1',
    })
  })
})

describe('OpenAPI', () => {
  it('indexes the group-version documents with hashes', async () => {
    const r = await get('/openapi/v3')
    expect(Object.keys(r.json.paths)).toEqual([
      'api/v1',
      'apis/apps/v1',
      'apis/rbac.authorization.k8s.io/v1',
      'apis/authentication.k8s.io/v1',
      'apis/authorization.k8s.io/v1',
    ])
    expect(r.json.paths['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/)
  })

  it('describes PATCH with operation-level fieldValidation and the kind (what kubectl apply checks)', async () => {
    const index = (await get('/openapi/v3')).json
    const doc = await get(index.paths['api/v1'].serverRelativeURL, 'application/json')
    expect(doc.headers['cache-control']).toBe('public, immutable')
    const patch = doc.json.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'ConfigMap', version: 'v1' })
    expect(patch['x-kubernetes-action']).toBe('patch')
    expect(patch.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager']),
    )
  })

  it('describes full schemas with the merge extensions kubectl computes patches from', async () => {
    const doc = (await get('/openapi/v3/api/v1')).json
    const schemas = doc.components.schemas
    expect(Object.keys(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties)).toEqual(
      expect.arrayContaining([
        'name',
        'namespace',
        'labels',
        'annotations',
        'ownerReferences',
        'finalizers',
        'managedFields',
      ]),
    )
    const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers
    expect(containers).toMatchObject({
      type: 'array',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    })
    expect(containers.items).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }],
      default: {},
    })
    expect(schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind']).toEqual([
      { group: '', kind: 'Pod', version: 'v1' },
    ])
    expect(schemas['io.k8s.api.core.v1.ConfigMap'].properties.data).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
    })
    const apps = (await get('/openapi/v3/apis/apps/v1')).json
    expect(
      apps.components.schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy[
        'x-kubernetes-patch-strategy'
      ],
    ).toBe('retainKeys')
  })

  it('serves /openapi/v2 as JSON, and as gnostic protobuf for kubectl ≤ 1.28', async () => {
    const json = await get('/openapi/v2', 'application/json')
    expect(json.json.swagger).toBe('2.0')
    expect(json.json.definitions['io.k8s.api.core.v1.Pod'].properties.spec).toEqual({
      $ref: '#/definitions/io.k8s.api.core.v1.PodSpec',
    })
    const pb = await callRaw('/openapi/v2', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf')
    expect(pb.contentType).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf')
    const root = loadKubeProtos()
    const Document = root.lookupType('openapi.v2.Document')
    const doc = Document.toObject(Document.decode(pb.body)) as any
    expect(doc.swagger).toBe('2.0')
    const podSpec = doc.definitions.additional_properties.find(
      (d: any) => d.name === 'io.k8s.api.core.v1.PodSpec',
    ).value
    const containers = podSpec.properties.additional_properties.find(
      (p: any) => p.name === 'containers',
    ).value
    expect(containers.type.value).toEqual(['array'])
    expect(containers.items.schema[0]._ref).toBe('#/definitions/io.k8s.api.core.v1.Container')
    expect(
      Object.fromEntries(containers.vendor_extension.map((e: any) => [e.name, e.value.yaml])),
    ).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name\n',
      'x-kubernetes-patch-strategy': 'merge\n',
    })
    const patch = doc.paths.path.find(
      (p: any) => p.name === '/api/v1/namespaces/{namespace}/configmaps/{name}',
    ).value.patch
    expect(
      patch.parameters
        .map((p: any) => p.parameter?.non_body_parameter?.query_parameter_sub_schema?.name)
        .filter(Boolean),
    ).toContain('fieldValidation')
  })
})

describe('tables', () => {
  it("answers a Table with kubectl's columns for pods", async () => {
    await call(server, 'POST', '/api/v1/namespaces/default/pods', {
      cert: admin,
      body: JSON.stringify({
        metadata: { name: 'tbl' },
        spec: {
          containers: [
            { name: 'a', image: 'nginx' },
            { name: 'b', image: 'busybox' },
          ],
        },
      }),
      headers: { 'content-type': 'application/json' },
    })
    const r = await get(
      '/api/v1/namespaces/default/pods?limit=500',
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
    )
    expect(r.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io')
    expect(r.json.kind).toBe('Table')
    expect(r.json.columnDefinitions.map((c: any) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ])
    const row = r.json.rows.find((x: any) => x.cells[0] === 'tbl')
    expect(row.cells.slice(0, 4)).toEqual(['tbl', '2/2', 'Running', '0'])
    expect(row.cells[4]).toMatch(/^\d+s$/)
    expect(row.object.kind).toBe('PartialObjectMetadata')
  })

  it.each([
    ['/api/v1/namespaces', ['Name', 'Status', 'Age']],
    ['/api/v1/namespaces/default/configmaps', ['Name', 'Data', 'Age']],
    ['/api/v1/namespaces/default/secrets', ['Name', 'Type', 'Data', 'Age']],
    ['/api/v1/namespaces/default/serviceaccounts', ['Name', 'Secrets', 'Age']],
    [
      '/api/v1/namespaces/default/services',
      ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
    ],
    [
      '/apis/apps/v1/namespaces/default/deployments',
      ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
    ],
    ['/apis/rbac.authorization.k8s.io/v1/clusterroles', ['Name', 'Created At']],
    [
      '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings',
      ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts'],
    ],
  ])('columns of %s', async (path, names) => {
    const r = await get(path, 'application/json;as=Table;v=v1;g=meta.k8s.io')
    expect(r.json.columnDefinitions.map((c: any) => c.name)).toEqual(names)
  })

  it('prints the kubernetes service like kubectl get svc', async () => {
    const r = await get('/api/v1/namespaces/default/services', 'application/json;as=Table;v=v1;g=meta.k8s.io')
    expect(r.json.rows[0].cells.slice(0, 5)).toEqual([
      'kubernetes',
      'ClusterIP',
      '10.0.0.1',
      '<none>',
      '443/TCP',
    ])
  })
})
