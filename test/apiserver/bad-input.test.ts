import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROTOBUF_MAGIC } from '../../src/kube/index.js'
import { call, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let admin: { certPem: string; keyPem: string }

beforeAll(async () => {
  server = await startApiServer({ maxBodyBytes: 64 * 1024 })
  admin = await server.pki.clientCert('apiserver-bad-input-admin', { cn: 'admin', o: ['system:masters'] })
})
afterAll(() => server.close())

const post = (
  path: string,
  body: string | Buffer,
  type = 'application/json',
  headers: Record<string, string> = {},
) => call(server, 'POST', path, { cert: admin, body, headers: { 'content-type': type, ...headers } })
const CM = '/api/v1/namespaces/default/configmaps'

/** Everything the store holds, to prove a rejected request wrote nothing. */
function snapshot(): string {
  const { store, registry } = server.api
  return JSON.stringify(registry.all.filter((d) => d.stored).map((d) => store.list(d)))
}

describe('malformed bodies', () => {
  it('answers malformed JSON with 400 BadRequest', async () => {
    const r = await post(CM, '{"metadata": {')
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 })
    expect(r.json.message).toMatch(/^couldn't get version\/kind; json parse error: /)
  })

  it('answers a JSON value that is not an object with 400', async () => {
    const r = await post(CM, '[1,2]')
    expect(r.status).toBe(400)
    expect(r.json.message).toMatch(/json: cannot unmarshal array into Go value of type struct/)
  })

  it('answers protobuf garbage and a body without the magic with 400', async () => {
    const garbage = await post(
      CM,
      Buffer.concat([PROTOBUF_MAGIC, Buffer.from([0x12, 0xff, 0x01, 0x02])]),
      'application/vnd.kubernetes.protobuf',
    )
    expect(garbage.status).toBe(400)
    const nomagic = await post(CM, Buffer.from('{"kind":"ConfigMap"}'), 'application/vnd.kubernetes.protobuf')
    expect(nomagic.json.message).toBe(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    )
  })

  it('answers another kind at this endpoint with 400', async () => {
    const r = await post(CM, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }))
    expect(r.status).toBe(400)
    const v = await post(
      CM,
      JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
    )
    expect(v.json.message).toBe(
      'the API version in the data (apps/v1) does not match the expected API version (v1)',
    )
  })

  it('answers wrong JSON types like encoding/json', async () => {
    const r = await post(
      '/api/v1/namespaces/default/pods',
      JSON.stringify({
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: '80' }] }] },
      }),
    )
    expect(r.status).toBe(400)
    expect(r.json.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    )
  })
})

describe('deeply nested bodies', () => {
  const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)
  it('answers bodies nested beyond the depth limit with 400, whatever the content type', async () => {
    for (const [method, type, body] of [
      ['POST', 'application/json', `{"metadata":{"name":"deep"},"data":${deep(5_000)}}`],
      ['PATCH', 'application/strategic-merge-patch+json', `{"metadata":{"labels":${deep(5_000)}}}`],
      ['PATCH', 'application/merge-patch+json', `{"data":${deep(5_000)}}`],
      ['PATCH', 'application/json-patch+json', `[{"op":"add","path":"/data/x","value":${deep(5_000)}}]`],
      ['POST', 'application/yaml', `metadata: {name: deep}\ndata: ${deep(2_000)}`],
    ] as const) {
      const path = method === 'POST' ? CM : `${CM}/kube-root-ca.crt`
      const r = await call(server, method, path, { cert: admin, body, headers: { 'content-type': type } })
      expect(r.status, `${method} ${type}`).toBe(400)
      expect(r.json.message, type).toMatch(/exceeded max depth$/)
    }
  })
  it('handles nesting just under the limit without failing', async () => {
    const r = await call(server, 'PATCH', `${CM}/kube-root-ca.crt`, {
      cert: admin,
      body: `{"metadata":{"annotations":${deep(990)}}}`,
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
    })
    expect(r.status).toBe(400)
    expect(r.json.message).toMatch(
      /cannot unmarshal object into Go struct field ObjectMeta\.metadata\.annotations of type string/,
    )
  })
})

describe('field validation', () => {
  const body = JSON.stringify({ metadata: { name: 'fv', bogus: 1 }, data: { a: 'b' }, extra: true })
  it('Strict: 400 with every unknown field', async () => {
    const r = await post(`${CM}?fieldValidation=Strict`, body)
    expect(r.status).toBe(400)
    expect(r.json.message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.bogus", unknown field "extra"',
    )
    expect((await call(server, 'GET', `${CM}/fv`, { cert: admin })).status).toBe(404)
  })
  it('Warn (the default): created, with Warning headers, unknown fields dropped', async () => {
    const r = await post(CM, body)
    expect(r.status).toBe(201)
    expect(r.headers.warning).toBe(
      '299 - "unknown field \\"metadata.bogus\\"", 299 - "unknown field \\"extra\\""',
    )
    expect(r.json.extra).toBeUndefined()
  })
  it('Ignore: created silently', async () => {
    const r = await post(`${CM}?fieldValidation=Ignore`, body.replace('"fv"', '"fv2"'))
    expect(r.status).toBe(201)
    expect(r.headers.warning).toBeUndefined()
  })
})

