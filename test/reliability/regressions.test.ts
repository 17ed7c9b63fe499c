/**
 * Regressions of issue 15's findings 1–3: one request that killed the process, Content-Encoding that
 * gave 500s, and the global device-code lock-out.
 */
import { request, type RequestOptions } from 'node:https'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/resolve.js'
import { createAssertionAuthenticator } from '../../src/entra/client-assertion.js'
import type { EntraDeps } from '../../src/entra/deps.js'
import { createDeviceCodeStore, MAX_LIVE_CODES_PER_SOURCE } from '../../src/entra/device-codes.js'
import { createGrantRegistry } from '../../src/entra/grants/index.js'
import { deviceCodeGrant } from '../../src/entra/grants/device-code.js'
import { createRefreshTokenStore } from '../../src/entra/refresh-tokens.js'
import { createEntraApp } from '../../src/entra/routes.js'
import { listen, type Listener } from '../../src/http/index.js'
import { createClock, MAX_CLOCK_OFFSET_SECONDS } from '../../src/kernel/clock.js'
import { createDirectory } from '../../src/kernel/directory.js'
import { createEventBus } from '../../src/kernel/events.js'
import { createFaultRegistry } from '../../src/kernel/faults.js'
import { AKS_CLIENT_APP_ID, AZURE_CLI_APP_ID, firstPartyApplications } from '../../src/kernel/first-party.js'
import { loadOrCreateKeyStore } from '../../src/kernel/keys.js'
import { loadOrCreatePki } from '../../src/kernel/tls.js'
import { demoScenario } from '../../src/scenario/demo.js'
import { validateScenario } from '../../src/scenario/load.js'
import { startSimulator, type Simulator } from '../../src/index.js'
import { adminAuthorization } from '../helpers/sim.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: any
}

