/**
 * The token endpoint's node:http fast path must be indistinguishable from the express routes it
 * bypasses. Two listeners share one set of Entra deps (frozen clock, one directory, one key): one with
 * the fast path, one with it switched off. Every scenario — successes of each grant, every error
 * class, odd content types, oversized and chunked bodies, duplicate parameters, other methods on the
 * token URL, faults, an unexpected error — is sent to both; status line, raw headers (order and case;
 * minus Date), body and the emitted events must be equal once random values (GUIDs, token ids,
 * signatures) are masked. The snapshot file pins the same results to what the express routes answered
 * before the fast path existed.
 */
import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/resolve.js'
import { createAssertionAuthenticator } from '../../src/entra/client-assertion.js'
import type { EntraDeps } from '../../src/entra/deps.js'
import { decideDeviceCode, startDeviceAuthorization } from '../../src/entra/device-authorization.js'
import { createDeviceCodeStore } from '../../src/entra/device-codes.js'
import { createGrantRegistry } from '../../src/entra/grants/index.js'
import { clientCredentialsGrant } from '../../src/entra/grants/client-credentials.js'
import { deviceCodeGrant } from '../../src/entra/grants/device-code.js'
import { onBehalfOfGrant } from '../../src/entra/grants/on-behalf-of.js'
import { refreshTokenGrant } from '../../src/entra/grants/refresh-token.js'
import type { GrantHandler } from '../../src/entra/grants/types.js'
import { createRefreshTokenStore } from '../../src/entra/refresh-tokens.js'
import { createEntraApp } from '../../src/entra/routes.js'
import { listen, type Listener } from '../../src/http/index.js'
import { createClock } from '../../src/kernel/clock.js'
import { createDirectory } from '../../src/kernel/directory.js'
import { createEventBus, type SimEvent } from '../../src/kernel/events.js'
import { createFaultRegistry, type FaultSpec } from '../../src/kernel/faults.js'
import { loadOrCreateKeyStore } from '../../src/kernel/keys.js'
import { loadOrCreatePki } from '../../src/kernel/tls.js'
import { demoScenario, DEMO_WEBHOOK_SECRET } from '../../src/scenario/demo.js'
import {
  AKS_CLIENT_APP_ID,
  AKS_SERVER_APP_ID,
  AZURE_CLI_APP_ID,
  firstPartyApplications,
} from '../../src/kernel/first-party.js'
import { validateScenario } from '../../src/scenario/load.js'

const FROZEN_NOW = Date.UTC(2026, 0, 15, 9, 30, 0)
const AUTHORITY = 'https://login.sim.test'
const BOB = 'bob@contoso.onmicrosoft.com'
const ERIN = 'erin@contoso.onmicrosoft.com'
const DAVE = 'dave@contoso.onmicrosoft.com'
const CAROL = 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com'
const FORM = 'application/x-www-form-urlencoded'

/** A grant that fails with a plain Error: what a bug looks like to the endpoint. */
const brokenGrant: GrantHandler = {
  grantTypes: ['urn:test:broken'],
  allowsPublicClients: true,
  handle: () => Promise.reject(new Error('internal detail that must not reach the wire')),
}

interface Harness {
  deps: EntraDeps
  fast: Listener
  plain: Listener
  unexpected: unknown[]
  /** Per request on `fast`: whether the fast path took it. */
  taken: boolean[]
}
let h: Harness

