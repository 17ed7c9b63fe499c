import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { expectEntraError } from '../helpers/entra.js'
import { startTestSimulator } from '../helpers/sim.js'
import { claimsOf, exchange, foreignSigned, podToken } from './helpers.js'

const ORDERS = DEMO_POD_IDENTITY.ordersClientId
const BILLING = DEMO_POD_IDENTITY.billingAppId
let sim: Simulator
const issuerUrl = () => sim.podIdentity.issuer.issuer()

beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

/** Adds a federated credential to the billing app for the duration of a test. */
function withCredential(fic: { name: string; issuer?: string; subject: string; audiences?: string[] }) {
  return sim.podIdentity.credentials.create(BILLING, {
    issuer: issuerUrl(),
    audiences: ['api://AzureADTokenExchange'],
    ...fic,
  })
}

describe('token exchange: success', () => {
  it('a managed identity gets a v1 app-only token with xms_mirid that lives a day', async () => {
    const res = await exchange(sim, ORDERS, await podToken(sim, 'dev', 'orders-api-0'))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 86399, ext_expires_in: 86399 })
    expect(res.body.refresh_token).toBeUndefined()
    const c = claimsOf(res.body.access_token)
    const mi = sim.podIdentity.identityByClientId(ORDERS)!
    expect(c).toMatchObject({
      aud: 'https://graph.microsoft.com',
      appid: ORDERS,
      appidacr: '2',
      idtyp: 'app',
      oid: mi.principalId,
      sub: mi.principalId,
      tid: sim.endpoints.tenantId,
      ver: '1.0',
      roles: ['Group.Read.All'],
      xms_mirid: `/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-aks-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-api-identity`,
    })
    expect(c.exp - c.iat).toBe(86_400)
  })

  it('an app registration gets its own token, without xms_mirid and with the tenant lifetime', async () => {
    const res = await exchange(sim, BILLING, await podToken(sim, 'prod', 'billing-0'))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const c = claimsOf(res.body.access_token)
    expect(c).toMatchObject({
      appid: BILLING,
      appidacr: '2',
      oid: DEMO_POD_IDENTITY.billingServicePrincipalId,
    })
    expect(c.xms_mirid).toBeUndefined()
    expect(c.exp - c.iat).toBe(sim.config.tokens.accessTokenLifetime)
  })
})

describe('token exchange: matching failures', () => {
  it('an issuer without the trailing slash does not match: 401 AADSTS700211 naming the presented issuer', async () => {
    const res = await exchange(
      sim,
      DEMO_POD_IDENTITY.inventoryClientId,
      await podToken(sim, 'dev', 'inventory-0'),
    )
    expectEntraError(res, 401, 'invalid_client', 700211)
    expect(res.body.error_description).toContain(`presented assertion issuer '${issuerUrl()}'`)
    expect(res.body.access_token).toBeUndefined()
  })

  it('a subject typo is AADSTS700213; a case-only difference is AADSTS7002138', async () => {
    const token = await podToken(sim, 'prod', 'billing-0')
    const typo = withCredential({ name: 'typo', subject: 'system:serviceaccount:prod:biling' })
    sim.podIdentity.credentials.remove(BILLING, 'aks-demo-prod-billing')
    try {
      let res = await exchange(sim, BILLING, token)
      expect(res.status).toBe(401)
      expect(res.body.error_codes).toEqual([700213])
      expect(res.body.error_description).toContain(`assertion subject 'system:serviceaccount:prod:billing'`)
      withCredential({ name: 'upper', subject: 'system:serviceaccount:prod:Billing' })
      res = await exchange(sim, BILLING, token)
      expect(res.status).toBe(401)
      expect(res.body.error_codes).toEqual([7002138])
      expect(res.body.error_description).toContain(
        'matches with case-insensitive comparison, but not with case-sensitive comparison',
      )
    } finally {
      sim.podIdentity.credentials.remove(BILLING, typo.id)
      sim.podIdentity.credentials.remove(BILLING, 'upper')
      withCredential({ name: 'aks-demo-prod-billing', subject: 'system:serviceaccount:prod:billing' })
    }
  })

  it('a token for another audience is AADSTS700212', async () => {
    const res = await exchange(
      sim,
      BILLING,
      await podToken(sim, 'prod', 'billing-0', 'api://AKSIdentityBinding'),
    )
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ error: 'invalid_client', error_codes: [700212] })
    expect(res.body.error_description).toContain("presented assertion audience 'api://AKSIdentityBinding'")
  })

  it('legacy mode answers every mismatch with 400 invalid_request AADSTS70021 listing issuer, subject and audience', async () => {
    sim.podIdentity.settings.federation.legacyErrors = true
    try {
      const res = await exchange(
        sim,
        DEMO_POD_IDENTITY.inventoryClientId,
        await podToken(sim, 'dev', 'inventory-0'),
      )
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ error: 'invalid_request', error_codes: [70021] })
      expect(res.body.error_description).toContain(
        `Assertion Issuer: '${issuerUrl()}'. Assertion Subject: 'system:serviceaccount:dev:inventory'. Assertion Audience: 'api://AzureADTokenExchange'.`,
      )
    } finally {
      sim.podIdentity.settings.federation.legacyErrors = false
    }
  })

  it('a new credential keeps failing with AADSTS70021 until it has propagated', async () => {
    sim.podIdentity.settings.federation.propagationDelaySeconds = 120
    const token = await podToken(sim, 'dev', 'orders-api-0')
    const fic = withCredential({ name: 'orders-on-billing', subject: 'system:serviceaccount:dev:orders-api' })
    try {
      const early = await exchange(sim, BILLING, token)
      expect(early.status).toBe(401)
      expect(early.body.error_codes).toEqual([70021])
      sim.advanceClock(121)
      const later = await exchange(sim, BILLING, await podToken(sim, 'dev', 'orders-api-0'))
      expect(later.status, JSON.stringify(later.body)).toBe(200)
      expect(claimsOf(later.body.access_token).appid).toBe(BILLING)
    } finally {
      sim.podIdentity.settings.federation.propagationDelaySeconds = 0
      sim.podIdentity.credentials.remove(BILLING, fic.id)
    }
  })
})

