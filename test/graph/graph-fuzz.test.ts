/**
 * Property-based bad input against the running Graph and token endpoint: whatever the path, query,
 * body or token, the answer is a Graph-shaped (or AADSTS-shaped) 4xx or a success, never a 5xx, and a
 * token that is not exactly one the simulator issued is never accepted.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import {
  appToken,
  graphError,
  graphFetch,
  graphScenario,
  postToken,
  READER,
  userToken,
  type GraphAnswer,
} from './helpers.js'

let sim: Simulator
let token: string
let delegated: string

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: graphScenario() })
  token = await appToken(sim, READER)
  delegated = (await userToken(sim, BOB, 'https://graph.microsoft.com/User.Read')).access_token
})
afterAll(() => sim.stop())

function expectWellFormed(a: GraphAnswer): void {
  expect(a.status).toBeLessThan(500)
  if (a.status >= 400) {
    const e = graphError(a)
    expect(e.innerError['request-id']).toBe(a.headers.get('request-id'))
  }
}

const segment = fc.oneof(
  fc.constantFrom(
    'me',
    'users',
    'groups',
    'servicePrincipals',
    'directoryObjects',
    'getByIds',
    'memberOf',
    'transitiveMemberOf',
    'members',
    'transitiveMembers',
    'getMemberGroups',
    'checkMemberGroups',
    'getMemberObjects',
    'microsoft.graph.group',
    '$count',
    'bob@contoso.onmicrosoft.com',
    '00000000-0000-0000-0000-000000000000',
    '',
    '%',
    '%ZZ',
    '..',
  ),
  fc.uuid(),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
)
const path = fc
  .tuple(fc.constantFrom('v1.0', 'beta', 'v2', ''), fc.array(segment, { maxLength: 5 }))
  .map(([v, segs]) => `/${[v, ...segs].join('/')}`)
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('$select', '$top', '$count', '$skiptoken', '$filter', '$foo', 'api-version', '$TOP'),
      fc.oneof(
        fc.constantFrom('id,displayName', '0', '999', '1000', 'true', 'x', ''),
        fc.string({ maxLength: 10 }),
      ),
    ),
    { maxLength: 3 },
  )
  .map((kv) => (kv.length ? `?${kv.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : ''))

describe('Graph under random input', () => {
  it('answers random paths, methods and query options with a Graph body, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        path,
        query,
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.boolean(),
        fc.boolean(),
        async (p, q, method, eventual, asUser) => {
          const a = await graphFetch(sim, `${p}${q}`, {
            token: asUser ? delegated : token,
            method,
            ...(method === 'POST' && { body: { securityEnabledOnly: true } }),
            headers: eventual ? { ConsistencyLevel: 'eventual' } : {},
          })
          expectWellFormed(a)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('answers random bodies on every action with a Graph body, never a 5xx', async () => {
    const bob = sim.directory.user(BOB)!.id
    const target = fc.constantFrom(
      `/v1.0/users/${bob}/getMemberGroups`,
      `/v1.0/users/${bob}/getMemberObjects`,
      `/v1.0/users/${bob}/checkMemberGroups`,
      `/v1.0/users/${bob}/checkMemberObjects`,
      '/v1.0/directoryObjects/getByIds',
    )
    const body = fc.oneof(
      fc.json().map((raw) => ({ raw, type: 'application/json' })),
      fc.string().map((raw) => ({ raw, type: 'application/json' })),
      fc
        .record({
          ids: fc.array(fc.oneof(fc.uuid(), fc.string()), { maxLength: 30 }),
          types: fc.array(fc.string(), { maxLength: 3 }),
        })
        .map((o) => ({ raw: JSON.stringify(o), type: 'application/json; charset=utf-8' })),
      fc
        .record({ groupIds: fc.array(fc.uuid(), { maxLength: 25 }), securityEnabledOnly: fc.anything() })
        .map((o) => ({ raw: JSON.stringify(o), type: 'application/json' })),
      fc.string().map((raw) => ({ raw, type: 'text/plain' })),
    )
    await fc.assert(
      fc.asyncProperty(target, body, async (t, b) => {
        const a = await graphFetch(sim, t, {
          token,
          method: 'POST',
          rawBody: b.raw,
          headers: { 'content-type': b.type },
        })
        expectWellFormed(a)
      }),
      { numRuns: 300 },
    )
  })

  it('accepts only the exact tokens it issued', async () => {
    const mutated = fc
      .tuple(fc.nat(token.length - 1), fc.constantFrom('A', 'b', '_', '-', '.', '9'))
      .map(([i, c]) => token.slice(0, i) + c + token.slice(i + 1))
    const anyToken = fc.oneof(
      mutated,
      fc.string(),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.')),
    )
    await fc.assert(
      fc.asyncProperty(anyToken, async (t) => {
        const a = await graphFetch(sim, `/v1.0/users/${BOB}`, { headers: { authorization: `Bearer ${t}` } })
        expectWellFormed(a)
        if (t === token) expect(a.status).toBe(200)
        else if (a.status === 200) {
          // Base64url's last character carries spare bits: only a decoding-identical token may pass.
          const same = (x: string) =>
            x
              .split('.')
              .map((s) => Buffer.from(s, 'base64url').toString('hex'))
              .join('.')
          expect(same(t)).toBe(same(token))
        } else expect(graphError(a).code).toBe('InvalidAuthenticationToken')
      }),
      { numRuns: 300 },
    )
  })
})

describe('token endpoint under random app-grant input', () => {
  it('answers random client assertions and OBO assertions with an AADSTS error, never a 5xx', async () => {
    const jwtish = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.base64String(), fc.base64String(), fc.base64String())
        .map((p) => p.join('.').replace(/=/g, '')),
      fc
        .json()
        .map(
          (j) =>
            `${Buffer.from('{"alg":"PS256","x5t#S256":"x"}').toString('base64url')}.${Buffer.from(j).toString('base64url')}.AAAA`,
        ),
    )
    await fc.assert(
      fc.asyncProperty(jwtish, fc.boolean(), async (a, asObo) => {
        const r = await postToken(
          sim,
          asObo
            ? {
                grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
                requested_token_use: 'on_behalf_of',
                client_id: READER.appId,
                client_secret: READER.secret,
                assertion: a,
                scope: 'https://graph.microsoft.com/.default',
              }
            : {
                grant_type: 'client_credentials',
                client_id: READER.appId,
                client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
                client_assertion: a,
                scope: 'https://graph.microsoft.com/.default',
              },
        )
        expect(r.status).toBeGreaterThanOrEqual(400)
        expect(r.status).toBeLessThan(500)
        expect(r.body.error_codes).toEqual([expect.any(Number)])
      }),
      { numRuns: 200 },
    )
  })
})