beforeAll(async () => {
  const clock = createClock(() => FROZEN_NOW)
  const config = resolveConfig({ deviceCode: { interval: 1 } })
  const deps: EntraDeps = {
    directory: createDirectory(validateScenario(demoScenario(), 'demo'), firstPartyApplications),
    keys: await loadOrCreateKeyStore({ stateDir: undefined, clock, rotationGraceMs: 0 }),
    clock,
    events: createEventBus(() => clock.now()),
    faults: createFaultRegistry(),
    config,
    deviceCodes: createDeviceCodeStore({ clock, ...config.deviceCode }),
    refreshTokens: createRefreshTokenStore({ clock, lifetimeSeconds: config.tokens.refreshTokenLifetime }),
    authority: () => AUTHORITY,
    graphHost: () => 'graph.sim.test',
    issuers: () => ({ v1: `${AUTHORITY}/tid/`, v2: `${AUTHORITY}/tid/v2.0` }),
  }
  const grants = createGrantRegistry([
    deviceCodeGrant,
    refreshTokenGrant,
    clientCredentialsGrant,
    onBehalfOfGrant,
    brokenGrant,
  ])
  const unexpected: unknown[] = []
  const app = (fastPath: boolean) =>
    createEntraApp(deps, grants, {
      onUnexpected: (err) => unexpected.push(err),
      assertionAuthenticator: createAssertionAuthenticator(),
      fastPath,
    })
  const pkiDir = process.env.AKS_SIM_TEST_PKI_DIR
  if (!pkiDir) throw new Error('test/global-setup.ts did not run')
  const pki = await loadOrCreatePki(pkiDir)
  const tls = { cert: pki.server.certPem, key: pki.server.keyPem }
  // express stamps `req.originalUrl` on every request it takes: that tells which path answered.
  const fastApp = app(true)
  const taken: boolean[] = []
  const fast = await listen(
    (req, res) => {
      fastApp(req, res)
      taken.push(!('originalUrl' in req))
    },
    { host: '127.0.0.1', port: 0, tls },
  )
  const plain = await listen(app(false), { host: '127.0.0.1', port: 0, tls })
  h = { deps, fast, plain, unexpected, taken }
})
afterAll(async () => {
  await h.fast.close()
  await h.plain.close()
})

interface Req {
  method?: string
  path?: string
  headers?: Record<string, string | number>
  body?: string | Buffer
  /** Sent with Transfer-Encoding: chunked, in these pieces. */
  chunks?: string[]
}
interface Scenario {
  name: string
  /** Sets up fresh state for one run (codes, refresh tokens, faults) and returns the request. */
  make: (deps: EntraDeps) => Req
  /** Not the fast path's: other methods and spellings, which express answers on both listeners. */
  express?: true
}

const tid = () => h.deps.directory.tenant.id
const v2 = () => `/${tid()}/oauth2/v2.0/token`
const v1 = () => `/${tid()}/oauth2/token`
const form = (params: Record<string, string>, extra: Req = {}): Req => ({
  path: v2(),
  body: new URLSearchParams(params).toString(),
  ...extra,
  headers: { 'content-type': FORM, ...extra.headers },
})
const SCOPE = `${AKS_SERVER_APP_ID}/.default openid profile offline_access`

function deviceCode(
  deps: EntraDeps,
  opts: { protocol?: 'v1' | 'v2'; decision?: 'approve' | 'decline' | 'none'; user?: string } = {},
) {
  const protocol = opts.protocol ?? 'v2'
  const entry = startDeviceAuthorization(
    protocol,
    protocol === 'v2'
      ? { client_id: AKS_CLIENT_APP_ID, scope: SCOPE }
      : { client_id: AKS_CLIENT_APP_ID, resource: AKS_SERVER_APP_ID },
    deps,
  )
  if (opts.decision !== 'none')
    decideDeviceCode(deps, {
      userCode: entry.userCode,
      user: opts.user ?? BOB,
      decision: opts.decision ?? 'approve',
    })
  return entry
}
const redeem = (code: string, extra: Record<string, string> = {}) => ({
  grant_type: 'device_code',
  client_id: AKS_CLIENT_APP_ID,
  device_code: code,
  ...extra,
})
const refreshToken = (deps: EntraDeps, clientId = AKS_CLIENT_APP_ID) =>
  deps.refreshTokens.issue({ clientId, userId: deps.directory.user(BOB)!.id })
