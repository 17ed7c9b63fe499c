import * as client from 'openid-client'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

describe('openid-client device authorization grant', () => {
  it('discovers the tenant, completes the flow, validates the id_token, and refreshes', async () => {
    const issuer = new URL(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/v2.0`)
    const config = await client.discovery(issuer, AKS_CLIENT_APP_ID)
    const start = await client.initiateDeviceAuthorization(config, {
      scope: `openid profile offline_access ${AKS_SERVER_APP_ID}/.default`,
    })
    expect(start.verification_uri).toBe(sim.endpoints.deviceLogin)
    sim.approveDeviceCode(start.user_code, BOB)
    const tokens = await client.pollDeviceAuthorizationGrant(config, start)
    expect(tokens.token_type).toBe('bearer')
    const claims = tokens.claims()!
    expect(claims).toMatchObject({
      iss: issuer.href,
      aud: AKS_CLIENT_APP_ID,
      preferred_username: BOB,
      tid: sim.endpoints.tenantId,
    })
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!))
    const { payload } = await jwtVerify(tokens.access_token, jwks, { audience: AKS_SERVER_APP_ID })
    expect(payload.upn).toBe(BOB)
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, {
      scope: `${AKS_SERVER_APP_ID}/.default`,
    })
    expect(refreshed.access_token).not.toBe(tokens.access_token)
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
  })

  it('reports declined and expired codes as OAuth errors', async () => {
    const config = await client.discovery(
      new URL(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/v2.0`),
      AKS_CLIENT_APP_ID,
    )
    const declined = await client.initiateDeviceAuthorization(config, {
      scope: `openid ${AKS_SERVER_APP_ID}/.default`,
    })
    sim.declineDeviceCode(declined.user_code, BOB)
    await expect(client.pollDeviceAuthorizationGrant(config, declined)).rejects.toMatchObject({
      error: 'authorization_declined',
      status: 400,
    })
    const expired = await client.initiateDeviceAuthorization(config, {
      scope: `openid ${AKS_SERVER_APP_ID}/.default`,
    })
    sim.advanceClock(expired.expires_in)
    await expect(client.pollDeviceAuthorizationGrant(config, expired)).rejects.toMatchObject({
      error: 'expired_token',
    })
  })
})
