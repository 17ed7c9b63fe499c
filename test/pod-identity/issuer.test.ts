import { createHash, createPublicKey } from 'node:crypto'
import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { keyIdOf } from '../../src/pod-identity/issuer.js'
import { startTestSimulator } from '../helpers/sim.js'
import { claimsOf, podToken } from './helpers.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator({ scenario: undefined })
})
afterAll(() => sim.stop())

const issuer = () => sim.podIdentity.issuer

describe('service-account issuer', () => {
  it('has an AKS-style URL with the tenant, a per-cluster uuid and a trailing slash', () => {
    const url = issuer().issuer()
    const origin = (sim.endpoints.oidcIssuer as { url: string }).url
    expect(url).toMatch(new RegExp(`^${origin}/${sim.endpoints.tenantId}/[0-9a-f-]{36}/$`))
    expect((sim.endpoints.oidcIssuer as { clusters: Record<string, string> }).clusters['aks-demo']).toBe(url)
  })

  it('derives kid as base64url(SHA-256(SPKI DER)), as kube-apiserver does', () => {
    const k = issuer().current()
    const expected = createHash('sha256')
      .update(k.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64url')
    expect(k.kid).toBe(expected)
    expect(keyIdOf(k.publicKey)).toBe(expected)
    expect(k.kid).not.toContain('=')
  })

  it('serves the discovery document and JWKS with the real bodies, content types and Cache-Control', async () => {
    const base = issuer().issuer()
    const d = await fetch(`${base}.well-known/openid-configuration`)
    expect(d.status).toBe(200)
    expect(d.headers.get('content-type')).toBe('application/json')
    expect(d.headers.get('cache-control')).toBe('public, max-age=3600')
    expect(await d.json()).toEqual({
      issuer: base,
      jwks_uri: `${base}openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    })
    const j = await fetch(`${base}openid/v1/jwks`)
    expect(j.headers.get('content-type')).toBe('application/jwk-set+json')
    expect(j.headers.get('cache-control')).toBe('public, max-age=3600')
    const jwks = (await j.json()) as { keys: Record<string, string>[] }
    expect(jwks.keys).toHaveLength(1)
    expect(Object.keys(jwks.keys[0]!)).toEqual(['use', 'kty', 'kid', 'alg', 'n', 'e'])
    expect(jwks.keys[0]).toMatchObject({
      use: 'sig',
      kty: 'RSA',
      alg: 'RS256',
      e: 'AQAB',
      kid: issuer().current().kid,
    })
    // The published key really is the signing key.
    const pub = createPublicKey({ key: jwks.keys[0]!, format: 'jwk' })
    expect(keyIdOf(pub)).toBe(jwks.keys[0]!.kid)
    expect((await fetch(`${base}nothing`)).status).toBe(404)
    expect(
      (await fetch(`${(sim.endpoints.oidcIssuer as { url: string }).url}/.well-known/openid-configuration`))
        .status,
    ).toBe(404)
  })

  it('signs projected tokens with that key and the exact claim layout', async () => {
    const token = await podToken(sim, 'dev', 'orders-api-0')
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
    expect(header).toEqual({ alg: 'RS256', kid: issuer().current().kid })
    const c = claimsOf(token)
    expect(Object.keys(c)).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub'])
    const pod = sim.podIdentity.objects.get('Pod', 'dev', 'orders-api-0')!
    const sa = sim.podIdentity.objects.get('ServiceAccount', 'dev', 'orders-api')!
    // The node the scheduler put the pod on (the least-loaded agent node).
    const nodeName = (pod.spec as { nodeName: string }).nodeName
    expect(nodeName).toMatch(/^aks-nodepool1-12345678-vmss\d{6}$/)
    const node = sim.podIdentity.objects.get('Node', '', nodeName)!
    expect(c).toMatchObject({
      aud: ['api://AzureADTokenExchange'],
      iss: issuer().issuer(),
      sub: 'system:serviceaccount:dev:orders-api',
      'kubernetes.io': {
        namespace: 'dev',
        node: { name: node.metadata.name, uid: node.metadata.uid },
        pod: { name: 'orders-api-0', uid: pod.metadata.uid },
        serviceaccount: { name: 'orders-api', uid: sa.metadata.uid },
      },
    })
    expect(c.nbf).toBe(c.iat)
    expect(c.exp - c.iat).toBe(3600)
    expect(c.jti).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('keeps the previous key for the grace window after a rotation; rotating twice drops it', async () => {
    const first = issuer().current().kid
    await issuer().rotate()
    const second = issuer().current().kid
    expect(
      issuer()
        .published()
        .map((k) => k.kid),
    ).toEqual([second, first])
    const jwks = (await (await fetch(`${issuer().issuer()}openid/v1/jwks`)).json()) as {
      keys: { kid: string }[]
    }
    expect(jwks.keys.map((k) => k.kid)).toEqual([second, first])
    await issuer().rotate()
    expect(
      issuer()
        .published()
        .map((k) => k.kid),
    ).toEqual([issuer().current().kid, second])
    sim.advanceClock(86_400)
    expect(
      issuer()
        .published()
        .map((k) => k.kid),
    ).toEqual([issuer().current().kid])
  })

  it('offline resets connections; brokenJwks serves keys no parser can read', async () => {
    const url = new URL(`${issuer().issuer()}.well-known/openid-configuration`)
    issuer().switches.offline = true
    try {
      const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
        const req = request(url, { ca: sim.caPem }, () => resolve(new Error('answered')))
        req.on('error', resolve)
        req.end()
      })
      expect(err.code).toBe('ECONNRESET')
    } finally {
      issuer().switches.offline = false
    }
    issuer().switches.brokenJwks = true
    try {
      const text = await (await fetch(`${issuer().issuer()}openid/v1/jwks`)).text()
      expect(() => JSON.parse(text)).toThrow()
    } finally {
      issuer().switches.brokenJwks = false
    }
  })
})