/** A raw HTTPS request: the body bytes and headers exactly as given. */
function raw(
  url: string,
  o: {
    method?: string
    headers?: Record<string, string>
    body?: Buffer | string
    localAddress?: string
  } = {},
): Promise<Answer> {
  const u = new URL(url)
  const body = typeof o.body === 'string' ? Buffer.from(o.body) : o.body
  const options: RequestOptions = {
    host: u.hostname,
    port: u.port,
    path: u.pathname + u.search,
    method: o.method ?? 'POST',
    headers: {
      // The admin API's token (docs/security.md), as the CLI sends it.
      ...(url.startsWith(`${sim.endpoints.admin}/`) && adminAuthorization(sim)),
      ...o.headers,
      ...(body && { 'content-length': String(body.length) }),
    },
    ...(o.localAddress && { localAddress: o.localAddress }),
  }
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const JSON_TYPE = { 'content-type': 'application/json' }

let sim: Simulator
const unexpected: unknown[] = []
beforeAll(async () => {
  const pkiDir = process.env.AKS_SIM_TEST_PKI_DIR
  if (!pkiDir) throw new Error('test/global-setup.ts did not run')
  sim = await startSimulator({
    portBase: 0,
    pkiDir,
    deviceCode: { interval: 1 },
    onUnexpectedError: (err) => unexpected.push(err),
  })
})
afterAll(() => sim.stop())

describe('finding 1: no request crashes the process', () => {
  it('refuses {"seconds":1e300} on /clock/advance with a 400 and keeps serving', async () => {
    const res = await raw(`${sim.endpoints.admin}/clock/advance`, {
      headers: JSON_TYPE,
      body: '{"seconds":1e300}',
    })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('invalid_body')
    expect(res.json.error.message).toMatch(/ten years/)
    expect((await raw(`${sim.endpoints.admin}/health`, { method: 'GET' })).status).toBe(200)
    expect(sim.clock().offsetSeconds).toBe(0)
    expect(unexpected).toEqual([])
  })

  it('bounds the clock to ten years ahead in total, on the admin API, the UI API and the programmatic API', async () => {
    const nineYears = MAX_CLOCK_OFFSET_SECONDS - 365 * 86_400
    const first = await raw(`${sim.endpoints.admin}/clock/advance`, {
      headers: JSON_TYPE,
      body: JSON.stringify({ seconds: nineYears }),
    })
    expect(first.status).toBe(200)
    const beyond = await raw(`${sim.endpoints.admin}/clock/advance`, {
      headers: JSON_TYPE,
      body: JSON.stringify({ seconds: 2 * 365 * 86_400 }),
    })
    expect(beyond.status).toBe(400)
    expect(beyond.json.error.message).toContain(`${nineYears} s ahead now`)
    const ui = await raw(`${String(sim.endpoints.ui)}/api/clock/advance`, {
      headers: { ...JSON_TYPE, origin: String(sim.endpoints.ui) },
      body: JSON.stringify({ seconds: 2 * 365 * 86_400 }),
    })
    expect(ui.status).toBe(400)
    expect(() => sim.advanceClock(2 * 365 * 86_400)).toThrow(/ten years/)
    expect(sim.clock().offsetSeconds).toBe(nineYears)
    // Every service still dates its answers: the request log has a valid time for each request.
    const log = await raw(`${sim.endpoints.admin}/requests?limit=3`, { method: 'GET' })
    expect(log.status).toBe(200)
    for (const e of log.json.value as { time: string }[]) expect(Number.isNaN(Date.parse(e.time))).toBe(false)
  })

  it('refuses out-of-range numbers in queries and bodies with a 400 naming the bounds', async () => {
    for (const q of [
      'limit=1e300',
      'limit=0',
      'limit=-1',
      'limit=abc',
      'limit=5001',
      'sinceId=-1',
      'sinceId=x',
    ]) {
      const res = await raw(`${sim.endpoints.admin}/requests?${q}`, { method: 'GET' })
      expect(res.status, q).toBe(400)
      expect(res.json.error.code).toBe('invalid_query')
    }
    const flows = await raw(`${String(sim.endpoints.ui)}/api/flows?limit=1e300`, { method: 'GET' })
    expect(flows.status).toBe(400)
    const fault = await raw(`${sim.endpoints.admin}/faults/entra.token`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify({ latencyMs: 1e15 }),
    })
    expect(fault.status).toBe(400)
    expect(fault.json.error.message).toMatch(/'latencyMs' must be at most 600000/)
  })

  it('a subscriber that throws neither fails the request that emitted the event nor the process', async () => {
    const before = unexpected.length
    const off = sim.eventBus.subscribe(() => {
      throw new Error('subscriber bug')
    })
    try {
      const res = await raw(`${sim.endpoints.admin}/health`, { method: 'GET' })
      expect(res.status).toBe(200)
    } finally {
      off()
    }
    // Reported to the error sink (logged once per throw), not lost and not thrown.
    expect(unexpected.length).toBeGreaterThan(before)
    expect(String(unexpected.at(-1))).toContain('subscriber bug')
    unexpected.splice(before)
  })

  it('the listener guard answers a handler that throws or rejects with a bare 500 and reports it', async () => {
    const reported: unknown[] = []
    const pki = await loadOrCreatePki(process.env.AKS_SIM_TEST_PKI_DIR)
    const tls = { cert: pki.server.certPem, key: pki.server.keyPem }
    const l = await listen(
      (req) => {
        if (req.url === '/sync') throw new Error('sync bug with Bearer eyJabc.eyJdef.sig')
        return Promise.reject(new Error('async bug'))
      },
      { host: '127.0.0.1', port: 0, tls, onUnexpected: (e) => reported.push(e) },
    )
    try {
      for (const path of ['/sync', '/async']) {
        const res = await raw(`${l.url}${path}`, { method: 'GET' })
        expect(res.status).toBe(500)
        expect(res.json).toEqual({
          error: { code: 'server_error', message: 'unexpected error; see the simulator log' },
        })
      }
      expect(reported.map((e) => (e as Error).message)).toEqual([
        'sync bug with Bearer eyJabc.eyJdef.sig',
        'async bug',
      ])
    } finally {
      await l.close()
    }
  })
})