const webhookApp = () => h.deps.directory.application('aks-webhook')!.appId
const withFault = (deps: EntraDeps, spec: FaultSpec, endpoint = 'entra.token') =>
  deps.faults.set(endpoint, { times: 1, ...spec })

const SCENARIOS: Scenario[] = [
  // Successes of every grant, v2 and v1.
  {
    name: 'device_code v2, client_info',
    make: (d) => form(redeem(deviceCode(d).deviceCode, { client_info: '1' })),
  },
  {
    name: 'device_code URN spelling, client-request-id header',
    make: (d) =>
      form(redeem(deviceCode(d).deviceCode, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' }), {
        headers: { 'client-request-id': 'c0ffee00-1111-2222-3333-444455556666' },
      }),
  },
  {
    name: 'device_code v1 with code=',
    make: (d) =>
      form(
        {
          grant_type: 'device_code',
          client_id: AKS_CLIENT_APP_ID,
          code: deviceCode(d, { protocol: 'v1' }).deviceCode,
        },
        { path: v1() },
      ),
  },
  {
    name: 'refresh_token v2',
    make: (d) =>
      form({
        grant_type: 'refresh_token',
        client_id: AKS_CLIENT_APP_ID,
        refresh_token: refreshToken(d),
        scope: SCOPE,
      }),
  },
  {
    name: 'refresh_token v1',
    make: (d) =>
      form(
        {
          grant_type: 'refresh_token',
          client_id: AKS_CLIENT_APP_ID,
          refresh_token: refreshToken(d),
          resource: AKS_SERVER_APP_ID,
        },
        { path: v1() },
      ),
  },
  {
    name: 'client_credentials v2 with a body secret',
    make: () =>
      form({
        grant_type: 'client_credentials',
        client_id: webhookApp(),
        client_secret: DEMO_WEBHOOK_SECRET,
        scope: 'https://graph.microsoft.com/.default',
      }),
  },
  {
    name: 'client_credentials v1 with HTTP Basic',
    make: () =>
      form(
        { grant_type: 'client_credentials', resource: 'https://graph.microsoft.com/' },
        {
          path: v1(),
          headers: {
            authorization: `Basic ${Buffer.from(`${webhookApp()}:${encodeURIComponent(DEMO_WEBHOOK_SECRET)}`).toString('base64')}`,
          },
        },
      ),
  },
  {
    name: 'tenant by domain',
    make: (d) =>
      form(redeem(deviceCode(d).deviceCode), { path: '/contoso.onmicrosoft.com/oauth2/v2.0/token' }),
  },
  {
    name: 'tenant common',
    make: (d) => form(redeem(deviceCode(d).deviceCode), { path: '/common/oauth2/v2.0/token' }),
  },
  {
    name: 'tenant Organizations',
    make: (d) => form(redeem(deviceCode(d).deviceCode), { path: '/Organizations/oauth2/token' }),
  },
  {
    name: 'chunked body',
    make: (d) => {
      const body = new URLSearchParams(redeem(deviceCode(d).deviceCode)).toString()
      return { path: v2(), headers: { 'content-type': FORM }, chunks: [body.slice(0, 30), body.slice(30)] }
    },
  },
  // Claim shapes: a B2B guest (no upn), more than 200 groups (overage), a v2 resource.
  { name: 'guest user', make: (d) => form(redeem(deviceCode(d, { user: CAROL }).deviceCode)) },
  { name: 'group overage', make: (d) => form(redeem(deviceCode(d, { user: DAVE }).deviceCode)) },
  {
    name: 'v2 access token',
    make: (d) =>
      form({
        grant_type: 'refresh_token',
        client_id: AKS_CLIENT_APP_ID,
        refresh_token: refreshToken(d),
        scope: `${webhookApp()}/.default openid profile offline_access`,
        client_info: '1',
      }),
  },
  // Device code states.
  {
    name: 'authorization_pending',
    make: (d) => form(redeem(deviceCode(d, { decision: 'none' }).deviceCode)),
  },
  {
    name: 'authorization_declined',
    make: (d) => form(redeem(deviceCode(d, { decision: 'decline' }).deviceCode)),
  },
  {
    name: 'expired_token',
    make: (d) => {
      const e = deviceCode(d)
      e.expiresAt = d.clock.now()
      return form(redeem(e.deviceCode))
    },
  },
  {
    name: 'code_expired (v1)',
    make: (d) => {
      const e = deviceCode(d, { protocol: 'v1' })
      e.expiresAt = d.clock.now()
      return form(redeem(e.deviceCode), { path: v1() })
    },
  },
  {
    name: 'already redeemed',
    make: (d) => {
      const e = deviceCode(d)
      e.state = 'redeemed'
      return form(redeem(e.deviceCode))
    },
  },
  { name: 'bad_verification_code', make: () => form(redeem('undefined')) },
  { name: 'unknown well-formed code', make: () => form(redeem(`DAQABIQEAAAB${'A'.repeat(128)}`)) },
  {
    name: 'code of another client',
    make: (d) => form(redeem(deviceCode(d).deviceCode, { client_id: AZURE_CLI_APP_ID })),
  },
  { name: 'disabled user', make: (d) => form(redeem(deviceCode(d, { user: ERIN }).deviceCode)) },
  {
    name: 'missing device_code',
    make: () => form({ grant_type: 'device_code', client_id: AKS_CLIENT_APP_ID }),
  },
  // Refresh token errors.
  {
    name: 'refresh token malformed',
    make: () =>
      form({
        grant_type: 'refresh_token',
        client_id: AKS_CLIENT_APP_ID,
        refresh_token: 'nope',
        scope: SCOPE,
      }),
  },
  {
    name: 'refresh token unknown',
    make: () =>
      form({
        grant_type: 'refresh_token',
        client_id: AKS_CLIENT_APP_ID,
        refresh_token: `1.ASIAQ${'x'.repeat(160)}`,
        scope: SCOPE,
      }),
  },
  {
    name: 'refresh token of another client',
    make: (d) =>
      form({
        grant_type: 'refresh_token',
        client_id: AZURE_CLI_APP_ID,
        refresh_token: refreshToken(d),
        scope: SCOPE,
      }),
  },
  {
    name: 'refresh token with two resources',
    make: (d) =>
      form({
        grant_type: 'refresh_token',
        client_id: AKS_CLIENT_APP_ID,
        refresh_token: refreshToken(d),
        scope: `${AKS_SERVER_APP_ID}/.default https://graph.microsoft.com/User.Read`,
      }),
  },
  // Client and request errors.
  { name: 'missing grant_type', make: () => form({ client_id: AKS_CLIENT_APP_ID }) },
  { name: 'missing client_id', make: () => form({ grant_type: 'device_code' }) },
  {
    name: 'unknown client',
    make: () => form(redeem('x', { client_id: '11111111-1111-1111-1111-111111111111' })),
  },
  { name: 'unsupported grant', make: () => form({ grant_type: 'password', client_id: AKS_CLIENT_APP_ID }) },
  {
    name: 'wrong secret',
    make: () =>
      form({
        grant_type: 'client_credentials',
        client_id: webhookApp(),
        client_secret: 'wrong',
        scope: 'https://graph.microsoft.com/.default',
      }),
  },
  {
    name: 'confidential client without a secret',
    make: () =>
      form({
        grant_type: 'client_credentials',
        client_id: webhookApp(),
        scope: 'https://graph.microsoft.com/.default',
      }),
  },
  {
    name: 'client_credentials scope without .default',
    make: () =>
      form({
        grant_type: 'client_credentials',
        client_id: webhookApp(),
        client_secret: DEMO_WEBHOOK_SECRET,
        scope: 'User.Read',
      }),
  },
  {
    name: 'client assertion malformed',
    make: () =>
      form({
        grant_type: 'client_credentials',
        client_id: webhookApp(),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: 'not.a.jwt',
        scope: 'https://graph.microsoft.com/.default',
      }),
  },
  {
    name: 'client assertion without its type',
    make: () =>
      form({
        grant_type: 'client_credentials',
        client_id: webhookApp(),
        client_assertion: 'x',
        scope: 'https://graph.microsoft.com/.default',
      }),
  },
  {
    name: 'on-behalf-of without requested_token_use',
    make: () =>
      form({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        client_id: webhookApp(),
        client_secret: DEMO_WEBHOOK_SECRET,
        assertion: 'x',
      }),
  },
  {
    name: 'duplicate parameter',
    make: () =>
      form(
        {},
        { body: `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&client_id=${AKS_CLIENT_APP_ID}` },
      ),
  },
  {
    name: 'percent garbage and plus signs',
    make: () => form({}, { body: `grant_type=%zz+x&client_id=%E0%A4%A&scope=a+b%20c` }),
  },
  {
    name: 'unknown tenant',
    make: (d) => form(redeem(deviceCode(d).deviceCode), { path: '/nosuchtenant.example/oauth2/v2.0/token' }),
  },
  {
    name: 'unexpected error (a bug)',
    make: () => form({ grant_type: 'urn:test:broken', client_id: AKS_CLIENT_APP_ID }),
  },
  // Content types and bodies.
  {
    name: 'JSON body',
    make: () => ({
      path: v2(),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(redeem('x')),
    }),
  },
  {
    name: 'text/plain body',
    make: () => ({ path: v2(), headers: { 'content-type': 'text/plain' }, body: 'grant_type=device_code' }),
  },
  { name: 'no content type', make: () => ({ path: v2(), body: 'grant_type=device_code' }) },
  { name: 'empty form', make: () => form({}) },
  {
    name: 'form with charset, upper case, spaces',
    make: (d) =>
      form(redeem(deviceCode(d).deviceCode), {
        headers: { 'content-type': ' Application/X-WWW-Form-URLEncoded ; charset=ISO-8859-1' },
      }),
  },
  {
    name: 'non-UTF-8 bytes',
    make: () => form({}, { body: Buffer.from(`grant_type=\u00e9&client_id=${AKS_CLIENT_APP_ID}`, 'latin1') }),
  },
  {
    name: 'body of exactly 64 KiB',
    make: () => form({}, { body: `grant_type=x&client_id=${AKS_CLIENT_APP_ID}&pad=`.padEnd(65536, 'a') }),
  },
  { name: 'body over 64 KiB (Content-Length)', make: () => form({}, { body: 'pad='.padEnd(70_000, 'a') }) },
  {
    name: 'body over 64 KiB (chunked)',
    make: () => ({
      path: v2(),
      headers: { 'content-type': FORM },
      chunks: ['pad=', 'a'.repeat(40_000), 'a'.repeat(40_000)],
    }),
  },
  {
    name: 'oversized body to an unknown tenant',
    make: () => form({}, { path: '/nosuchtenant.example/oauth2/token', body: 'pad='.padEnd(70_000, 'a') }),
  },
  // Ids.
  {
    name: 'client-request-id in the query',
    make: () =>
      form(
        { grant_type: 'password', client_id: AKS_CLIENT_APP_ID },
        { path: `${v2()}?client-request-id=from-query-1&x=y` },
      ),
  },
  {
    name: 'x-ms-client-request-id header',
    make: () =>
      form(
        { grant_type: 'password', client_id: AKS_CLIENT_APP_ID },
        { headers: { 'x-ms-client-request-id': 'ms-id-2' } },
      ),
  },
  {
    name: 'client-request-id that is not an id',
    make: () =>
      form(
        { grant_type: 'password', client_id: AKS_CLIENT_APP_ID },
        { headers: { 'client-request-id': 'not an id!' } },
      ),
  },
  {
    name: 'repeated client-request-id in the query',
    make: () =>
      form(
        { grant_type: 'password', client_id: AKS_CLIENT_APP_ID },
        { path: `${v2()}?client-request-id=a&client-request-id=b` },
      ),
  },
  // Faults.
  { name: 'fault 503', make: (d) => (withFault(d, { status: 503 }), form(redeem(deviceCode(d).deviceCode))) },
  {
    name: 'fault 429 with Retry-After',
    make: (d) => (withFault(d, { status: 429, retryAfter: 7 }), form(redeem('x'))),
  },
  { name: 'fault slow_down', make: (d) => (withFault(d, { error: 'slow_down' }), form(redeem('x'))) },
  {
    name: 'fault 500 custom error on entra.*',
    make: (d) => (withFault(d, { status: 500, error: 'boom' }, 'entra.*'), form(redeem('x'))),
  },
  {
    name: 'fault latency only',
    make: (d) => (withFault(d, { latencyMs: 5 }), form(redeem(deviceCode(d).deviceCode))),
  },
  // Other methods and paths (the express routes answer these).
  { name: 'GET', express: true, make: () => ({ method: 'GET', path: v2() }) },
  { name: 'HEAD', express: true, make: () => ({ method: 'HEAD', path: v2() }) },
  { name: 'PUT', express: true, make: () => form({}, { method: 'PUT' }) },
  {
    name: 'OPTIONS preflight',
    express: true,
    make: () => ({
      method: 'OPTIONS',
      path: v2(),
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    }),
  },
  {
    name: 'trailing slash',
    express: true,
    make: (d) => form(redeem(deviceCode(d).deviceCode), { path: `${v2()}/` }),
  },
  {
    name: 'upper-case path',
    express: true,
    make: (d) => form(redeem(deviceCode(d).deviceCode), { path: `/${tid()}/OAUTH2/V2.0/TOKEN` }),
  },
  {
    name: 'encoded tenant',
    express: true,
    make: (d) => form(redeem(deviceCode(d).deviceCode), { path: '/%63ommon/oauth2/v2.0/token' }),
  },
  {
    name: 'devicecode endpoint',
    express: true,
    make: () =>
      form({ client_id: AKS_CLIENT_APP_ID, scope: SCOPE }, { path: `/${tid()}/oauth2/v2.0/devicecode` }),
  },
]

