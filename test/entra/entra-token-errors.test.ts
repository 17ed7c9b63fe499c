import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, DEMO_WEBHOOK_SECRET, type Simulator } from '../../src/index.js'
import { expectEntraError, get, post, urls } from '../helpers/entra.js'
import { BOB, ERIN, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
let u: ReturnType<typeof urls>
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const SCOPE = `${AKS_SERVER_APP_ID}/.default openid profile offline_access`

beforeAll(async () => {
  sim = await startTestSimulator()
  u = urls(sim)
})
afterAll(() => sim.stop())

async function startCode(scope = SCOPE, clientId = AKS_CLIENT_APP_ID) {
  const res = await post(u.devicecode, { client_id: clientId, scope })
  expect(res.status).toBe(200)
  return res.body as { device_code: string; user_code: string; interval: number; expires_in: number }
}

const poll = (deviceCode: string, grantType = DEVICE_GRANT, clientId = AKS_CLIENT_APP_ID) =>
  post(u.token, { grant_type: grantType, client_id: clientId, device_code: deviceCode })

describe('POST /{tenant}/oauth2/v2.0/devicecode', () => {
  it('answers with numbers for expires_in and interval and the Entra message', async () => {
    const res = await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: SCOPE })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual([
      'device_code',
      'expires_in',
      'interval',
      'message',
      'user_code',
      'verification_uri',
    ])
    expect(res.body).toMatchObject({
      expires_in: 900,
      interval: 1,
      verification_uri: sim.endpoints.deviceLogin,
    })
    expect(res.body.user_code).toMatch(/^[A-Z0-9]{9}$/)
    expect(res.body.message).toBe(
      `To sign in, use a web browser to open the page ${sim.endpoints.deviceLogin} and enter the code ${res.body.user_code} to authenticate.`,
    )
    expect(res.headers.get('cache-control')).toBe('no-store, no-cache')
    expect(res.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('refuses unknown clients, unknown tenants and confidential clients', async () => {
    expectEntraError(
      await post(u.devicecode, { client_id: '11111111-1111-1111-1111-111111111111', scope: SCOPE }),
      400,
      'unauthorized_client',
      700016,
    )
    expectEntraError(
      await post(`${sim.endpoints.authority}/nosuchtenant.onmicrosoft.com/oauth2/v2.0/devicecode`, {
        client_id: AKS_CLIENT_APP_ID,
        scope: SCOPE,
      }),
      400,
      'invalid_request',
      90002,
    )
    const webhook = sim.directory.application('aks-webhook')!.appId
    expectEntraError(
      await post(u.devicecode, { client_id: webhook, scope: SCOPE }),
      401,
      'invalid_client',
      7000218,
    )
  })

  it('refuses bad scopes: unknown resource, two resources, .default with another scope', async () => {
    expectEntraError(
      await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: 'api://nope/.default' }),
      400,
      'invalid_resource',
      500011,
    )
    expectEntraError(
      await post(u.devicecode, {
        client_id: AKS_CLIENT_APP_ID,
        scope: `${AKS_SERVER_APP_ID}/.default https://graph.microsoft.com/User.Read`,
      }),
      400,
      'invalid_scope',
      28000,
    )
    expectEntraError(
      await post(u.devicecode, {
        client_id: AKS_CLIENT_APP_ID,
        scope: `https://graph.microsoft.com/.default https://graph.microsoft.com/User.Read`,
      }),
      400,
      'invalid_scope',
      70011,
    )
    expectEntraError(
      await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID }),
      400,
      'invalid_request',
      900144,
    )
  })
})

