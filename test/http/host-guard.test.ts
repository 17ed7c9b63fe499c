/**
 * The host guard in front of every listener (issue 15, findings 4 and 5): a foreign `Host` (DNS
 * rebinding) gets 421, a state-changing request from another origin gets 403 — each in the error shape of
 * its surface — while requests without `Origin` (kubectl, az, MSAL, the CLI) and the UI's own pages pass.
 * And the admin API answers nothing without its token.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { hostName } from '../../src/http/host-guard.js'
import { adminAuthorization, BOB, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: any
}

/** A request to `base` + `path` sent as it is: any Host, Origin or Sec-Fetch-Site header. */
function send(
  base: string,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(path, base)
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: o.method ?? 'GET',
        headers: {
          ...(o.body !== undefined && { 'content-length': String(Buffer.byteLength(o.body)) }),
          ...o.headers,
        },
        // TLS checks the certificate against localhost whatever the Host header says.
        ...(url.protocol === 'https:' && { ca: sim.caPem, servername: 'localhost' }),
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => {
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
      },
    )
    req.on('error', reject)
    req.end(o.body)
  })
}

const urlOf = (v: unknown): string => (typeof v === 'string' ? v : (v as { url: string }).url)
/** Every listener, with a path it serves and its error shape's reader (the code of a refusal). */
const listeners = (): [string, string, (a: Answer) => unknown][] => {
  const ep = sim.endpoints
  const oauth = (a: Answer) => a.json?.error
  const microsoft = (a: Answer) => a.json?.error?.code
  const kube = (a: Answer) => (a.json?.kind === 'Status' ? a.json.code : undefined)
  const own = (a: Answer) => a.json?.error?.code
  return [
    ['entra', urlOf(ep.authority), oauth],
    ['graph', urlOf(ep.graph), microsoft],
    ['arm', urlOf(ep.arm), microsoft],
    ['apiServer', urlOf(ep.apiServer), kube],
    ['webhook', (ep.webhook as { url: string }).url, kube],
    ['imds', urlOf(ep.imds), oauth],
    ['ui', urlOf(ep.ui), own],
    ['admin', ep.admin, own],
    ['oidcIssuer', urlOf(ep.oidcIssuer), own],
    ['workloadIdentityWebhook', urlOf(ep.workloadIdentityWebhook), kube],
  ]
}

describe('Host: every listener answers only to its own names', () => {
  it('refuses a foreign Host with 421 in the surface’s own error shape', async () => {
    const expected: Record<string, unknown> = {
      entra: 'invalid_request',
      graph: 'MisdirectedRequest',
      arm: 'MisdirectedRequest',
      apiServer: 421,
      webhook: 421,
      imds: 'invalid_request',
      ui: 'misdirected_request',
      admin: 'misdirected_request',
      oidcIssuer: 'misdirected_request',
      workloadIdentityWebhook: 421,
    }
    for (const [name, base, code] of listeners()) {
      const a = await send(base, '/', { headers: { host: 'evil.example' } })
      expect({ name, status: a.status, code: code(a) }).toEqual({ name, status: 421, code: expected[name] })
      expect(a.text).toContain("does not answer to the host name 'evil.example'")
    }
  })

  it('answers to localhost, 127.0.0.1 and [::1] (any port), and IMDS also to 169.254.169.254', async () => {
    const admin = sim.endpoints.admin
    for (const host of ['localhost', 'LOCALHOST.', '127.0.0.1:1', '[::1]:8447'])
      expect((await send(admin, '/health', { headers: { host, ...adminAuthorization(sim) } })).status).toBe(
        200,
      )
    const imds = urlOf(sim.endpoints.imds)
    const token =
      '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/'
    const viaLinkLocal = await send(imds, token, { headers: { host: '169.254.169.254', metadata: 'true' } })
    expect(viaLinkLocal.status).not.toBe(421)
    expect((await send(urlOf(sim.endpoints.ui), '/', { headers: { host: '169.254.169.254' } })).status).toBe(
      421,
    )
  })

  it('DNS rebinding: the UI API with a foreign Host and the same foreign Origin gets nothing', async () => {
    const ui = urlOf(sim.endpoints.ui)
    const state = await send(ui, '/api/state', {
      headers: { host: 'rebound.example:80', origin: 'http://rebound.example:80' },
    })
    expect(state.status).toBe(421)
    expect(state.text).not.toContain(sim.endpoints.tenantId)
    const write = await send(ui, '/api/clock/advance', {
      method: 'POST',
      headers: {
        host: 'rebound.example',
        origin: 'http://rebound.example',
        'content-type': 'application/json',
      },
      body: '{"seconds":60}',
    })
    expect(write.status).toBe(421)
    expect(sim.clock().offsetSeconds).toBe(0)
  })

  it('a Host accepted before does not open the door to the next one (the guard remembers the last accepted)', async () => {
    const admin = sim.endpoints.admin
    const health = (host: string) => send(admin, '/health', { headers: { host, ...adminAuthorization(sim) } })
    for (const [host, status] of [
      ['localhost', 200],
      ['localhost', 200],
      ['evil.example', 421],
      ['localhost', 200],
      ['localhost:1', 200],
      ['localhost:x', 421],
      ['localhost:1', 200],
    ] as const)
      expect({ host, status: (await health(host)).status }).toEqual({ host, status })
    // A cross-origin refusal (403) comes after the Host was accepted: the Host stays accepted, the
    // origin is still judged on every request.
    const rotate = (origin?: string) =>
      send(admin, '/keys/rotate', {
        method: 'POST',
        headers: { host: 'localhost', ...adminAuthorization(sim), ...(origin && { origin }) },
      })
    expect((await rotate('https://evil.example')).status).toBe(403)
    expect((await rotate('https://evil.example')).status).toBe(403)
    expect((await health('localhost')).status).toBe(200)
  })

  it('reads Host names as browsers and clients write them', () => {
    expect(hostName('Example.TEST:443')).toBe('example.test')
    expect(hostName('[::1]:8440')).toBe('::1')
    expect(hostName('localhost.')).toBe('localhost')
    expect(hostName('a:b:c')).toBeUndefined()
    expect(hostName('[::1]x')).toBeUndefined()
    expect(hostName('host:port')).toBeUndefined()
    expect(hostName('')).toBeUndefined()
  })
})

