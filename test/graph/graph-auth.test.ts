import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { ALICE, BOB, startTestSimulator } from '../helpers/sim.js'
import {
  appToken,
  expectGraphError,
  graphFetch,
  graphScenario,
  MEMBERS_ONLY,
  makeCert,
  NOTHING,
  READER,
  userToken,
} from './helpers.js'

let sim: Simulator
let reader: string
let nothing: string
let bobUserRead: string

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: graphScenario(), keys: { rotationGraceSeconds: 60 } })
  reader = await appToken(sim, READER)
  nothing = await appToken(sim, NOTHING)
  bobUserRead = (await userToken(sim, BOB, 'https://graph.microsoft.com/User.Read')).access_token
})
afterAll(() => sim.stop())

describe('Graph token checks', () => {
  it('answers a missing or empty token with 401 InvalidAuthenticationToken and WWW-Authenticate', async () => {
    for (const headers of [{}, { authorization: 'Bearer' }, { authorization: 'Basic abc' }] as Record<
      string,
      string
    >[]) {
      const a = await graphFetch(sim, '/v1.0/users', { headers })
      expectGraphError(a, 401, 'InvalidAuthenticationToken', 'Access token is empty.')
      expect(a.headers.get('www-authenticate')).toBe(
        `Bearer realm="", authorization_uri="${sim.endpoints.authority}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      )
    }
  })

  it('refuses a token for another audience', async () => {
    const arm = await appToken(sim, READER, 'https://management.azure.com/.default')
    expectGraphError(
      await graphFetch(sim, '/v1.0/users', { token: arm }),
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure. Invalid audience.',
    )
  })

  it('refuses malformed, forged and foreign-issuer tokens', async () => {
    expectGraphError(
      await graphFetch(sim, '/v1.0/users', { token: 'abc' }),
      401,
      'InvalidAuthenticationToken',
      /CompactToken parsing failed/,
    )
    const [h, p] = reader.split('.')
    expectGraphError(
      await graphFetch(sim, '/v1.0/users', { token: `${h}.${p}.AAAA` }),
      401,
      'InvalidAuthenticationToken',
      /Invalid signature/,
    )
    const other = await makeCert('attacker')
    const forged = await new SignJWT({ aud: 'https://graph.microsoft.com', roles: ['Directory.Read.All'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'x' })
      .sign(other.privateKey)
    expectGraphError(
      await graphFetch(sim, '/v1.0/users', { token: forged }),
      401,
      'InvalidAuthenticationToken',
    )
  })

  it('refuses a token whose signing key left the JWKS, and an expired token', async () => {
    const t = await appToken(sim, READER)
    expect((await graphFetch(sim, '/v1.0/users', { token: t })).status).toBe(200)
    await sim.rotateKeys()
    // The old key stays published for the grace period (60 s here): still valid.
    expect((await graphFetch(sim, '/v1.0/users', { token: t })).status).toBe(200)
    sim.advanceClock(120)
    expectGraphError(
      await graphFetch(sim, '/v1.0/users', { token: t }),
      401,
      'InvalidAuthenticationToken',
      /Invalid signature/,
    )
    const fresh = await appToken(sim, READER)
    expect((await graphFetch(sim, '/v1.0/users', { token: fresh })).status).toBe(200)
    sim.advanceClock(2 * 3600)
    expectGraphError(
      await graphFetch(sim, '/v1.0/users', { token: fresh }),
      401,
      'InvalidAuthenticationToken',
      'Lifetime validation failed, the token is expired.',
    )
    reader = await appToken(sim, READER)
    nothing = await appToken(sim, NOTHING)
    bobUserRead = (await userToken(sim, BOB, 'https://graph.microsoft.com/User.Read')).access_token
  })
})

describe('Graph permissions', () => {
  it('forbids an app without roles (Authorization_RequestDenied)', async () => {
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/getMemberGroups`, {
        token: nothing,
        body: { securityEnabledOnly: false },
      }),
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/nobody@contoso.onmicrosoft.com`, { token: nothing }),
      403,
      'Authorization_RequestDenied',
    )
  })

  it('answers /me with an app token with 400 BadRequest', async () => {
    expectGraphError(
      await graphFetch(sim, '/v1.0/me', { token: reader }),
      400,
      'BadRequest',
      '/me request is only valid with delegated authentication flow.',
    )
  })

  it('lets User.Read read oneself and check one’s own groups, but not others', async () => {
    expect((await graphFetch(sim, '/v1.0/me', { token: bobUserRead })).body.userPrincipalName).toBe(BOB)
    const eng = sim.directory.group('engineering')!.id
    const check = await graphFetch(sim, '/v1.0/me/checkMemberGroups', {
      token: bobUserRead,
      body: { groupIds: [eng] },
    })
    expect(check.body.value).toEqual([eng])
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${ALICE}`, { token: bobUserRead }),
      403,
      'Authorization_RequestDenied',
    )
    expectGraphError(
      await graphFetch(sim, '/v1.0/me/getMemberGroups', {
        token: bobUserRead,
        body: { securityEnabledOnly: false },
      }),
      403,
      'Authorization_RequestDenied',
    )
  })

  it('returns limited information for objects the caller may not read', async () => {
    // /me/memberOf with only User.Read: the groups, with every property but id null.
    const mine = await graphFetch(sim, '/v1.0/me/memberOf', { token: bobUserRead })
    expect(mine.status).toBe(200)
    const eng = mine.body.value.find((g: { id: string }) => g.id === sim.directory.group('engineering')!.id)
    expect(eng['@odata.type']).toBe('#microsoft.graph.group')
    expect(eng.displayName).toBeNull()
    // GroupMember.Read.All without User.Read.All: member users come back limited.
    const membersOnly = await appToken(sim, MEMBERS_ONLY)
    const members = await graphFetch(sim, `/v1.0/groups/${sim.directory.group('engineering')!.id}/members`, {
      token: membersOnly,
    })
    expect(members.body.value).toEqual([
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.user',
        id: sim.directory.user(BOB)!.id,
        userPrincipalName: null,
      }),
    ])
  })

  it('requires Directory.Read.All for getByIds', async () => {
    const membersOnly = await appToken(sim, MEMBERS_ONLY)
    expectGraphError(
      await graphFetch(sim, '/v1.0/directoryObjects/getByIds', {
        token: membersOnly,
        body: { ids: [sim.directory.user(BOB)!.id] },
      }),
      403,
      'Authorization_RequestDenied',
    )
  })
})
