import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { BOB, CAROL, startTestSimulator } from '../helpers/sim.js'
import {
  appToken,
  graphScenario,
  MIDDLE_TIER,
  NO_CONSENT,
  postToken,
  PUBLIC_CLIENT,
  READER,
  userToken,
} from './helpers.js'

let sim: Simulator
let bobForApi: string

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: graphScenario() })
  bobForApi = (await userToken(sim, BOB, `${MIDDLE_TIER.uri}/access_as_user`)).access_token
})
afterAll(() => sim.stop())

const obo = (
  assertion: string,
  extra: Record<string, string> = {},
  client: { appId: string; secret: string } = MIDDLE_TIER,
) =>
  postToken(sim, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    requested_token_use: 'on_behalf_of',
    client_id: client.appId,
    client_secret: client.secret,
    assertion,
    scope: 'https://graph.microsoft.com/.default',
    ...extra,
  })

function expectInvalidGrant(r: { status: number; body: Record<string, unknown> }, code: number) {
  expect(r.status).toBe(400)
  expect(r.body.error).toBe('invalid_grant')
  expect(r.body.error_codes).toEqual([code])
}

describe('on-behalf-of', () => {
  it('exchanges a user token for the middle tier into a Graph token for the same user', async () => {
    expect(decodeJwt(bobForApi).aud).toBe(MIDDLE_TIER.appId)
    const r = await obo(bobForApi)
    expect(r.status).toBe(200)
    expect(r.body.refresh_token).toBeUndefined()
    const p = decodeJwt(r.body.access_token as string)
    const bob = sim.directory.user(BOB)!
    expect(p).toMatchObject({
      aud: 'https://graph.microsoft.com',
      ver: '1.0',
      oid: bob.id,
      upn: BOB,
      tid: sim.endpoints.tenantId,
      appid: MIDDLE_TIER.appId,
      scp: 'User.Read GroupMember.Read.All',
    })
    expect(p.idtyp).toBeUndefined()
  })

  it('returns a refresh token and an ID token when offline_access and openid are asked for (msal-node)', async () => {
    const r = await obo(bobForApi, {
      scope: 'https://graph.microsoft.com/User.Read openid profile offline_access',
      client_info: '1',
    })
    expect(r.status).toBe(200)
    expect(typeof r.body.refresh_token).toBe('string')
    expect(typeof r.body.id_token).toBe('string')
    expect(decodeJwt(r.body.access_token as string).scp).toBe('User.Read')
    const refreshed = await postToken(sim, {
      grant_type: 'refresh_token',
      client_id: MIDDLE_TIER.appId,
      client_secret: MIDDLE_TIER.secret,
      refresh_token: r.body.refresh_token as string,
      scope: 'https://graph.microsoft.com/.default',
    })
    expect(refreshed.status).toBe(200)
    expect(decodeJwt(refreshed.body.access_token as string).upn).toBe(BOB)
  })

  it('accepts an assertion addressed to the identifier URI, and keeps guests without upn', async () => {
    const carol = (await userToken(sim, CAROL, `${MIDDLE_TIER.uri}/access_as_user`)).access_token
    const r = await obo(carol)
    expect(r.status).toBe(200)
    const p = decodeJwt(r.body.access_token as string)
    expect(p.oid).toBe(sim.directory.user(CAROL)!.id)
    expect(p.upn).toBeUndefined()
  })

  it('refuses an assertion for another audience with AADSTS500131', async () => {
    const forGraph = (await userToken(sim, BOB, 'https://graph.microsoft.com/User.Read')).access_token
    const r = await obo(forGraph)
    expectInvalidGrant(r, 500131)
    expect(r.body.error_description).toMatch(
      /Assertion audience does not match the Client app presenting the assertion/,
    )
  })

  it('refuses an app-only assertion', async () => {
    const app = await appToken(sim, READER, `${MIDDLE_TIER.uri}/.default`)
    expectInvalidGrant(await obo(app), 7000113)
  })

  it('refuses tampered, malformed and expired assertions', async () => {
    const [h, p, s] = bobForApi.split('.')
    const tampered = `${h}.${p}.${s!.slice(0, -4)}AAAA`
    expectInvalidGrant(await obo(tampered), 50013)
    expectInvalidGrant(await obo('garbage'), 50027)
    const fresh = (await userToken(sim, BOB, `${MIDDLE_TIER.uri}/access_as_user`)).access_token
    sim.advanceClock(2 * 3600)
    expectInvalidGrant(await obo(fresh), 500133)
  })

  it('asks for consent (AADSTS65001) when the middle tier has none for the resource', async () => {
    const forNoConsent = (await userToken(sim, BOB, `${NO_CONSENT.appId}/access_as_user`)).access_token
    const r = await obo(forNoConsent, {}, NO_CONSENT)
    expectInvalidGrant(r, 65001)
    expect(r.body.suberror).toBe('consent_required')
    const fresh = (await userToken(sim, BOB, `${MIDDLE_TIER.uri}/access_as_user`)).access_token
    const notConsented = await obo(fresh, { scope: 'https://graph.microsoft.com/Directory.Read.All' })
    expectInvalidGrant(notConsented, 65001)
  })

  it('requires requested_token_use, an assertion and a confidential client', async () => {
    const missing = await obo(bobForApi, { requested_token_use: '' })
    expect(missing.body.error).toBe('invalid_request')
    const noAssertion = await obo('')
    expect(noAssertion.body.error).toBe('invalid_request')
    const pub = await postToken(sim, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: PUBLIC_CLIENT.appId,
      assertion: bobForApi,
      scope: 'https://graph.microsoft.com/.default',
    })
    expect(pub.status).toBe(401)
    expect(pub.body.error_codes).toEqual([7000218])
  })
})