interface Captured {
  status: number
  message: string
  headers: [string, string][]
  body: unknown
  bodyText: string
  events: unknown[]
  eventsText: string
  unexpected: number
}

function send(
  l: Listener,
  r: Req,
): Promise<{ status: number; message: string; raw: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: l.port,
        method: r.method ?? 'POST',
        path: r.path,
        headers: r.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            message: res.statusMessage!,
            raw: res.rawHeaders,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    for (const c of r.chunks ?? []) req.write(c)
    req.end(r.body)
  })
}

/** Masks random values consistently: the same GUID becomes the same placeholder within one result. */
function masker() {
  const seen = new Map<string, string>()
  const guid = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g
  const codes = new Map<string, string>()
  const str = (s: string) => {
    for (const [c, placeholder] of codes) s = s.split(c).join(placeholder)
    return s.replace(guid, (g) => {
      if (!seen.has(g)) seen.set(g, `<guid${seen.size + 1}>`)
      return seen.get(g)!
    })
  }
  const jwt = (t: string) => {
    const [hd, pl, sig] = t.split('.')
    const header = JSON.parse(Buffer.from(hd!, 'base64url').toString()) as Record<string, unknown>
    const payload = JSON.parse(Buffer.from(pl!, 'base64url').toString()) as Record<string, unknown>
    for (const k of ['kid', 'x5t']) if (k in header) header[k] = `<kid:${String(header[k]).length}>`
    for (const k of ['aio', 'rh', 'uti', 'sid'])
      if (k in payload) payload[k] = `<random:${String(payload[k]).length}>`
    return { header, payload, signature: `<sig:${sig!.length}>`, length: t.length }
  }
  const value = (k: string, v: unknown): unknown => {
    if ((k === 'access_token' || k === 'id_token') && typeof v === 'string') return jwt(v)
    if (k === 'refresh_token' && typeof v === 'string') return `<refresh_token:${v.slice(0, 7)}:${v.length}>`
    if (k === 'kid' && typeof v === 'string') return `<kid:${v.length}>`
    if (['user_code', 'userCode', 'device_code'].includes(k) && typeof v === 'string') {
      codes.set(v, `<${k}:${v.length}>`)
      return `<${k}:${v.length}>`
    }
    if (k === 'durationMs' && typeof v === 'number') return '<ms>'
    if (typeof v === 'string') return str(v)
    if (Array.isArray(v)) return v.map((x) => value('', x))
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, value(kk, vv)]))
    return v
  }
  return { str, value }
}