describe('token exchange: time, issuer keys and signatures', () => {
  it('an expired assertion is AADSTS700024 with the times Entra prints', async () => {
    const token = await podToken(sim, 'dev', 'orders-api-0')
    sim.advanceClock(3600 + 301)
    const res = await exchange(sim, ORDERS, token)
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ error: 'invalid_client', error_codes: [700024] })
    expect(res.body.error_description).toMatch(
      /Client assertion is not within its valid time range\. Current time: \d{4}-\d\d-\d\dT[\d:.]+Z, assertion valid from \d{4}-\d\d-\d\dT[\d:.]+Z, expiry time of assertion \d{4}-/,
    )
  })

  it('an assertion signed by a key the issuer never published is refused (700027), never a token', async () => {
    const token = await podToken(sim, 'dev', 'orders-api-0')
    for (const forged of [
      await foreignSigned(token),
      await foreignSigned(token, { kid: 'not-a-published-kid' }),
    ]) {
      const res = await exchange(sim, ORDERS, forged)
      expect(res.status).toBe(401)
      expect(res.body.error_codes).toEqual([700027])
      expect(res.body.access_token).toBeUndefined()
    }
  })

  it('a token signed after key rotation verifies (Entra re-fetches the JWKS for an unknown kid)', async () => {
    expect((await exchange(sim, ORDERS, await podToken(sim, 'dev', 'orders-api-0'))).status).toBe(200)
    await sim.podIdentity.issuer.rotate()
    const res = await exchange(sim, ORDERS, await podToken(sim, 'dev', 'orders-api-0'))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  })

  it('issuer discovery unreachable is 400 AADSTS90061; an unparseable JWKS is 400 AADSTS900612', async () => {
    const token = await podToken(sim, 'dev', 'orders-api-0')
    const sw = sim.podIdentity.issuer.switches
    sim.podIdentity.metadataCache.clear()
    sw.offline = true
    try {
      const res = await exchange(sim, ORDERS, token)
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ error: 'invalid_request', error_codes: [90061] })
      expect(res.body.error_description).toMatch(/^AADSTS90061: Request to External OIDC endpoint failed\./)
    } finally {
      sw.offline = false
    }
    sw.brokenJwks = true
    try {
      const res = await exchange(sim, ORDERS, token)
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ error: 'invalid_request', error_codes: [900612] })
    } finally {
      sw.brokenJwks = false
    }
    expect((await exchange(sim, ORDERS, token)).status).toBe(200)
  })

  it('the in-cluster issuer (OIDC issuer not enabled) matches no credential', async () => {
    sim.podIdentity.issuer.setOidcEnabled(false)
    try {
      const token = await podToken(sim, 'dev', 'orders-api-0')
      expect(claimsOf(token).iss).toBe('https://kubernetes.default.svc.cluster.local')
      const res = await exchange(sim, ORDERS, token)
      expect(res.status).toBe(401)
      expect(res.body.error_codes).toEqual([700211])
    } finally {
      sim.podIdentity.issuer.setOidcEnabled(true)
    }
  })
})

describe('token exchange: bad assertions', () => {
  it('malformed assertions are 401 AADSTS50027', async () => {
    for (const bad of [
      '',
      'not-a-jwt',
      'a.b.c',
      'eyJhbGciOiJub25lIn0.e30.',
      Buffer.from('{}').toString('base64url'),
    ]) {
      const res = await exchange(sim, ORDERS, bad)
      expect(res.status, bad).toBe(401)
      expect(res.body.error_codes).toEqual([50027])
    }
  })

  it('an oversized assertion is refused with 413 AADSTS90011, not processed', async () => {
    const token = await podToken(sim, 'dev', 'orders-api-0')
    const res = await exchange(sim, ORDERS, token + 'A'.repeat(70_000))
    expect(res.status).toBe(413)
    expect(res.body.error_codes).toEqual([90011])
  })

  it('an assertion without exp is malformed once the credential matched', async () => {
    const token = await podToken(sim, 'dev', 'orders-api-0')
    const { exp: _exp, ...claims } = claimsOf(token)
    const { SignJWT } = await import('jose')
    const key = sim.podIdentity.issuer.current()
    const noExp = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .sign(key.privateKey)
    const res = await exchange(sim, ORDERS, noExp)
    expect(res.status).toBe(401)
    expect(res.body.error_codes).toEqual([50027])
  })
})
