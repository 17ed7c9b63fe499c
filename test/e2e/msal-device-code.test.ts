import { PublicClientApplication, type DeviceCodeRequest } from '@azure/msal-node'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { ALICE, BOB, CAROL, DAVE, ERIN, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator

beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

/** kubelogin's way: public client, AKS server app scope, knownAuthorities as the "trust" setting. */
function kubeloginLikeApp() {
  const authorityHost = new URL(sim.endpoints.authority).host
  return new PublicClientApplication({
    auth: {
      clientId: AKS_CLIENT_APP_ID,
      authority: `${sim.endpoints.authority}/${sim.endpoints.tenantId}`,
      knownAuthorities: [authorityHost],
    },
  })
}

async function signIn(user: string, app = kubeloginLikeApp()) {
  const prompts: string[] = []
  const request: DeviceCodeRequest = {
    scopes: [`${AKS_SERVER_APP_ID}/.default`],
    deviceCodeCallback: (r) => {
      prompts.push(r.message)
      sim.approveDeviceCode(r.userCode, user)
    },
  }
  const result = await app.acquireTokenByDeviceCode(request)
  return { result: result!, prompts, app }
}

async function verifyAgainstPublishedJwks(token: string) {
  const jwks = await (
    await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/discovery/keys`)
  ).json()
  return jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: `${sim.endpoints.authority}/${sim.endpoints.tenantId}/`,
  })
}

describe('device code sign-in with @azure/msal-node (kubelogin style)', () => {
  it('signs bob in and returns a v1 AKS token with his groups, verifiable against the JWKS', async () => {
    const { result, prompts } = await signIn(BOB)
    expect(prompts[0]).toMatch(
      /^To sign in, use a web browser to open the page https:\/\/.+\/devicelogin and enter the code [A-Z0-9]{9} to authenticate\.$/,
    )
    expect(result.account?.username).toBe(BOB)
    const { payload, protectedHeader } = await verifyAgainstPublishedJwks(result.accessToken)
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect(protectedHeader.kid).toBe(protectedHeader.x5t)
    const engineering = sim.directory.group('engineering')!.id
    const allEmployees = sim.directory.group('all-employees')!.id
    expect(payload).toMatchObject({
      aud: AKS_SERVER_APP_ID,
      ver: '1.0',
      upn: BOB,
      unique_name: BOB,
      appid: AKS_CLIENT_APP_ID,
      appidacr: '0',
      tid: sim.endpoints.tenantId,
      oid: sim.directory.user(BOB)!.id,
      scp: 'user.read',
    })
    expect((payload.groups as string[]).sort()).toEqual([engineering, allEmployees].sort())
    expect(payload.exp! - payload.iat!).toBeGreaterThan(300)
  })

  it('gives dave the groups overage claim instead of 250 groups', async () => {
    const { result } = await signIn(DAVE)
    const { payload } = await verifyAgainstPublishedJwks(result.accessToken)
    expect(payload.groups).toBeUndefined()
    expect(payload._claim_names).toEqual({ groups: 'src1' })
    expect((payload._claim_sources as Record<string, { endpoint: string }>).src1!.endpoint).toBe(
      `https://graph.windows.net/${sim.endpoints.tenantId}/users/${sim.directory.user(DAVE)!.id}/getMemberObjects`,
    )
  })

  it('issues guests tokens without upn', async () => {
    const { result } = await signIn(CAROL)
    const { payload } = await verifyAgainstPublishedJwks(result.accessToken)
    expect(payload.upn).toBeUndefined()
    expect(payload.oid).toBe(sim.directory.user(CAROL)!.id)
    expect(payload.unique_name).toBe('live.com#carol@fabrikam.com')
  })

  it('answers a disabled account with AADSTS50057 on the wire', async () => {
    // msal-node reports any polling error other than authorization_pending as post_request_failed.
    await expect(signIn(ERIN)).rejects.toMatchObject({
      errorCode: 'post_request_failed',
      errorMessage: 'invalid_grant',
    })
    // The request log entry is written when the response finishes, which can trail the client's read.
    await expect
      .poll(() => sim.events.recent({ service: 'entra', type: 'request.completed' }).at(-1)?.data)
      .toMatchObject({ status: 400, reason: 'invalid_grant: The user account is disabled.' })
  })

  it('serves the second token silently from the cache, then refreshes with the rotating refresh token', async () => {
    const { app, result } = await signIn(ALICE)
    const silent = await app.acquireTokenSilent({
      account: result.account!,
      scopes: [`${AKS_SERVER_APP_ID}/.default`],
    })
    expect(silent.fromCache).toBe(true)
    expect(silent.accessToken).toBe(result.accessToken)
    // MSAL's cache runs on the real clock, so ask for a refresh instead of waiting an hour.
    const refreshed = await app.acquireTokenSilent({
      account: result.account!,
      scopes: [`${AKS_SERVER_APP_ID}/.default`],
      forceRefresh: true,
    })
    expect(refreshed.fromCache).toBe(false)
    expect(refreshed.accessToken).not.toBe(result.accessToken)
    const { payload } = await verifyAgainstPublishedJwks(refreshed.accessToken)
    expect(payload.upn).toBe(ALICE)
    expect(decodeProtectedHeader(refreshed.accessToken).kid).toBe(sim.keys().current)
  })
})
