import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_SERVER_APP_ID, GRAPH_APP_ID, type Simulator } from '../../src/index.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { graphScenario, NOTHING, postToken, PUBLIC_CLIENT, READER } from './helpers.js'

let sim: Simulator

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: graphScenario() })
})
afterAll(() => sim.stop())

const cc = (extra: Record<string, string>) => ({ grant_type: 'client_credentials', ...extra })
const readerSecret = { client_id: READER.appId, client_secret: READER.secret }

function expectAadError(
  r: { status: number; body: Record<string, unknown> },
  status: number,
  error: string,
  code: number,
) {
  expect(r.status).toBe(status)
  expect(r.body.error).toBe(error)
  expect(r.body.error_codes).toEqual([code])
  expect(r.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `))
}

describe('client_credentials with a client secret', () => {
  it('issues a v1 app-only Graph token with the granted roles and nothing user-shaped', async () => {
    const r = await postToken(sim, cc({ ...readerSecret, scope: 'https://graph.microsoft.com/.default' }))
    expect(r.status).toBe(200)
    expect(Object.keys(r.body).sort()).toEqual(['access_token', 'expires_in', 'ext_expires_in', 'token_type'])
    expect(r.body.token_type).toBe('Bearer')
    const jwks = await (
      await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/discovery/keys`)
    ).json()
    const { payload } = await jwtVerify(r.body.access_token as string, createLocalJWKSet(jwks), {
      issuer: `${sim.endpoints.authority}/${sim.endpoints.tenantId}/`,
      audience: 'https://graph.microsoft.com',
    })
    const sp = sim.directory.application(READER.appId)!.servicePrincipalId
    expect(payload).toMatchObject({
      ver: '1.0',
      idtyp: 'app',
      appid: READER.appId,
      appidacr: '1',
      oid: sp,
      sub: sp,
      tid: sim.endpoints.tenantId,
      app_displayname: READER.name,
    })
    expect((payload.roles as string[]).sort()).toEqual(
      ['Application.Read.All', 'Directory.Read.All', 'GroupMember.Read.All', 'User.Read.All'].sort(),
    )
    for (const claim of ['scp', 'upn', 'name', 'preferred_username', 'unique_name', 'groups'])
      expect(payload[claim]).toBeUndefined()
  })

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from(`${READER.appId}:${READER.secret}`).toString('base64')
    const r = await postToken(sim, cc({ scope: `${GRAPH_APP_ID}/.default` }), {
      headers: { authorization: `Basic ${basic}` },
    })
    expect(r.status).toBe(200)
    // Requested by GUID, the audience is the GUID.
    expect(decodeJwt(r.body.access_token as string).aud).toBe(GRAPH_APP_ID)
  })

  it('omits roles when the app holds no application permission on the resource', async () => {
    const r = await postToken(
      sim,
      cc({
        client_id: NOTHING.appId,
        client_secret: NOTHING.secret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    )
    expect(r.status).toBe(200)
    const p = decodeJwt(r.body.access_token as string)
    expect(p.roles).toBeUndefined()
    expect(p.idtyp).toBe('app')
  })

  it('issues tokens for ARM and the AKS server app as v1 and for a v2 resource as v2', async () => {
    const arm = await postToken(sim, cc({ ...readerSecret, scope: 'https://management.azure.com//.default' }))
    expect(decodeJwt(arm.body.access_token as string)).toMatchObject({
      aud: 'https://management.azure.com/',
      ver: '1.0',
    })
    const aks = await postToken(sim, cc({ ...readerSecret, scope: `${AKS_SERVER_APP_ID}/.default` }))
    expect(decodeJwt(aks.body.access_token as string)).toMatchObject({
      aud: AKS_SERVER_APP_ID,
      ver: '1.0',
      idtyp: 'app',
    })
    const v2 = await postToken(sim, cc({ ...readerSecret, scope: 'api://middle-tier/.default' }))
    const p = decodeJwt(v2.body.access_token as string)
    expect(p).toMatchObject({ ver: '2.0', azp: READER.appId, azpacr: '1', idtyp: 'app' })
    expect(p.appid).toBeUndefined()
  })

  it('serves the v1 endpoint with resource= and string numbers, without scope', async () => {
    const r = await postToken(sim, cc({ ...readerSecret, resource: 'https://graph.microsoft.com' }), {
      v: 'v1',
    })
    expect(r.status).toBe(200)
    expect(r.body.scope).toBeUndefined()
    expect(r.body.resource).toBe('https://graph.microsoft.com')
    expect(typeof r.body.expires_on).toBe('string')
    expect(decodeJwt(r.body.access_token as string).roles).toContain('GroupMember.Read.All')
  })
})

