/**
 * Races at the token endpoint and key rotation under load, over real HTTPS: a device code and a refresh
 * token are each redeemed exactly once however many callers race for them, and a rotation of the
 * signing key never makes the webhook refuse a token that was valid when it was issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { expectEntraError, post, urls } from '../helpers/entra.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { callWebhook, tokenReview } from '../helpers/webhook.js'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const SCOPE = `${AKS_SERVER_APP_ID}/.default openid profile offline_access`

let sim: Simulator
let u: ReturnType<typeof urls>

beforeAll(async () => {
  sim = await startTestSimulator()
  u = urls(sim)
})
afterAll(() => sim.stop())

async function approvedCode(): Promise<string> {
  const res = await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: SCOPE })
  expect(res.status).toBe(200)
  sim.approveDeviceCode(res.body.user_code, BOB)
  return res.body.device_code as string
}

const poll = (deviceCode: string) =>
  post(u.token, { grant_type: DEVICE_GRANT, client_id: AKS_CLIENT_APP_ID, device_code: deviceCode })

/** A fresh access and refresh token for bob through the device-code grant. */
async function signIn(): Promise<{ access_token: string; refresh_token: string }> {
  const res = await poll(await approvedCode())
  expect(res.status).toBe(200)
  return res.body
}

describe('races at the token endpoint', () => {
  it('50 concurrent pollers of one approved device code get exactly one token (5 trials)', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const code = await approvedCode()
      const results = await Promise.all(Array.from({ length: 50 }, () => poll(code)))
      expect(results.filter((r) => r.status === 200)).toHaveLength(1)
      for (const r of results.filter((x) => x.status !== 200)) expectEntraError(r, 400, 'invalid_grant')
    }
  })

  it('one refresh token redeemed by 20 concurrent callers has exactly one winner (5 trials)', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const { refresh_token } = await signIn()
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          post(u.token, {
            grant_type: 'refresh_token',
            client_id: AKS_CLIENT_APP_ID,
            refresh_token,
            scope: SCOPE,
          }),
        ),
      )
      const winners = results.filter((r) => r.status === 200)
      expect(winners).toHaveLength(1)
      expect(winners[0]!.body.refresh_token).not.toBe(refresh_token)
      for (const r of results.filter((x) => x.status !== 200)) expectEntraError(r, 400, 'invalid_grant')
    }
  })
})

describe('key rotation under load', () => {
  it('no token valid when issued is refused while the signing key rotates (6 rotations)', async () => {
    const tokens: string[] = []
    const kids = new Set<string>()
    const failures: string[] = []
    const review = async (token: string) => {
      const res = await callWebhook(sim, '/tokenreviews', tokenReview(token))
      if (res.body?.status?.authenticated !== true)
        failures.push(String(res.body?.status?.error ?? res.status))
    }
    for (let round = 0; round < 6; round++) {
      // Sign-ins, reviews of every token issued so far and a rotation, all at once.
      const issued = Promise.all(Array.from({ length: 6 }, () => signIn()))
      const reviews = Promise.all(tokens.map(review))
      await sim.rotateKeys()
      for (const t of await issued) {
        tokens.push(t.access_token)
        kids.add(JSON.parse(Buffer.from(t.access_token.split('.')[0]!, 'base64url').toString()).kid)
      }
      await reviews
    }
    await Promise.all(tokens.map(review))
    expect(failures).toEqual([])
    expect(tokens.length).toBe(36)
    // The tokens really were signed with several keys.
    expect(kids.size).toBeGreaterThan(3)
  })
})