describe('size, media type, routes, methods', () => {
  it('answers an oversized body with 413 and writes nothing', async () => {
    const before = snapshot()
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(70 * 1024) } })
    const r = await post(CM, big)
    expect(r.status).toBe(413)
    expect(r.json).toMatchObject({
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: limit is 65536',
    })
    expect(snapshot()).toBe(before)
  })

  it('answers an unknown content type with 415', async () => {
    const r = await post(CM, 'name: x', 'text/plain')
    expect(r.status).toBe(415)
    expect(r.json.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    )
  })

  it('accepts YAML bodies', async () => {
    const r = await post(CM, 'metadata:\n  name: from-yaml\ndata:\n  k: v\n', 'application/yaml')
    expect(r.status).toBe(201)
  })

  it('answers unknown resources and groups with the router 404', async () => {
    for (const path of [
      '/api/v1/namespaces/default/widgets',
      '/apis/example.com/v1/things',
      '/api/v2/pods',
      '/apis/apps/v1beta1/deployments',
      '/nope',
    ]) {
      const r = await call(server, 'GET', path, { cert: admin })
      expect(r.status, path).toBe(404)
      expect(r.json, path).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
        details: {},
        code: 404,
      })
    }
  })

  it('answers a method the resource does not support with 405', async () => {
    expect((await call(server, 'DELETE', '/api/v1/namespaces', { cert: admin })).status).toBe(405)
    expect(
      (
        await call(server, 'POST', `${CM}/some-name`, {
          cert: admin,
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(405)
  })

  it('answers a Table request for a resource that cannot be a table with JSON, and an unacceptable Accept with 406', async () => {
    const r = await call(server, 'GET', CM, {
      cert: admin,
      headers: { accept: 'application/vnd.kubernetes.protobuf' },
    })
    expect(r.status).toBe(406)
  })
})

describe('properties', () => {
  const methods = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE')
  const segment = fc.oneof(
    fc.constantFrom(
      'api',
      'apis',
      'v1',
      'namespaces',
      'default',
      'pods',
      'configmaps',
      'apps',
      'deployments',
      'status',
      'watch',
      'rbac.authorization.k8s.io',
      'roles',
      'x',
    ),
    fc.stringMatching(/^[a-z0-9.%-]{1,8}$/),
  )
  const path = fc.array(segment, { minLength: 0, maxLength: 7 }).map((s) => `/${s.join('/')}`)
  const query = fc.constantFrom(
    '',
    '?watch=true&timeoutSeconds=1',
    '?labelSelector=a%20in%20(',
    '?fieldSelector=x',
    '?limit=abc',
    '?continue=zz',
    '?dryRun=All',
    '?fieldValidation=Strict',
    '?gracePeriodSeconds=-1',
  )
  const contentType = fc.constantFrom(
    'application/json',
    'application/yaml',
    'application/vnd.kubernetes.protobuf',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
    'application/json-patch+json',
    'text/plain',
    '',
  )
  const body = fc.oneof(
    fc.json().map((j) => Buffer.from(j)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify({ metadata: { name: 'prop' }, spec: v, data: v }))),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([PROTOBUF_MAGIC, Buffer.from(b)])),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  )

  it('never answers 5xx and never writes on a rejected request', async () => {
    await fc.assert(
      fc.asyncProperty(methods, path, query, contentType, body, async (method, p, q, type, b) => {
        if (q.includes('watch')) return // watches stream until their timeout; covered in watch.test.ts
        const before = snapshot()
        const r = await call(server, method, `${p}${q}`, {
          cert: admin,
          body: method === 'GET' ? undefined : b,
          headers: type ? { 'content-type': type } : {},
        })
        expect(r.status, `${method} ${p}${q} ${type}`).toBeLessThan(500)
        if (r.status >= 400) expect(snapshot()).toBe(before)
        if (r.status >= 400) expect(r.json?.kind).toBe('Status')
      }),
      { numRuns: 300 },
    )
  })

  it('never answers 5xx to random bodies at every write endpoint', async () => {
    const writes = fc.constantFrom(
      ['POST', CM],
      ['POST', '/api/v1/namespaces/default/pods'],
      ['POST', '/apis/apps/v1/namespaces/default/deployments'],
      ['POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'],
      ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'],
      ['POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews'],
      ['POST', '/apis/authentication.k8s.io/v1/tokenreviews'],
      ['PUT', `${CM}/from-yaml`],
      ['PATCH', `${CM}/from-yaml`],
      ['DELETE', `${CM}/nope`],
    )
    await fc.assert(
      fc.asyncProperty(writes, contentType, body, async ([method, p], type, b) => {
        const before = snapshot()
        const r = await call(server, method, p, {
          cert: admin,
          body: b,
          headers: type ? { 'content-type': type } : {},
        })
        expect(r.status, `${method} ${p} ${type} ${b.toString('hex').slice(0, 80)}`).toBeLessThan(500)
        if (r.status >= 400) expect(snapshot()).toBe(before)
      }),
      { numRuns: 400 },
    )
  })
})