describe('finding 2: request Content-Encoding', () => {
  const clock = (seconds: number) => Buffer.from(JSON.stringify({ seconds }))

  it('decodes gzip, deflate and br bodies on the admin API', async () => {
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(clock(1))],
      ['deflate', deflateSync(clock(1))],
      ['br', brotliCompressSync(clock(1))],
    ] as const) {
      const res = await raw(`${sim.endpoints.admin}/clock/advance`, {
        headers: { ...JSON_TYPE, 'content-encoding': encoding },
        body: bytes,
      })
      expect(res.status, encoding).toBe(200)
    }
  })

  it('decodes a gzip form on the Entra devicecode endpoint', async () => {
    const form = new URLSearchParams({
      client_id: AZURE_CLI_APP_ID,
      scope: 'https://graph.microsoft.com/.default',
    })
    const res = await raw(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/devicecode`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: gzipSync(form.toString()),
    })
    expect(res.status).toBe(200)
    expect(res.json.user_code).toBeTruthy()
  })

  it('answers a corrupt compressed body with 400 and an unknown encoding with 415, each in its surface shape', async () => {
    const corrupt = await raw(`${sim.endpoints.admin}/clock/advance`, {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      body: gzipSync(clock(1)).subarray(0, 12),
    })
    expect(corrupt.status).toBe(400)
    expect(corrupt.json.error).toEqual({
      code: 'invalid_body',
      message: 'the request body could not be read (encoding.invalid)',
    })
    const zstd = await raw(`${sim.endpoints.admin}/clock/advance`, {
      headers: { ...JSON_TYPE, 'content-encoding': 'zstd' },
      body: clock(1),
    })
    expect(zstd.status).toBe(415)
    const graph = await raw(`${String(sim.endpoints.graph)}/v1.0/directoryObjects/getByIds`, {
      headers: { ...JSON_TYPE, 'content-encoding': 'zstd' },
      body: '{"ids":[]}',
    })
    expect(graph.status).toBe(415)
    expect(graph.json.error.code).toBe('UnsupportedMediaType')
    const entraCorrupt = await raw(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: 'grant_type=device_code',
    })
    expect(entraCorrupt.status).toBe(400)
    expect(entraCorrupt.json.error).toBe('invalid_request')
    expect(unexpected).toEqual([])
  })

  it('bounds a decompression bomb by the size limit of a plain body (decoded bytes count)', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)) // 20 MiB of spaces, ~20 KiB on the wire
    expect(bomb.length).toBeLessThan(64 * 1024)
    const admin = await raw(`${sim.endpoints.admin}/clock/advance`, {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      body: bomb,
    })
    expect(admin.status).toBe(413)
    const entra = await raw(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: bomb,
    })
    expect(entra.status).toBe(413)
    expect(entra.json.error_codes).toEqual([90011])
  })
})

describe('finding 3: no global device-code lock-out', () => {
  const request = { protocol: 'v2' as const, resource: { audience: 'x' } as never, oidcScopes: [] }

  it('drops codes when they expire, redeemed or not', () => {
    let now = Date.UTC(2026, 0, 1)
    const store = createDeviceCodeStore({ clock: createClock(() => now), expiresIn: 900, interval: 5 })
    const a = store.create({ ...request, clientId: 'c' }, 'c 127.0.0.1')
    const b = store.create({ ...request, clientId: 'c' }, 'c 127.0.0.1')
    if ('limited' in a || 'limited' in b) throw new Error('limited')
    b.state = 'redeemed'
    expect(store.size()).toBe(2)
    now += 899_000
    expect(store.size()).toBe(2)
    now += 1_000
    expect(store.size()).toBe(0)
    expect(store.list()).toEqual([])
    // A late poll still learns the code expired (a small ring of retired codes), which refuses nothing.
    expect(store.byDeviceCode(a.deviceCode)?.expiresAt).toBe(a.expiresAt)
  })

  it('10,000 requests from one source throttle that source only, with a Retry-After until its oldest code expires', () => {
    let now = Date.UTC(2026, 0, 1)
    const store = createDeviceCodeStore({ clock: createClock(() => now), expiresIn: 900, interval: 5 })
    let issued = 0
    let limited = 0
    let retryAfter = 0
    for (let i = 0; i < 10_000; i++) {
      if (i === 5_000) now += 60_000
      const r = store.create({ ...request, clientId: 'busy' }, 'busy 127.0.0.1')
      if ('limited' in r) {
        limited++
        retryAfter = r.retryAfterSeconds
      } else issued++
    }
    expect(issued).toBe(MAX_LIVE_CODES_PER_SOURCE)
    expect(limited).toBe(10_000 - MAX_LIVE_CODES_PER_SOURCE)
    expect(retryAfter).toBe(840)
    // Another client, and the same client from another address, still get codes.
    expect('limited' in store.create({ ...request, clientId: 'other' }, 'other 127.0.0.1')).toBe(false)
    expect('limited' in store.create({ ...request, clientId: 'busy' }, 'busy 10.0.0.7')).toBe(false)
    // Once the busy source's codes expire, it signs in again.
    now += 841_000
    expect('limited' in store.create({ ...request, clientId: 'busy' }, 'busy 127.0.0.1')).toBe(false)
  })

  describe('over HTTP', () => {
    let entra: Listener
    let deps: EntraDeps
    beforeAll(async () => {
      const clock = createClock()
      const config = resolveConfig({ deviceCode: { interval: 1 } })
      deps = {
        directory: createDirectory(validateScenario(demoScenario(), 'demo'), firstPartyApplications),
        keys: await loadOrCreateKeyStore({ stateDir: undefined, clock, rotationGraceMs: 0 }),
        clock,
        events: createEventBus(() => clock.now()),
        faults: createFaultRegistry(),
        config,
        deviceCodes: createDeviceCodeStore({ clock, ...config.deviceCode }),
        refreshTokens: createRefreshTokenStore({ clock, lifetimeSeconds: 3600 }),
        authority: () => 'https://login.sim.test',
        graphHost: () => 'graph.sim.test',
        issuers: () => ({ v1: 'https://login.sim.test/tid/', v2: 'https://login.sim.test/tid/v2.0' }),
      }
      const pki = await loadOrCreatePki(process.env.AKS_SIM_TEST_PKI_DIR)
      const app = createEntraApp(deps, createGrantRegistry([deviceCodeGrant]), {
        onUnexpected: (err) => unexpected.push(err),
        assertionAuthenticator: createAssertionAuthenticator(),
      })
      entra = await listen(app, {
        host: '127.0.0.1',
        port: 0,
        tls: { cert: pki.server.certPem, key: pki.server.keyPem },
      })
    })
    afterAll(() => entra.close())

    const deviceCode = (clientId: string, localAddress?: string) =>
      raw(`${entra.url}/${deps.directory.tenant.id}/oauth2/v2.0/devicecode`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: clientId,
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
        ...(localAddress && { localAddress }),
      })

    it('after 10,000 requests from one source, that source gets 429 AADSTS90055 with Retry-After; others sign in', async () => {
      const source = `${AZURE_CLI_APP_ID} 127.0.0.1`
      for (let i = 0; i < 10_000; i++)
        deps.deviceCodes.create({ ...request, clientId: AZURE_CLI_APP_ID }, source)
      const busy = await deviceCode(AZURE_CLI_APP_ID)
      expect(busy.status).toBe(429)
      expect(busy.json.error).toBe('temporarily_unavailable')
      expect(busy.json.error_codes).toEqual([90055])
      expect(busy.json.error_description).toMatch(
        /^AADSTS90055: There are too many incoming requests\. Please try again later\./,
      )
      expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0)
      // Another client from the same address, and the same client from another address: not affected.
      expect((await deviceCode(AKS_CLIENT_APP_ID)).status).toBe(200)
      expect((await deviceCode(AZURE_CLI_APP_ID, '127.0.0.2')).status).toBe(200)
    })
  })
})