describe('guard-style Graph access', () => {
  it('treats https://{msgraph_host}/.default as Graph, and Graph accepts that audience', async () => {
    const meta = await (
      await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/.well-known/openid-configuration`)
    ).json()
    const graphHost = new URL(sim.endpoints.graph as string).host
    expect(meta.msgraph_host).toBe(graphHost)
    // guard: scope=https://{msgraph_host}/.default, then POST https://{msgraph_host}/v1.0/users/{upn}/getMemberGroups
    const r = await postToken(sim, cc({ ...readerSecret, scope: `https://${meta.msgraph_host}/.default` }))
    expect(r.status).toBe(200)
    const token = r.body.access_token as string
    expect(decodeJwt(token)).toMatchObject({
      aud: `https://${graphHost}`,
      roles: expect.arrayContaining(['GroupMember.Read.All']),
    })
    const groups = await fetch(`https://${meta.msgraph_host}/v1.0/users/${BOB}/getMemberGroups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"securityEnabledOnly": false}',
    })
    expect(groups.status).toBe(200)
    expect(((await groups.json()) as { value: string[] }).value).toContain(
      sim.directory.group('engineering')!.id,
    )
  })
})

describe('client_credentials errors', () => {
  it('answers a wrong secret with 401 invalid_client AADSTS7000215', async () => {
    const r = await postToken(
      sim,
      cc({
        client_id: READER.appId,
        client_secret: 'nope-nope',
        scope: 'https://graph.microsoft.com/.default',
      }),
    )
    expectAadError(r, 401, 'invalid_client', 7000215)
  })

  it('answers an unknown application with AADSTS700016', async () => {
    const r = await postToken(
      sim,
      cc({
        client_id: '11111111-2222-3333-4444-555555555555',
        client_secret: 'x',
        scope: 'https://graph.microsoft.com/.default',
      }),
    )
    expectAadError(r, 400, 'unauthorized_client', 700016)
  })

  it('requires a credential, and refuses public clients', async () => {
    expectAadError(
      await postToken(sim, cc({ client_id: READER.appId, scope: 'https://graph.microsoft.com/.default' })),
      401,
      'invalid_client',
      7000218,
    )
    expectAadError(
      await postToken(
        sim,
        cc({ client_id: PUBLIC_CLIENT.appId, scope: 'https://graph.microsoft.com/.default' }),
      ),
      401,
      'invalid_client',
      7000218,
    )
  })

  it('accepts only a single <resource>/.default scope', async () => {
    for (const scope of ['https://graph.microsoft.com/User.Read.All', 'User.Read.All', '.default', 'openid'])
      expectAadError(await postToken(sim, cc({ ...readerSecret, scope })), 400, 'invalid_scope', 1002012)
    expectAadError(
      await postToken(
        sim,
        cc({
          ...readerSecret,
          scope: 'https://graph.microsoft.com/.default https://management.azure.com/.default',
        }),
      ),
      400,
      'invalid_scope',
      70011,
    )
    expectAadError(
      await postToken(sim, cc({ ...readerSecret, scope: 'https://graph.microsoft.com/.default openid' })),
      400,
      'invalid_scope',
      1002012,
    )
  })

  it('names an unknown resource (AADSTS500011) and a missing scope (AADSTS900144)', async () => {
    expectAadError(
      await postToken(sim, cc({ ...readerSecret, scope: 'api://nowhere/.default' })),
      400,
      'invalid_resource',
      500011,
    )
    expectAadError(await postToken(sim, cc(readerSecret)), 400, 'invalid_request', 900144)
  })
})
