import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KubeStatusError as KubeApiError } from '../../src/kube/index.js'
import { encodeTokenRequestProto } from '../../src/pod-identity/token-request-proto.js'
import { claimsOf } from './helpers.js'
import { NODE, testCluster } from './cluster.js'

async function rejection(p: Promise<unknown>): Promise<KubeApiError> {
  try {
    await p
  } catch (err) {
    if (err instanceof KubeApiError) return err
    throw err
  }
  throw new Error('expected a Kubernetes error, got a token')
}

describe('TokenRequest', () => {
  it('defaults to 3600 s and the API audiences; answers the TokenRequest shape', async () => {
    const { request, clock } = await testCluster()
    const r = await request({})
    expect(r.status).toBe(201)
    const now = Math.floor(clock.now() / 1000)
    expect(r.body).toEqual({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'app', namespace: 'dev', creationTimestamp: expect.stringMatching(/Z$/) },
      spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600 },
      status: {
        token: expect.any(String),
        expirationTimestamp: new Date((now + 3600) * 1000).toISOString().replace('.000Z', 'Z'),
      },
    })
    const c = claimsOf((r.body.status as { token: string }).token)
    expect(c.aud).toEqual(['https://kubernetes.default.svc'])
    expect(c['kubernetes.io']).toEqual({
      namespace: 'dev',
      serviceaccount: { name: 'app', uid: expect.any(String) },
    })
  })

  it('binds to a pod: pod and node claims; the echoed spec keeps the reference', async () => {
    const { request, objects } = await testCluster()
    const pod = objects.get('Pod', 'dev', 'app-0')!
    const ref = { kind: 'Pod', apiVersion: 'v1', name: 'app-0', uid: pod.metadata.uid }
    const r = await request({
      spec: { audiences: ['api://AzureADTokenExchange'], expirationSeconds: 7200, boundObjectRef: ref },
    })
    expect((r.body.spec as Record<string, unknown>).boundObjectRef).toEqual(ref)
    const c = claimsOf((r.body.status as { token: string }).token)
    expect(c.exp - c.iat).toBe(7200)
    expect(c['kubernetes.io']).toMatchObject({
      pod: { name: 'app-0', uid: pod.metadata.uid },
      node: { name: NODE, uid: objects.get('Node', '', NODE)!.metadata.uid },
    })
  })

  it('binds to a secret (secret claim, no pod)', async () => {
    const { request } = await testCluster()
    const r = await request({
      spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'app-token' } },
    })
    const k8s = claimsOf((r.body.status as { token: string }).token)['kubernetes.io']
    expect(k8s.secret.name).toBe('app-token')
    expect(k8s.pod).toBeUndefined()
  })

  it('validates like kube-apiserver', async () => {
    const { request, objects } = await testCluster()
    let e = await rejection(request({ spec: { expirationSeconds: 60 } }))
    expect(e.toStatus()).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    })
    e = await rejection(request({ spec: { expirationSeconds: 2 ** 32 + 1 } }))
    expect(e.message).toContain('may not specify a duration larger than 2^32 seconds')
    e = await rejection(request({ metadata: { name: 'other' } }))
    expect(e.message).toBe(
      'TokenRequest.authentication.k8s.io "app" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
    )
    e = await rejection(request({ metadata: { namespace: 'prod' } }))
    expect(e.status).toBe(422)
    e = await rejection(request({}, 'ghost'))
    expect(e.toStatus()).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'serviceaccounts "ghost" not found',
    })
    e = await rejection(
      request({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'app-0' } } }, 'other'),
    )
    expect(e.toStatus()).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message:
        'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.',
    })
    e = await rejection(
      request({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'nope' } } }),
    )
    expect(e.toStatus()).toMatchObject({ code: 404, message: 'pods "nope" not found' })
    e = await rejection(
      request({ spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } } }),
    )
    expect(e.message).toBe('cannot bind token to object of type /v1, Kind=ConfigMap')
    e = await rejection(
      request({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'apps/v1', name: 'app-0' } } }),
    )
    expect(e.message).toBe('cannot bind token to object of type apps/v1, Kind=Pod')
    const uid = objects.get('Pod', 'dev', 'app-0')!.metadata.uid
    e = await rejection(
      request({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'app-0', uid: 'f00' } } }),
    )
    expect(e.toStatus()).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on Pod "app-0": the UID in the bound object reference (f00) does not match the UID in record. The object might have been deleted and then recreated`,
    })
    expect(uid).not.toBe('f00')
  })

  it('shortens to the maximum expiration with the real warning', async () => {
    const { request } = await testCluster({ maxExpirationSeconds: 86_400 })
    const r = await request({ spec: { expirationSeconds: 172_800 } })
    expect(r.warnings).toEqual(['requested expiration of 172800 seconds shortened to 86400 seconds'])
    expect((r.body.spec as { expirationSeconds: number }).expirationSeconds).toBe(86_400)
  })

  it('reads kubectl create token protobuf bodies', async () => {
    const { request, objects } = await testCluster()
    const uid = objects.get('Pod', 'dev', 'app-0')!.metadata.uid!
    const bare = await request(encodeTokenRequestProto({}), 'app', 'application/vnd.kubernetes.protobuf')
    expect(bare.body.spec).toEqual({ audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600 })
    const full = encodeTokenRequestProto({
      audiences: ['api://AzureADTokenExchange', 'other'],
      expirationSeconds: 1200,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'app-0', uid },
    })
    const r = await request(full, 'app', 'application/vnd.kubernetes.protobuf')
    expect(r.body.spec).toEqual({
      audiences: ['api://AzureADTokenExchange', 'other'],
      expirationSeconds: 1200,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'app-0', uid },
    })
  })

  it('refuses bad bodies with 4xx Status errors, never a token and never an internal error', async () => {
    const { request } = await testCluster()
    const cases: [Buffer, string | undefined, number][] = [
      [Buffer.from('{'), 'application/json', 400],
      [Buffer.from('[]'), 'application/json', 400],
      [Buffer.from('{"spec":{"expirationSeconds":"1h"}}'), 'application/json', 400],
      [Buffer.from('{"spec":{"audiences":"x"}}'), 'application/json', 400],
      [Buffer.from('{"kind":"Pod"}'), 'application/json', 400],
      [Buffer.from('{"apiVersion":"v1"}'), 'application/json', 400],
      [Buffer.from('k8s\u0000\u0012\u00ff'), 'application/vnd.kubernetes.protobuf', 400],
      [Buffer.from('spec: [unclosed'), 'application/yaml', 400],
      [Buffer.from('{}'), 'text/plain', 415],
    ]
    for (const [body, type, status] of cases)
      expect((await rejection(request(body, 'app', type))).status).toBe(status)
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc.json().map((j) => Buffer.from(j)),
        ),
        fc.constantFrom(
          'application/json',
          'application/vnd.kubernetes.protobuf',
          'application/yaml',
          undefined,
        ),
        async (body, type) => {
          try {
            const r = await request(body, 'app', type)
            // Anything accepted must be a well-formed 201 with a token for this service account.
            expect(r.status).toBe(201)
            expect(claimsOf((r.body.status as { token: string }).token).sub).toBe(
              'system:serviceaccount:dev:app',
            )
          } catch (err) {
            expect(err).toBeInstanceOf(KubeApiError)
            expect((err as KubeApiError).status).toBeGreaterThanOrEqual(400)
            expect((err as KubeApiError).status).toBeLessThan(500)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
