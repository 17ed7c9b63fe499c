import { ClientSecretCredential } from '@azure/identity'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_SERVER_APP_ID, DEMO_WEBHOOK_SECRET, type Simulator } from '../../src/index.js'
import { openapiValidator } from '../helpers/openapi.js'
import { claimsOf, deviceCodeToken } from '../helpers/sign-in.js'
import { ALICE, BOB, CAROL, DAVE, ERIN, startTestSimulator } from '../helpers/sim.js'
import { callWebhook, tokenReview } from '../helpers/webhook.js'

let sim: Simulator
const validate = openapiValidator(
  'apis__authentication.k8s.io__v1_openapi.json',
  'io.k8s.api.authentication.v1.TokenReview',
)

beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

async function review(token: string, extra: Record<string, unknown> = {}, apiVersion?: string) {
  const res = await callWebhook(sim, '/tokenreviews', tokenReview(token, extra, apiVersion))
  expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true)
  return res
}

describe('TokenReview with real tokens from the device code flow (msal-node)', () => {
  it('authenticates bob with the groups from his token, and answers in the version asked', async () => {
    const token = await deviceCodeToken(sim, BOB)
    const groups = [sim.directory.group('engineering')!.id, sim.directory.group('all-employees')!.id]
    for (const v of ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1']) {
      const res = await review(token, {}, v)
      expect(res.status).toBe(200)
      expect(res.body.apiVersion).toBe(v)
      expect(res.body.status.authenticated).toBe(true)
      expect(res.body.status.user.username).toBe(BOB)
      expect(res.body.status.user.groups.sort()).toEqual(groups.sort())
      expect(res.body.status.user.extra).toEqual({ oid: [sim.directory.user(BOB)!.id] })
      expect(res.body.status.user.uid).toBeUndefined()
    }
    const events = sim.events.recent({ type: 'token_review.completed' })
    expect(events.at(-2)!.data).toMatchObject({ groupsSource: 'claim', cached: false })
    expect(events.at(-1)!.data).toMatchObject({ cached: true })
  })

  it('resolves dave’s groups through Graph when his token carries the overage claim', async () => {
    const token = await deviceCodeToken(sim, DAVE)
    expect(claimsOf(token)._claim_names).toEqual({ groups: 'src1' })
    const res = await review(token)
    expect(res.body.status.authenticated).toBe(true)
    expect(res.body.status.user.groups).toHaveLength(250)
    expect(res.body.status.user.groups).toContain(sim.directory.group('sre')!.id)
    expect(sim.events.recent({ type: 'token_review.completed' }).at(-1)!.data).toMatchObject({
      groupsSource: 'graph',
    })
    await expect
      .poll(() => sim.events.recent({ service: 'graph', type: 'request.completed' }).at(-1)?.data)
      .toMatchObject({
        method: 'POST',
        path: `/v1.0/users/${encodeURIComponent(DAVE)}/getMemberGroups`,
        status: 200,
      })
  })

  it('names carol, a guest without upn, by her object id', async () => {
    const res = await review(await deviceCodeToken(sim, CAROL))
    expect(res.body.status.user.username).toBe(sim.directory.user(CAROL)!.id)
  })

  it('refuses erin once her account is disabled, even with a token issued before', async () => {
    sim.setAccountEnabled(ERIN, true)
    const token = await deviceCodeToken(sim, ERIN)
    expect((await review(token)).body.status.authenticated).toBe(true)
    sim.setAccountEnabled(ERIN, false)
    const res = await review(token)
    expect(res.body.status.authenticated).toBeUndefined()
    expect(res.body.status.error).toBe(
      'user erin@contoso.onmicrosoft.com is disabled (accountEnabled: false)',
    )
  })

  it('authenticates a service principal’s app token by its object id', async () => {
    const webhook = sim.directory.application('aks-webhook')!
    const credential = new ClientSecretCredential(
      sim.endpoints.tenantId,
      webhook.appId,
      DEMO_WEBHOOK_SECRET,
      {
        authorityHost: sim.endpoints.authority,
        disableInstanceDiscovery: true,
      },
    )
    const { token } = await credential.getToken(`${AKS_SERVER_APP_ID}/.default`)
    expect(claimsOf(token).idtyp).toBe('app')
    const res = await review(token)
    expect(res.body.status).toMatchObject({
      authenticated: true,
      user: { username: webhook.servicePrincipalId, extra: { oid: [webhook.servicePrincipalId] } },
    })
  })
})

describe('caching and audiences', () => {
  it('never serves a cached review beyond the token’s exp', async () => {
    const token = await deviceCodeToken(sim, ALICE)
    expect((await review(token)).body.status.authenticated).toBe(true)
    expect((await review(token)).body.status.authenticated).toBe(true)
    sim.advanceClock(claimsOf(token).exp - sim.clockSource.nowSeconds())
    const res = await review(token)
    expect(res.body.status.error).toMatch(
      /^failed to verify token for azure: oidc: token is expired \(Token Expiry: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\)$/,
    )
  })

  it('honours spec.audiences and returns status.audiences', async () => {
    const token = await deviceCodeToken(sim, BOB)
    const ok = await review(token, { audiences: ['https://kubernetes.default.svc', 'https://elsewhere'] })
    expect(ok.body.status).toMatchObject({
      authenticated: true,
      audiences: ['https://kubernetes.default.svc'],
    })
    const no = await review(token, { audiences: ['https://elsewhere'] })
    expect(no.body.status.authenticated).toBeUndefined()
    expect(no.body.status.error).toContain('not served by this webhook')
  })

  it('picks up a rotated signing key at once (refresh on unknown kid)', async () => {
    await sim.rotateKeys()
    const res = await review(await deviceCodeToken(sim, BOB))
    expect(res.body.status.authenticated).toBe(true)
  })
})

describe('failures of the path around the token', () => {
  it('fails closed with a retryable 500 when Graph is down', async () => {
    sim.faults.set('graph.*', { status: 503, retryAfter: 1 })
    try {
      const res = await review(await deviceCodeToken(sim, DAVE))
      expect(res.status).toBe(500)
      expect(res.body.status.authenticated).toBeUndefined()
      expect(res.body.status.error).toMatch(
        /^failed to get groups: request \/v1\.0\/users\/.+\/getMemberGroups failed with status code: 503/,
      )
    } finally {
      sim.faults.clear()
    }
  })

  it('requires the API server’s client certificate with organisation azure', async () => {
    const token = await deviceCodeToken(sim, BOB)
    const none = await callWebhook(sim, '/tokenreviews', tokenReview(token), { cert: null })
    expect(none.status).toBe(400)
    expect(none.body.status.error).toBe('Missing client certificate')
    const other = await callWebhook(sim, '/tokenreviews', tokenReview(token), {
      cert: await sim.pki.clientCert('someone-else', { cn: 'x', o: ['acme'] }),
    })
    expect(other.body.status.error).toBe('guard does not provide service for acme')
  })
})