async function run(l: Listener, s: Scenario): Promise<Captured> {
  const events: SimEvent[] = []
  const req = s.make(h.deps)
  const before = h.unexpected.length
  const stop = h.deps.events.subscribe((e) => events.push(e))
  const res = await send(l, req)
  // request.completed is emitted on 'finish', which may come just after the client has the answer.
  for (let i = 0; i < 200 && !events.some((e) => e.type === 'request.completed'); i++)
    await new Promise((r) => setTimeout(r, 5))
  stop()
  const m = masker()
  const headers: [string, string][] = []
  for (let i = 0; i < res.raw.length; i += 2)
    if (res.raw[i]!.toLowerCase() !== 'date') headers.push([res.raw[i]!, m.str(res.raw[i + 1]!)])
  let body: unknown
  try {
    body = m.value('', JSON.parse(res.body))
  } catch {
    body = m.str(res.body)
  }
  const emitted = events.map((e) => ({
    type: e.type,
    service: e.service,
    time: e.time,
    data: m.value('', e.data),
  }))
  // The texts keep key order (toEqual and snapshots do not look at it; the wire does).
  return {
    status: res.status,
    message: res.message,
    headers,
    body,
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    events: emitted,
    eventsText: JSON.stringify(emitted),
    unexpected: h.unexpected.length - before,
  }
}