describe('POST /{tenant}/oauth2/v2.0/token with the device_code grant', () => {
  it('walks pending → approved → redeemed, accepting both grant_type spellings', async () => {
    for (const grantType of ['device_code', DEVICE_GRANT]) {
      const code = await startCode()
      expectEntraError(await poll(code.device_code, grantType), 400, 'authorization_pending', 70016)
      sim.approveDeviceCode(code.user_code, BOB)
      const ok = await post(u.token, {
        grant_type: grantType,
        client_id: AKS_CLIENT_APP_ID,
        device_code: code.device_code,
        client_info: '1',
      })
      expect(ok.status).toBe(200)
      expect(Object.keys(ok.body).sort()).toEqual([
        'access_token',
        'client_info',
        'expires_in',
        'ext_expires_in',
        'id_token',
        'refresh_token',
        'scope',
        'token_type',
      ])
      expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 })
      expect(ok.body.expires_on).toBeUndefined()
      expect(JSON.parse(Buffer.from(ok.body.client_info, 'base64url').toString())).toEqual({
        uid: sim.directory.user(BOB)!.id,
        utid: sim.endpoints.tenantId,
      })
      expectEntraError(await poll(code.device_code, grantType), 400, 'invalid_grant', 70000)
    }
  })

  it('holds an approved code pending for the scripted number of polls', async () => {
    const code = await startCode()
    sim.approveDeviceCode(code.user_code, BOB, { afterPolls: 2 })
    expectEntraError(await poll(code.device_code), 400, 'authorization_pending')
    expectEntraError(await poll(code.device_code), 400, 'authorization_pending')
    expect((await poll(code.device_code)).status).toBe(200)
  })

  it('answers authorization_declined after a decline', async () => {
    const code = await startCode()
    sim.declineDeviceCode(code.user_code, BOB)
    expectEntraError(await poll(code.device_code), 400, 'authorization_declined')
  })

  it('answers expired_token once the code has expired (clock control, no sleeping)', async () => {
    const code = await startCode()
    sim.advanceClock(code.expires_in)
    expectEntraError(await poll(code.device_code), 400, 'expired_token', 70020)
    expect(() => sim.approveDeviceCode(code.user_code, BOB)).toThrow(/expired/)
  })

  it('answers bad_verification_code for garbage and invalid_grant for a well-formed unknown code', async () => {
    expectEntraError(await poll('undefined'), 400, 'bad_verification_code')
    expectEntraError(await poll('DAQABIQEAAAB' + 'A'.repeat(128)), 400, 'invalid_grant', 70000)
  })

  it('refuses a code polled by another client', async () => {
    const code = await startCode()
    sim.approveDeviceCode(code.user_code, BOB)
    expectEntraError(
      await poll(code.device_code, DEVICE_GRANT, '04b07795-8ddb-461a-bbee-02f9e1bf7b46'),
      400,
      'invalid_grant',
    )
    expect((await poll(code.device_code)).status).toBe(200)
  })

  it('answers a disabled account with invalid_grant AADSTS50057', async () => {
    const code = await startCode()
    sim.approveDeviceCode(code.user_code, ERIN)
    expectEntraError(await poll(code.device_code), 400, 'invalid_grant', 50057)
  })

  it('redeems a code exactly once when many pollers race', async () => {
    const code = await startCode()
    sim.approveDeviceCode(code.user_code, BOB)
    const results = await Promise.all(Array.from({ length: 25 }, () => poll(code.device_code)))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    for (const r of results.filter((x) => x.status !== 200)) expectEntraError(r, 400, 'invalid_grant')
  })

  it('refuses unknown clients, bad secrets, unsupported grants and missing parameters', async () => {
    expectEntraError(
      await poll('x', DEVICE_GRANT, '11111111-1111-1111-1111-111111111111'),
      400,
      'unauthorized_client',
      700016,
    )
    const webhook = sim.directory.application('aks-webhook')!.appId
    expectEntraError(
      await post(u.token, {
        grant_type: 'device_code',
        client_id: webhook,
        device_code: 'x',
        client_secret: 'wrong-secret',
      }),
      401,
      'invalid_client',
      7000215,
    )
    expectEntraError(
      await post(u.token, { grant_type: 'device_code', client_id: webhook, device_code: 'x' }),
      401,
      'invalid_client',
      7000218,
    )
    expectEntraError(
      await post(u.token, { grant_type: 'authorization_code', client_id: AKS_CLIENT_APP_ID, code: 'x' }),
      400,
      'unsupported_grant_type',
      70003,
    )
    expectEntraError(await post(u.token, { client_id: AKS_CLIENT_APP_ID }), 400, 'invalid_request', 900144)
    expectEntraError(await post(u.token, { grant_type: 'device_code' }), 400, 'invalid_request', 900144)
    expectEntraError(
      await post(u.token, { grant_type: 'device_code', client_id: AKS_CLIENT_APP_ID }),
      400,
      'invalid_request',
      900144,
    )
    // The secret via HTTP Basic is read too: a wrong one is a bad secret, not a missing one.
    const basic = Buffer.from(`${webhook}:${encodeURIComponent('nope')}`).toString('base64')
    expectEntraError(
      await post(
        u.token,
        { grant_type: 'device_code', device_code: 'x' },
        { authorization: `Basic ${basic}` },
      ),
      401,
      'invalid_client',
      7000215,
    )
    expect(DEMO_WEBHOOK_SECRET).toBeTruthy()
  })

  it('answers malformed, duplicated, oversized and non-form bodies with JSON errors, never 5xx', async () => {
    expectEntraError(
      await post(u.token, 'grant_type=device_code&grant_type=refresh_token&client_id=x'),
      400,
      'invalid_request',
    )
    expectEntraError(
      await post(
        u.token,
        `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&device_code=${'A'.repeat(70_000)}`,
      ),
      413,
      'invalid_request',
    )
    expectEntraError(
      await post(u.token, '{"grant_type":"device_code"}', { 'content-type': 'application/json' }),
      400,
      'invalid_request',
      900144,
    )
    expectEntraError(await post(u.token, '%%%&&&=%zz', {}), 400, 'invalid_request')
    expectEntraError(await get(u.token), 400, 'invalid_request', 900561)
    expectEntraError(await get(`${sim.endpoints.authority}/nope/nope`), 404, 'invalid_request')
  })

  it('echoes client-request-id as the correlation id', async () => {
    const res = await post(`${u.token}?client-request-id=6f1e9d8a-1111-4222-8333-944445555666`, {
      client_id: AKS_CLIENT_APP_ID,
    })
    expect(res.body.correlation_id).toBe('6f1e9d8a-1111-4222-8333-944445555666')
    expect(res.headers.get('client-request-id')).toBe('6f1e9d8a-1111-4222-8333-944445555666')
  })
})

