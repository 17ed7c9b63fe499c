/**
 * Graph's membership fast path (src/graph/fast-path.ts) must be indistinguishable from the express
 * route it bypasses. Two handlers share one set of Graph deps: one with the fast path, one with it
 * switched off. Each request goes to both; status, headers (name, value and order; minus Date) and
 * body must be equal, and so must the request log events, once the per-request ids and the second
 * of the error date are masked. Scenarios first, then a property test over paths, methods, bodies,
 * headers and tokens.
 */
import type { IncomingMessage } from 'node:http'
import fc from 'fast-check'
import request from 'supertest'
import { beforeAll, describe, expect, it } from 'vitest'
import { BENCH_APP, SYNTH_UPN, syntheticScenario } from '../../bench/graph-synthetic.js'
import { createGraphFastPath } from '../../src/graph/fast-path.js'
import { createGraphApp } from '../../src/graph/routes.js'
import { createGraphService } from '../../src/graph/service.js'
import { createDirectory, type Directory } from '../../src/kernel/directory.js'
import { createEventBus, type SimEvent } from '../../src/kernel/events.js'
import { createFaultRegistry } from '../../src/kernel/faults.js'
import { firstPartyApplications } from '../../src/kernel/first-party.js'
import { graphAppToken } from '../helpers/graph-in-process.js'

type Handler = ReturnType<typeof createGraphApp>

interface Harness {
  fast: Handler
  /** The fast path alone: 599 for what it leaves to express. */
  fastOnly: Handler
  plain: Handler
  events: SimEvent[]
  token: string
  directory: Directory
}

async function harness(): Promise<Harness> {
  const directory = createDirectory(syntheticScenario(40, 3, 20), firstPartyApplications)
  const { clock, keys, issuers, jwt } = await graphAppToken(directory, BENCH_APP.appId)
  const events: SimEvent[] = []
  const bus = createEventBus(() => clock.now())
  bus.subscribe((e) => events.push(e))
  const deps = {
    directory,
    keys,
    clock,
    events: bus,
    faults: createFaultRegistry(),
    issuers: () => issuers,
    authority: () => 'https://t',
    baseUrl: () => 'https://g',
  }
  // Another slice's route, as the composition root gives one (pod identity's federated credentials).
  const routes = [
    {
      path: /^\/v1\.0\/users\/claimed@contoso\.onmicrosoft\.com\/memberOf$/,
      handle: () => ({ status: 200, body: { claimed: true } }),
    },
  ]
  const onUnexpected = () => {}
  const alone = createGraphFastPath(deps, createGraphService(deps), routes, {
    now: () => clock.now(),
    authority: deps.authority,
    onUnexpected,
  })
  return {
    fastOnly: (req, res) => {
      if (!alone(req, res)) {
        res.statusCode = 599
        res.end()
      }
    },
    fast: createGraphApp(deps, { onUnexpected, routes }),
    plain: createGraphApp(deps, { onUnexpected, routes, fastPath: false }),
    events,
    token: jwt,
    directory,
  }
}

interface Req {
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  body?: string
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

async function answer(h: Harness, handler: Handler, r: Req) {
  const before = h.events.length
  let t = request(handler)[r.method === 'GET' ? 'get' : 'post'](r.url)
  for (const [k, v] of Object.entries(r.headers)) t = t.set(k, v)
  const res = await (r.body === undefined ? t : t.send(r.body)).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('end', () => cb(null, Buffer.concat(chunks)))
  })
  // The request log's event is emitted on 'finish', before supertest sees the end.
  const raw = (res as unknown as { res: IncomingMessage }).res.rawHeaders
  const headers: string[] = []
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.toLowerCase() !== 'date') headers.push(`${raw[i]}: ${raw[i + 1]}`)
  const requestId = String(res.headers['request-id'] ?? '')
  const mask = (s: string) =>
    s
      .split(requestId || '\u0000')
      .join('<request-id>')
      .replace(GUID, (g) => (g === requestId ? '<request-id>' : g))
      .replace(/"date":"[0-9T:-]{19}"/, '"date":"<date>"')
  const events = h.events.slice(before).map((e) => {
    const { durationMs: _d, ...data } = e.data
    return mask(JSON.stringify({ type: e.type, service: e.service, data }))
  })
  return {
    status: res.status,
    headers: headers.map(mask),
    body: mask((res.body as Buffer).toString('utf8')),
    events,
  }
}

async function same(h: Harness, r: Req) {
  const a = await answer(h, h.fast, r)
  const b = await answer(h, h.plain, r)
  expect(a, `${r.method} ${r.url}`).toEqual(b)
  return a
}

