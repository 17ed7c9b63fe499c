/**
 * The token server's credential kinds and policies on the wire (Azure/acr docs/AAD-OAuth.md and docs/Token.md): the admin user,
 * anonymous pull, a disabled token and an expired password, authentication-as-ARM disabled, the
 * exchange's refusals, and the claims of ACR's tokens.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { demoScenario } from '../../src/scenario/index.js'
import { claimsOf } from '../helpers/sign-in.js'
import { startTestSimulator } from '../helpers/sim.js'
import { ciToken, exchange, NULL_GUID, registry } from './helpers.js'

const TEXT = 'authentication required, visit https://aka.ms/acr/authorization for more information.'

describe('ACR token server', () => {
  let sim: Simulator
  let url: string
  let ls: string
  const basic = (u: string, p: string) => ({
    authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
  })
  const token = (query: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${url}/oauth2/token?${new URLSearchParams({ service: ls, ...query }).toString()}`, { headers })

  beforeAll(async () => {
    const scenario = demoScenario()
    const reg = scenario.azure!.containerRegistries!.find((r) => r.name === 'contosoacr')!
    reg.adminUserEnabled = true
    reg.anonymousPullEnabled = true
    reg.azureADAuthenticationAsArmPolicy = 'disabled'
    reg.tokens!.push(
      {
        name: 'off-token',
        scopeMap: '_repositories_pull',
        status: 'disabled',
        passwords: [{ name: 'password1', value: 'password-off-1' }],
      },
      {
        name: 'old-token',
        scopeMap: '_repositories_pull',
        passwords: [{ name: 'password1', value: 'password-old-1', expiry: '2020-01-01T00:00:00Z' }],
      },
    )
    sim = await startTestSimulator({ scenario })
    ;({ url, loginServer: ls } = registry(sim, 'contosoacr'))
  }, 60_000)
  afterAll(async () => {
    await sim?.stop()
  })

  it('issues ACR-shaped refresh and access tokens', async () => {
    const { status, body } = await exchange(ls, url, await ciToken(sim))
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(['refresh_token'])
    const rt = claimsOf(body.refresh_token!)
    expect(rt).toMatchObject({
      iss: 'Azure Container Registry',
      aud: ls,
      version: '1.0',
      grant_type: 'refresh_token',
      tenant: sim.endpoints.tenantId,
      permissions: { actions: ['*'], notActions: [] },
      roles: [],
      sub: sim.directory.application('ci-pipeline')!.appId,
    })
    expect(rt.exp - rt.iat).toBe(3 * 3600)
    const res = await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        service: ls,
        scope: 'repository:orders/api:pull,delete',
        refresh_token: body.refresh_token!,
        grant_type: 'refresh_token',
      }),
    })
    const at = (await res.json()) as Record<string, string>
    expect(Object.keys(at)).toEqual(['access_token'])
    // AcrPush: pull (and the metadata_read it implies), not delete.
    expect(claimsOf(at.access_token!)).toMatchObject({
      grant_type: 'access_token',
      access: [{ type: 'repository', name: 'orders/api', actions: ['pull', 'metadata_read'] }],
    })
  })

  it('refuses an ARM-audience token when authentication-as-ARM is disabled; GET /oauth2/exchange is 404', async () => {
    const { status, body } = await exchange(
      ls,
      url,
      await ciToken(sim, 'https://management.azure.com/.default'),
    )
    expect(status).toBe(401)
    expect(body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'token validation failed' }] })
    expect((await fetch(`${url}/oauth2/exchange`)).status).toBe(404)
  })

  it('admin user: everything; straight Basic auth on the API works too', async () => {
    const settingsRes = await token(
      { scope: 'repository:billing/worker:delete registry:catalog:*' },
      basic('contosoacr', 'wrong'),
    )
    expect(settingsRes.status).toBe(401)
    // The admin passwords are generated on first start (ARM's listCredentials is a later step).
    const settings = JSON.parse(
      readFileSync(join(sim.endpoints.stateDir, 'registries', 'contosoacr', 'settings.json'), 'utf8'),
    ) as {
      adminPasswords: { value: string }[]
    }
    const pw = settings.adminPasswords[1]!.value
    const res = await token(
      { scope: 'repository:billing/worker:delete registry:catalog:*' },
      basic('contosoacr', pw),
    )
    expect(claimsOf(((await res.json()) as { access_token: string }).access_token).access).toEqual([
      { type: 'repository', name: 'billing/worker', actions: ['delete'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ])
    const catalog = await fetch(`${url}/v2/_catalog`, { headers: basic('contosoacr', pw) })
    expect(catalog.status).toBe(200)
  })

  it('anonymous pull: a token without credentials, pull but not push', async () => {
    const res = await token({ scope: 'repository:orders/api:pull,push' })
    const access = claimsOf(((await res.json()) as { access_token: string }).access_token).access
    expect(access).toEqual([{ type: 'repository', name: 'orders/api', actions: ['pull', 'metadata_read'] }])
  })

  it('refuses a disabled token, an expired password and a bad null-GUID token with ACR’s 401', async () => {
    for (const [u, p] of [
      ['off-token', 'password-off-1'],
      ['old-token', 'password-old-1'],
      [NULL_GUID, 'not-a-jwt'],
    ] as const) {
      const res = await token({ scope: 'repository:samples/nginx:pull' }, basic(u, p))
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: TEXT }] })
    }
  })
})
