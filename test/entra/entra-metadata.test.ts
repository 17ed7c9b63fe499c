import { createLocalJWKSet, jwtVerify } from 'jose'
import { X509Certificate, createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { expectEntraError, get, post, urls } from '../helpers/entra.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
let u: ReturnType<typeof urls>
beforeAll(async () => {
  sim = await startTestSimulator()
  u = urls(sim)
})
afterAll(() => sim.stop())

async function bobToken(): Promise<string> {
  const code = (
    await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: `${AKS_SERVER_APP_ID}/.default` })
  ).body
  sim.approveDeviceCode(code.user_code, BOB)
  return (
    await post(u.token, {
      grant_type: 'device_code',
      client_id: AKS_CLIENT_APP_ID,
      device_code: code.device_code,
    })
  ).body.access_token
}

describe('OIDC discovery', () => {
  it('serves the v2 document with the tenant GUID in every endpoint, for the GUID and the domain', async () => {
    for (const t of [sim.endpoints.tenantId, sim.endpoints.tenantDomain]) {
      const res = await get(`${sim.endpoints.authority}/${t}/v2.0/.well-known/openid-configuration`)
      expect(res.status).toBe(200)
      const tid = sim.endpoints.tenantId
      expect(res.body).toMatchObject({
        issuer: `${sim.endpoints.authority}/${tid}/v2.0`,
        token_endpoint: `${sim.endpoints.authority}/${tid}/oauth2/v2.0/token`,
        device_authorization_endpoint: `${sim.endpoints.authority}/${tid}/oauth2/v2.0/devicecode`,
        jwks_uri: `${sim.endpoints.authority}/${tid}/discovery/v2.0/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
      })
      expect(res.body.authorization_endpoint).toBeTruthy()
    }
  })

  it('serves common/organizations with a templated issuer, and the v1 document with the v1 issuer', async () => {
    const common = await get(`${sim.endpoints.authority}/common/v2.0/.well-known/openid-configuration`)
    expect(common.body.issuer).toBe(`${sim.endpoints.authority}/{tenantid}/v2.0`)
    expect(common.body.token_endpoint).toBe(`${sim.endpoints.authority}/common/oauth2/v2.0/token`)
    const v1 = await get(`${u.tenant}/.well-known/openid-configuration`)
    expect(v1.body).toMatchObject({
      issuer: `${u.tenant}/`,
      token_endpoint: `${u.tenant}/oauth2/token`,
      device_authorization_endpoint: `${u.tenant}/oauth2/devicecode`,
    })
    expectEntraError(
      await get(`${sim.endpoints.authority}/consumers/v2.0/.well-known/openid-configuration`),
      400,
      'invalid_request',
      90002,
    )
  })

  it('serves instance discovery with both fields MSAL requires', async () => {
    const res = await get(
      `${sim.endpoints.authority}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${u.tenant}/oauth2/v2.0/authorize`)}`,
    )
    const host = new URL(sim.endpoints.authority).host
    expect(res.body).toEqual({
      tenant_discovery_endpoint: `${u.tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    })
  })
})

describe('JWKS and key rotation', () => {
  it('publishes kid = x5t = base64url(SHA-1 of the x5c certificate) and the RSA key of that certificate', async () => {
    const { body } = await get(`${u.tenant}/discovery/v2.0/keys`)
    expect(body.keys).toHaveLength(1)
    const k = body.keys[0]
    expect(k).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB', issuer: `${u.tenant}/v2.0` })
    const der = Buffer.from(k.x5c[0], 'base64')
    expect(k.kid).toBe(createHash('sha1').update(der).digest('base64url'))
    expect(k.x5t).toBe(k.kid)
    const fromCert = new X509Certificate(der).publicKey.export({ format: 'jwk' })
    expect(fromCert.n).toBe(k.n)
    const v1 = await get(`${u.tenant}/discovery/keys`)
    expect(v1.body.keys[0].issuer).toBeUndefined()
  })

  it('rotates: new tokens use the new key, the old key stays published for the grace period', async () => {
    const before = await bobToken()
    const oldKid = sim.keys().current
    const rotated = await sim.rotateKeys()
    expect(rotated.current).not.toBe(oldKid)
    expect(rotated.published).toEqual([oldKid, rotated.current])
    const after = await bobToken()
    const jwks = createLocalJWKSet((await get(`${u.tenant}/discovery/keys`)).body)
    const oldVerified = await jwtVerify(before, jwks)
    const newVerified = await jwtVerify(after, jwks)
    expect(oldVerified.protectedHeader.kid).toBe(oldKid)
    expect(newVerified.protectedHeader.kid).toBe(rotated.current)
    sim.advanceClock(sim.config.keys.rotationGraceSeconds + 1)
    const later = (await get(`${u.tenant}/discovery/keys`)).body.keys.map((k: { kid: string }) => k.kid)
    expect(later).toEqual([rotated.current])
    await expect(
      jwtVerify(before, createLocalJWKSet({ keys: (await get(`${u.tenant}/discovery/keys`)).body.keys })),
    ).rejects.toThrow()
  })
})

describe('v1 endpoints (ADAL / go-autorest shapes)', () => {
  it('answers /oauth2/devicecode with verification_url and string numbers, and polls with code=', async () => {
    const start = await post(u.v1devicecode, { client_id: AKS_CLIENT_APP_ID, resource: AKS_SERVER_APP_ID })
    expect(start.status).toBe(200)
    expect(start.body).toMatchObject({
      verification_url: sim.endpoints.deviceLogin,
      expires_in: '900',
      interval: '1',
    })
    expect(start.body.verification_uri).toBeUndefined()
    const pending = await post(u.v1token, {
      grant_type: 'device_code',
      client_id: AKS_CLIENT_APP_ID,
      resource: AKS_SERVER_APP_ID,
      code: start.body.device_code,
    })
    expectEntraError(pending, 400, 'authorization_pending')
    sim.approveDeviceCode(start.body.user_code, BOB)
    const ok = await post(u.v1token, {
      grant_type: 'device_code',
      client_id: AKS_CLIENT_APP_ID,
      resource: AKS_SERVER_APP_ID,
      code: start.body.device_code,
    })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ token_type: 'Bearer', resource: AKS_SERVER_APP_ID, expires_in: '3599' })
    expect(ok.body.expires_on).toMatch(/^\d+$/)
    expect(ok.body.not_before).toMatch(/^\d+$/)
  })

  it('says code_expired (not expired_token) on v1', async () => {
    const start = await post(u.v1devicecode, { client_id: AKS_CLIENT_APP_ID, resource: AKS_SERVER_APP_ID })
    sim.advanceClock(901)
    expectEntraError(
      await post(u.v1token, {
        grant_type: 'device_code',
        client_id: AKS_CLIENT_APP_ID,
        resource: AKS_SERVER_APP_ID,
        code: start.body.device_code,
      }),
      400,
      'code_expired',
      70020,
    )
  })
})