describe('Graph membership fast path', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness()
  })
  const auth = () => ({ authorization: `Bearer ${h.token}` })
  const json = { 'content-type': 'application/json' }

  it('answers the membership calls as the express route does, successes and errors', async () => {
    const synthId = h.directory.user(SYNTH_UPN)!.id
    const groupId = h.directory.transitiveGroups(synthId)[0]!.id
    const ok = await same(h, {
      method: 'POST',
      url: `/v1.0/users/${SYNTH_UPN}/getMemberGroups`,
      headers: { ...auth(), ...json },
      body: '{"securityEnabledOnly":false}',
    })
    expect(ok.status).toBe(200)
    expect(ok.body).toContain(groupId)
    const cases: Req[] = [
      {
        method: 'POST',
        url: `/v1.0/users/${synthId}/getMemberObjects`,
        headers: { ...auth(), ...json },
        body: '{"securityEnabledOnly":true}',
      },
      {
        method: 'POST',
        url: `/beta/users/${synthId}/checkMemberGroups`,
        headers: { ...auth(), ...json },
        body: JSON.stringify({ groupIds: [groupId, synthId] }),
      },
      {
        method: 'POST',
        url: `/v1.0/directoryObjects/${synthId}/checkMemberObjects`,
        headers: { ...auth(), ...json },
        body: JSON.stringify({ ids: [groupId] }),
      },
      {
        method: 'GET',
        url: `/v1.0/users/${SYNTH_UPN}/memberOf`,
        headers: { ...auth(), 'client-request-id': 'abc-123' },
      },
      {
        method: 'GET',
        url: `/v1.0/users/${SYNTH_UPN}/memberOf?$select=id,displayName&$top=5`,
        headers: auth(),
      },
      {
        method: 'GET',
        url: `/v1.0/users/${SYNTH_UPN}/memberOf?$count=true`,
        headers: { ...auth(), consistencylevel: 'eventual' },
      },
      { method: 'GET', url: `/v1.0/groups/${groupId}/memberOf`, headers: auth() },
      // As clients send a user principal name: `@` percent-encoded.
      {
        method: 'POST',
        url: `/v1.0/users/${encodeURIComponent(SYNTH_UPN)}/getMemberGroups`,
        headers: { ...auth(), ...json },
        body: '{"securityEnabledOnly":false}',
      },
      // Errors: no token, a bad token, unknown user, bad JSON, wrong content type, a bad id.
      { method: 'POST', url: `/v1.0/users/${SYNTH_UPN}/getMemberGroups`, headers: json, body: '{}' },
      {
        method: 'POST',
        url: `/v1.0/users/${SYNTH_UPN}/getMemberGroups`,
        headers: { authorization: 'Bearer x.y.z', ...json },
        body: '{}',
      },
      {
        method: 'POST',
        url: '/v1.0/users/nobody@contoso.onmicrosoft.com/getMemberGroups',
        headers: { ...auth(), ...json },
        body: '{"securityEnabledOnly":false}',
      },
      {
        method: 'POST',
        url: `/v1.0/users/${SYNTH_UPN}/getMemberGroups`,
        headers: { ...auth(), ...json },
        body: '{"securityEnabledOnly":',
      },
      {
        method: 'POST',
        url: `/v1.0/users/${SYNTH_UPN}/getMemberGroups`,
        headers: { ...auth(), 'content-type': 'text/plain' },
        body: 'x',
      },
      {
        method: 'POST',
        url: `/v1.0/users/${SYNTH_UPN}/getMemberGroups`,
        headers: { ...auth(), ...json },
        body: '',
      },
      {
        method: 'POST',
        url: '/v1.0/groups/not-a-guid/checkMemberGroups',
        headers: { ...auth(), ...json },
        body: '{"groupIds":[]}',
      },
      { method: 'GET', url: '/v2.0/users/x/memberOf', headers: auth() },
      // Another slice's route still wins.
      { method: 'GET', url: '/v1.0/users/claimed@contoso.onmicrosoft.com/memberOf', headers: auth() },
    ]
    for (const r of cases) await same(h, r)
    // The plainly spelled calls above were the fast path's own answers, not express's.
    for (const r of cases.slice(0, 15)) expect((await answer(h, h.fastOnly, r)).status, r.url).not.toBe(599)
    for (const r of cases.slice(15)) expect((await answer(h, h.fastOnly, r)).status, r.url).toBe(599)
  })

  it('answers like express for any mix of path, method, query, body, content type and token', async () => {
    const synthId = h.directory.user(SYNTH_UPN)!.id
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
        fc.constantFrom('v1.0', 'beta', 'V1.0', 'v2'),
        fc.constantFrom('users', 'groups', 'servicePrincipals', 'directoryObjects', 'Users'),
        fc.constantFrom(
          SYNTH_UPN,
          synthId,
          'nobody',
          'bad%zz',
          'a%40b',
          '00000000-0000-0000-0000-000000000000',
        ),
        fc.constantFrom(
          'getMemberGroups',
          'checkMemberGroups',
          'getMemberObjects',
          'checkMemberObjects',
          'memberOf',
          'memberOf/',
          'GETMEMBERGROUPS',
        ),
        fc.constantFrom('', '?$top=2', '?$select=id', '?$filter=x', '?a=1&a=2', '?'),
        fc.option(
          fc.oneof(
            fc.constant('{"securityEnabledOnly":true}'),
            fc.constant('{"groupIds":["x"]}'),
            fc.string({ maxLength: 20 }),
          ),
          { nil: undefined },
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', undefined),
        fc.constantFrom('good', 'none', 'garbage'),
        async (method, version, set, id, action, query, body, type, token) => {
          const headers: Record<string, string> = {}
          if (type) headers['content-type'] = type
          if (token === 'good') headers.authorization = `Bearer ${h.token}`
          if (token === 'garbage') headers.authorization = 'Bearer not-a-token'
          await same(h, { method, url: `/${version}/${set}/${id}/${action}${query}`, headers, body })
        },
      ),
      { numRuns: 120 },
    )
  })
})
