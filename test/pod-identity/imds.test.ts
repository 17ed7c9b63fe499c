import { request } from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { claimsOf } from './helpers.js'

let sim: Simulator
let base: URL
beforeAll(async () => {
  sim = await startTestSimulator()
  base = new URL(sim.endpoints.imds as string)
})
afterAll(() => sim.stop())

/** Sends the path exactly as given (msal can send `//metadata/…`). */
function imds(path: string, headers: Record<string, string> = { Metadata: 'true' }, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string; json: () => any }>(
    (resolve, reject) => {
      const req = request({ host: base.hostname, port: base.port, path, method, headers }, (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }),
        )
      })
      req.on('error', reject)
      req.end()
    },
  )
}
const ORDERS = DEMO_POD_IDENTITY.ordersClientId
const q = `api-version=2018-02-01&resource=${encodeURIComponent('https://graph.microsoft.com')}&client_id=${ORDERS}`

describe('IMDS', () => {
  it('answers every path spelling msal sends, never 404', async () => {
    for (const path of [
      '/metadata/identity/oauth2/token',
      '/metadata/identity/oauth2/token/',
      '//metadata/identity/oauth2/token/',
      '/pods/dev/orders-api-0/metadata/identity/oauth2/token/',
      '/Metadata/Identity/OAuth2/Token',
    ]) {
      const r = await imds(`${path}?${q}`)
      expect(r.status, path).toBe(200)
    }
  })

  it('returns the all-string body with expires_on and IMDS headers; caches the token', async () => {
    const r = await imds(`/metadata/identity/oauth2/token/?${q}`)
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(r.headers.server).toMatch(/^IMDS\//)
    const b = r.json()
    expect(Object.keys(b)).toEqual([
      'access_token',
      'client_id',
      'expires_in',
      'expires_on',
      'ext_expires_in',
      'not_before',
      'resource',
      'token_type',
    ])
    for (const v of Object.values(b)) expect(typeof v).toBe('string')
    expect(b).toMatchObject({
      client_id: ORDERS,
      resource: 'https://graph.microsoft.com',
      token_type: 'Bearer',
    })
    expect(Number(b.expires_on) - Number(b.not_before)).toBe(86_400)
    expect(claimsOf(b.access_token)).toMatchObject({
      appid: ORDERS,
      aud: 'https://graph.microsoft.com',
      xms_mirid: expect.stringContaining('/resourcegroups/rg-aks-demo/'),
    })
    sim.advanceClock(600)
    const again = (await imds(`/metadata/identity/oauth2/token/?${q}`)).json()
    expect(again.access_token).toBe(b.access_token)
    expect(Number(again.expires_in)).toBeLessThan(Number(b.expires_in))
  })

  it('selects by client_id, object_id or msi_res_id; refuses ambiguity and unknown identities with 400', async () => {
    const mi = sim.podIdentity.identityByClientId(ORDERS)!
    const res = 'resource=https%3A%2F%2Fmanagement.azure.com%2F&api-version=2018-02-01'
    for (const sel of [`object_id=${mi.principalId}`, `msi_res_id=${encodeURIComponent(mi.resourceId)}`]) {
      const r = await imds(`/metadata/identity/oauth2/token?${res}&${sel}`)
      expect(r.status).toBe(200)
      expect(r.json()).toMatchObject({ client_id: ORDERS, resource: 'https://management.azure.com/' })
      expect(claimsOf(r.json().access_token).aud).toBe('https://management.azure.com/')
    }
    let r = await imds(`/metadata/identity/oauth2/token?${res}`)
    expect(r.status).toBe(400)
    expect(r.json()).toEqual({
      error: 'invalid_request',
      error_description:
        'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request',
    })
    r = await imds(`/metadata/identity/oauth2/token?${res}&client_id=${DEMO_POD_IDENTITY.inventoryClientId}`)
    expect(r.json()).toEqual({ error: 'invalid_request', error_description: 'Identity not found' })
    r = await imds(
      `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://unknown.example&client_id=${ORDERS}`,
    )
    expect(r.status).toBe(400)
    expect(r.json().error).toBe('invalid_resource')
    expect(r.json().error_description).toMatch(/^AADSTS50001: /)
  })

  it('requires Metadata: true; the DefaultAzureCredential probe gets a quick 400 JSON', async () => {
    for (const headers of [{}, { Metadata: 'false' }] as Record<string, string>[]) {
      const r = await imds(`/metadata/identity/oauth2/token?${q}`, headers)
      expect(r.status).toBe(400)
      expect(r.json()).toEqual({
        error: 'invalid_request',
        error_description: 'Required metadata header not specified',
      })
    }
    const probe = await imds('/metadata/identity/oauth2/token', { Accept: 'application/json' })
    expect(probe.status).toBe(400)
    expect(probe.headers['content-type']).toBe('application/json; charset=utf-8')
  })

  it('injects 404 / 410 / 429 / 5xx and non-JSON bodies for a number of requests', async () => {
    sim.faults.set('imds.token', { status: 429, retryAfter: 1, times: 1 })
    let r = await imds(`/metadata/identity/oauth2/token?${q}`)
    expect(r.status).toBe(429)
    expect(r.headers['retry-after']).toBe('1')
    expect(r.json().error).toBe('too_many_requests')
    expect((await imds(`/metadata/identity/oauth2/token?${q}`)).status).toBe(200)
    sim.faults.set('imds.token', { status: 404, times: 1 })
    r = await imds(`/metadata/identity/oauth2/token?${q}`)
    expect(r.status).toBe(404)
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
    sim.faults.set('imds.token', { status: 500, error: 'non_json', times: 1 })
    r = await imds(`/metadata/identity/oauth2/token?${q}`)
    expect(r.status).toBe(500)
    expect(() => r.json()).toThrow()
    sim.faults.set('imds.token', { status: 503, times: 1 })
    expect((await imds(`/metadata/identity/oauth2/token?${q}`)).json().error).toBe('service_unavailable')
    expect((await imds(`/metadata/identity/oauth2/token?${q}`)).status).toBe(200)
  })

  it('never answers a 5xx for arbitrary paths, queries and headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/metadata/identity/oauth2/token',
          '//metadata/identity/oauth2/token/',
          '/x',
          '/metadata/instance',
        ),
        fc.array(
          fc.tuple(
            fc.constantFrom('resource', 'client_id', 'object_id', 'msi_res_id', 'api-version', 'x'),
            fc.string(),
          ),
          { maxLength: 5 },
        ),
        fc.boolean(),
        async (path, params, metadata) => {
          const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
          const r = await imds(`${path}?${query}`, metadata ? { Metadata: 'true' } : {})
          expect(r.status).toBeLessThan(500)
          expect(() => r.json()).not.toThrow()
          if (r.status === 200) expect(r.json().access_token).toEqual(expect.any(String))
        },
      ),
      { numRuns: 150 },
    )
  })
})