describe('cross-site requests that change state', () => {
  it('are refused with 403 on every listener (Origin of another site, or Sec-Fetch-Site cross-site)', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      // Another port of the same machine is another origin (same-site).
      { origin: 'https://127.0.0.1:1', 'sec-fetch-site': 'same-site' },
    ]
    for (const [name, base, code] of listeners()) {
      for (const headers of cases) {
        const a = await send(base, '/x', {
          method: 'POST',
          headers: { 'content-type': 'text/plain', ...headers },
          body: 'x',
        })
        expect({ name, headers, status: a.status }).toEqual({ name, headers, status: 403 })
        expect(code(a)).toBeDefined()
      }
    }
  })

  it('a bodyless POST /keys/rotate from another origin does not rotate, even with the admin token', async () => {
    const before = sim.keys().current
    const a = await send(sim.endpoints.admin, '/keys/rotate', {
      method: 'POST',
      headers: { origin: 'https://evil.example', ...adminAuthorization(sim) },
    })
    expect(a.status).toBe(403)
    expect(a.json).toEqual({
      error: { code: 'cross_origin', message: expect.stringContaining('evil.example') },
    })
    expect(sim.keys().current).toBe(before)
  })

  it('a /devicelogin form post from another origin decides nothing; the UI page’s own post does', async () => {
    const issued = await send(sim.endpoints.authority, `/${sim.endpoints.tenantId}/oauth2/v2.0/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: AKS_CLIENT_APP_ID,
        scope: `${AKS_SERVER_APP_ID}/.default`,
      }).toString(),
    })
    expect(issued.status).toBe(200)
    const userCode = issued.json.user_code as string
    const decide = (headers: Record<string, string>) =>
      send(urlOf(sim.endpoints.ui), '/devicelogin/decide', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ otc: userCode, user: BOB, decision: 'approve' }).toString(),
      })
    const state = () => sim.deviceCodes().find((c) => c.userCode === userCode)?.state
    const cross = await decide({ origin: 'https://login.evil.example', 'sec-fetch-site': 'cross-site' })
    expect(cross.status).toBe(403)
    expect(state()).toBe('pending')
    // The page sets Referrer-Policy: no-referrer, so the browser's own form post says `Origin: null`.
    const own = await decide({ origin: 'null', 'sec-fetch-site': 'same-origin' })
    expect(own.status).toBe(200)
    expect(state()).toBe('approved')
  })

  it('lets clients without Origin and same-origin browser requests through', async () => {
    const ui = urlOf(sim.endpoints.ui)
    const sameOrigin = await send(ui, '/api/access/check', {
      method: 'POST',
      headers: { origin: ui, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ user: BOB, verb: 'get', resource: 'pods', namespace: 'dev' }),
    })
    expect(sameOrigin.status).toBe(200)
    const noOrigin = await send(sim.endpoints.admin, '/clock/advance', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...adminAuthorization(sim) },
      body: '{"seconds":0}',
    })
    expect(noOrigin.status).toBe(200)
  })
})

describe('the admin API requires its token', () => {
  it('refuses no token and a wrong one with 401 in its own shape; accepts the token', async () => {
    for (const path of ['/health', '/clock', '/pod-identity/pods']) {
      const none = await send(sim.endpoints.admin, path)
      expect(none.status).toBe(401)
      expect(none.headers['www-authenticate']).toBe('Bearer realm="aks-auth-sim admin API"')
      expect(none.json).toEqual({
        error: { code: 'unauthorized', message: expect.stringContaining('admin-token') },
      })
      const wrong = await send(sim.endpoints.admin, path, {
        headers: { authorization: `Bearer ${sim.adminToken.slice(0, -1)}x` },
      })
      expect(wrong.status).toBe(401)
    }
    const before = sim.clock().offsetSeconds
    const refused = await send(sim.endpoints.admin, '/clock/advance', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"seconds":60}',
    })
    expect(refused.status).toBe(401)
    expect(sim.clock().offsetSeconds).toBe(before)
    const ok = await send(sim.endpoints.admin, '/clock', { headers: adminAuthorization(sim) })
    expect(ok.status).toBe(200)
    expect(ok.json.offsetSeconds).toBe(before)
  })
})