describe('token endpoint: the fast path answers exactly as the express routes', () => {
  for (const s of SCENARIOS)
    it(s.name, async () => {
      const viaExpress = await run(h.plain, s)
      const viaFastPath = await run(h.fast, s)
      expect(h.taken.at(-1)).toBe(!s.express)
      expect(viaFastPath).toEqual(viaExpress)
      expect(viaExpress).toMatchSnapshot()
    })
})

describe('token endpoint: a client that goes away mid-body', () => {
  /** Sends half a form and disconnects; returns what the server did about it. */
  async function abandon(l: Listener) {
    const events: SimEvent[] = []
    const before = h.unexpected.length
    const stop = h.deps.events.subscribe((e) => events.push(e))
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: l.port,
        method: 'POST',
        path: v2(),
        headers: { 'content-type': FORM },
        agent: false,
      })
      req.on('error', () => resolve())
      req.write('grant_type=device_code&client_id=')
      setTimeout(() => req.destroy(), 50)
    })
    await new Promise((r) => setTimeout(r, 200))
    stop()
    const m = masker()
    return {
      events: events.map((e) => ({ type: e.type, data: m.value('', e.data) })),
      unexpected: h.unexpected.length - before,
    }
  }

  it('is no error and is logged alike on both paths', async () => {
    const viaExpress = await abandon(h.plain)
    const viaFastPath = await abandon(h.fast)
    expect(viaFastPath).toEqual(viaExpress)
    expect(viaFastPath.unexpected).toBe(0)
    // Both still answer afterwards.
    const next = form(redeem('undefined'))
    expect((await run(h.fast, { name: 'after', make: () => next })).status).toBe(400)
  })
})