describe('refresh_token grant', () => {
  async function signedIn() {
    const code = await startCode()
    sim.approveDeviceCode(code.user_code, BOB)
    return (await poll(code.device_code)).body as { refresh_token: string; access_token: string }
  }

  it('rotates: the new token works, the old one is refused with bad_token', async () => {
    const first = await signedIn()
    const refresh = (rt: string) =>
      post(u.token, {
        grant_type: 'refresh_token',
        client_id: AKS_CLIENT_APP_ID,
        refresh_token: rt,
        scope: SCOPE,
      })
    const second = await refresh(first.refresh_token)
    expect(second.status).toBe(200)
    expect(second.body.refresh_token).not.toBe(first.refresh_token)
    const replay = await refresh(first.refresh_token)
    expectEntraError(replay, 400, 'invalid_grant', 50173)
    expect(replay.body.suberror).toBe('bad_token')
    expect((await refresh(second.body.refresh_token)).status).toBe(200)
  })

  it('can redeem a refresh token for another resource (multi-resource refresh tokens)', async () => {
    const first = await signedIn()
    const res = await post(u.token, {
      grant_type: 'refresh_token',
      client_id: AKS_CLIENT_APP_ID,
      refresh_token: first.refresh_token,
      scope: 'https://graph.microsoft.com/User.Read',
    })
    expect(res.status).toBe(200)
    const payload = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString())
    expect(payload).toMatchObject({ aud: 'https://graph.microsoft.com', scp: 'User.Read', ver: '1.0' })
  })

  it('expires after the inactivity lifetime and refuses a user who was disabled since', async () => {
    const a = await signedIn()
    sim.advanceClock(sim.config.tokens.refreshTokenLifetime + 1)
    const expired = await post(u.token, {
      grant_type: 'refresh_token',
      client_id: AKS_CLIENT_APP_ID,
      refresh_token: a.refresh_token,
      scope: SCOPE,
    })
    expectEntraError(expired, 400, 'invalid_grant', 700082)
    expect(expired.body.suberror).toBe('bad_token')
    const b = await signedIn()
    sim.setAccountEnabled(BOB, false)
    try {
      expectEntraError(
        await post(u.token, {
          grant_type: 'refresh_token',
          client_id: AKS_CLIENT_APP_ID,
          refresh_token: b.refresh_token,
          scope: SCOPE,
        }),
        400,
        'invalid_grant',
        50057,
      )
    } finally {
      sim.setAccountEnabled(BOB, true)
    }
    expectEntraError(
      await post(u.token, {
        grant_type: 'refresh_token',
        client_id: AKS_CLIENT_APP_ID,
        refresh_token: 'garbage',
        scope: SCOPE,
      }),
      400,
      'invalid_grant',
      9002313,
    )
  })
})

describe('fault injection', () => {
  it('injects slow_down, 429 with Retry-After and 503, for a number of requests', async () => {
    sim.faults.set('entra.token', { error: 'slow_down', times: 1 })
    expectEntraError(await poll('x'), 400, 'slow_down')
    sim.faults.set('entra.token', { status: 429, retryAfter: 7, times: 1 })
    const throttled = await poll('x')
    expectEntraError(throttled, 429, 'temporarily_unavailable')
    expect(throttled.headers.get('retry-after')).toBe('7')
    sim.faults.set('entra.devicecode', { status: 503, times: 1 })
    expectEntraError(
      await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: SCOPE }),
      503,
      'temporarily_unavailable',
      90033,
    )
    expect((await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: SCOPE })).status).toBe(200)
    expect(sim.faults.list()).toEqual([])
  })
})
