import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto'
import { decodeJwt, SignJWT, type JWTHeaderParameters } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import {
  graphScenario,
  makeCert,
  postToken,
  PUBLIC_CLIENT,
  READER,
  tokenUrl,
  type TestCert,
} from './helpers.js'

let sim: Simulator
let cert: TestCert
let key: KeyObject
let stranger: TestCert
let expiredCert: TestCert

beforeAll(async () => {
  cert = await makeCert()
  stranger = await makeCert('not-registered')
  expiredCert = await makeCert('expired', Date.now() - 3_600_000)
  key = createPrivateKey(cert.keyPem)
  sim = await startTestSimulator({ scenario: graphScenario([cert.certPem, expiredCert.certPem]) })
})
afterAll(() => sim.stop())

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

async function assertion(
  o: {
    alg?: string
    header?: Partial<JWTHeaderParameters>
    claims?: Record<string, unknown>
    key?: KeyObject
    nowOffset?: number
  } = {},
): Promise<string> {
  const now = Math.floor(sim.clockSource.now() / 1000) + (o.nowOffset ?? 0)
  const alg = o.alg ?? 'PS256'
  return new SignJWT({
    aud: tokenUrl(sim),
    iss: READER.appId,
    sub: READER.appId,
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + 600,
    ...o.claims,
  })
    .setProtectedHeader({ alg, typ: 'JWT', 'x5t#S256': cert.x5tS256, ...o.header })
    .sign(o.key ?? key)
}

const request = (clientAssertion: string, extra: Record<string, string> = {}) =>
  postToken(sim, {
    grant_type: 'client_credentials',
    client_id: READER.appId,
    scope: 'https://graph.microsoft.com/.default',
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: clientAssertion,
    ...extra,
  })

function expectInvalidClient(
  r: { status: number; body: Record<string, unknown> },
  code: number,
  text?: RegExp,
) {
  expect(r.status).toBe(401)
  expect(r.body.error).toBe('invalid_client')
  expect(r.body.error_codes).toEqual([code])
  if (text) expect(r.body.error_description).toMatch(text)
}

describe('client assertions signed with a registered certificate', () => {
  it('accepts PS256 with x5t#S256 (msal-node) and issues a token with appidacr 2', async () => {
    const r = await request(await assertion())
    expect(r.status).toBe(200)
    expect(decodeJwt(r.body.access_token as string)).toMatchObject({
      appid: READER.appId,
      appidacr: '2',
      idtyp: 'app',
    })
  })

  it('accepts RS256 with the legacy SHA-1 x5t, and the token endpoint addressed by domain or v1', async () => {
    const header = { 'x5t#S256': undefined, x5t: cert.x5t }
    expect((await request(await assertion({ alg: 'RS256', header }))).status).toBe(200)
    const byDomain = `${sim.endpoints.authority}/${sim.endpoints.tenantDomain}/oauth2/v2.0/token`
    expect((await request(await assertion({ claims: { aud: byDomain } }))).status).toBe(200)
    expect((await request(await assertion({ claims: { aud: tokenUrl(sim, 'v1') } }))).status).toBe(200)
  })

  it('accepts the same assertion twice, as Entra does (msal-node reuses it for ten minutes)', async () => {
    const a = await assertion()
    expect((await request(a)).status).toBe(200)
    expect((await request(a)).status).toBe(200)
  })
})

describe('client assertion errors', () => {
  it('refuses an expired or not-yet-valid assertion with AADSTS700024', async () => {
    expectInvalidClient(
      await request(await assertion({ nowOffset: -3600 })),
      700024,
      /Client assertion is not within its valid time range\. Current time: \d{4}-\d\d-\d\dT[\d:.]{16}Z, assertion valid from/,
    )
    expectInvalidClient(await request(await assertion({ nowOffset: 3600 })), 700024)
  })

  it('refuses an assertion after the simulator clock moved past its expiry', async () => {
    const a = await assertion()
    sim.advanceClock(20 * 60)
    expectInvalidClient(await request(a), 700024)
  })

  it('refuses a certificate that is not registered with AADSTS700027', async () => {
    const r = await request(
      await assertion({ key: createPrivateKey(stranger.keyPem), header: { 'x5t#S256': stranger.x5tS256 } }),
    )
    expectInvalidClient(
      r,
      700027,
      /not registered on application. \[Reason - The key was not found., Thumbprint of key used by client: '[0-9A-F]{64}'/,
    )
  })

  it('refuses a signature by another key under a registered thumbprint with AADSTS700027', async () => {
    const r = await request(await assertion({ key: createPrivateKey(stranger.keyPem) }))
    expectInvalidClient(r, 700027, /did not match the expected signature value/)
  })

  it('refuses an assertion signed with an expired registered certificate', async () => {
    const r = await request(
      await assertion({
        key: createPrivateKey(expiredCert.keyPem),
        header: { 'x5t#S256': expiredCert.x5tS256 },
      }),
    )
    expectInvalidClient(r, 700027, /The key used is expired/)
  })

  it('requires a thumbprint header, one audience equal to the token endpoint, and iss = sub = client_id', async () => {
    expectInvalidClient(
      await request(await assertion({ header: { 'x5t#S256': undefined } })),
      50027,
      /No certificate thumbprint/,
    )
    expectInvalidClient(
      await request(await assertion({ claims: { aud: 'https://example.com/token' } })),
      700023,
    )
    expectInvalidClient(
      await request(await assertion({ claims: { aud: [tokenUrl(sim), sim.endpoints.authority] } })),
      5002741,
    )
    expectInvalidClient(await request(await assertion({ claims: { sub: PUBLIC_CLIENT.appId } })), 700021)
  })

  it('sends assertions from another issuer to workload identity federation (none configured: AADSTS700211)', async () => {
    const r = await request(
      await assertion({
        claims: { iss: 'https://oidc.example/cluster', sub: 'system:serviceaccount:default:app' },
      }),
    )
    expectInvalidClient(r, 700211, /presented assertion issuer 'https:\/\/oidc.example\/cluster'/)
  })

  it('refuses malformed assertions, a wrong assertion type and public clients', async () => {
    expectInvalidClient(await request('not-a-jwt'), 50027)
    const wrongType = await request(await assertion(), { client_assertion_type: 'urn:x' })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.error).toBe('invalid_request')
    const pub = await request(await assertion(), { client_id: PUBLIC_CLIENT.appId })
    expectInvalidClient(pub, 700025)
  })
})
