/**
 * Microsoft.ManagedIdentity with random input (fast-check): random paths around the namespace, methods,
 * api-versions, paging parameters, credential names and bodies (valid, nearly valid, wrong types, too
 * long, not JSON), from a caller with Managed Identity Contributor, one without any role, and none.
 * ARM never answers 5xx, every error is ARM's envelope, a rejected request never changes the stored
 * credentials, and an accepted one stores exactly the credential its body described — within the
 * documented limits.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_WEBHOOK_SECRET, type Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { FRANK, startTestSimulator } from '../helpers/sim.js'
import { armAppToken, armToken } from '../client/helpers.js'
import { RG, SUB, arm } from './helpers.js'
import { ROLES, ficPath, grant, webhookApp } from './managed-identities.helpers.js'

const OWNERS = [DEMO_POD_IDENTITY.ordersClientId, DEMO_POD_IDENTITY.inventoryClientId]
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/

let sim: Simulator
let contributor: string
let frank: string
let undo: () => void
beforeAll(async () => {
  sim = await startTestSimulator()
  const app = webhookApp(sim)
  undo = grant(sim, app.oid, ROLES.contributor)
  ;[contributor, frank] = await Promise.all([
    armAppToken(sim, app.appId, DEMO_WEBHOOK_SECRET),
    armToken(sim, FRANK),
  ])
})
afterAll(async () => {
  undo()
  await sim.stop()
})

const snapshot = () => JSON.stringify(OWNERS.map((o) => sim.podIdentity.credentials.list(o)))

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', 'https://issuer.example/t/u/', 'system:serviceaccount:a:b', 'x'.repeat(601)),
)
const value = fc.oneof(
  text,
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(text, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), text, { maxKeys: 2 }),
)
const properties = fc.dictionary(
  fc.constantFrom('issuer', 'subject', 'audiences', 'description', 'name', 'claimsMatchingExpression'),
  value,
)
// Mostly well-formed: the three required fields with valid or invalid values.
const mostly = <T>(good: T, other: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: fc.constant(good), weight: 3 }, { arbitrary: other, weight: 1 })
const nearlyValid = fc.record({
  issuer: mostly('https://issuer.example/t/u/', text),
  subject: mostly('system:serviceaccount:p:q', text),
  audiences: mostly(['api://AzureADTokenExchange'], fc.oneof(fc.array(text, { maxLength: 3 }), value)),
})
const body = fc.oneof(
  nearlyValid.map((p) => JSON.stringify({ properties: p })),
  properties.map((p) => JSON.stringify({ properties: p })),
  fc.json(),
  fc.string({ maxLength: 40 }),
)
const name = fc.oneof(
  fc.constantFrom('prop-fic', 'ab', '_x', 'a'.repeat(121), 'A1b', 'fic_1', 'PROP-FIC'),
  fc.string({ minLength: 1, maxLength: 12 }).map((s) => encodeURIComponent(s)),
)
const segment = fc.oneof(
  fc.constantFrom(
    'subscriptions',
    SUB,
    'resourceGroups',
    RG,
    'providers',
    'Microsoft.ManagedIdentity',
    'userAssignedIdentities',
    'orders-api-identity',
    'federatedIdentityCredentials',
    'identities',
    '',
  ),
  fc.string({ maxLength: 10 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom('%', '%zz', '..', '%2F'),
)
const path = fc.oneof(
  fc
    .tuple(fc.constantFrom('orders-api-identity', 'inventory-identity', 'ghost'), name)
    .map(([i, n]) => ficPath(i, n)),
  fc.tuple(fc.constantFrom('orders-api-identity', 'ghost'), name).map(([i, n]) => ficPath(i, n)),
  fc.array(segment, { maxLength: 9 }).map((s) => `/${s.join('/')}`),
)
const anyRequest = fc.record({
  method: fc.constantFrom('PUT', 'PUT', 'GET', 'DELETE', 'PATCH', 'POST'),
  path,
  query: fc.constantFrom(
    '?api-version=2024-11-30',
    '?api-version=2024-11-30',
    '?api-version=2021-09-30-preview',
    '?api-version=x',
    '',
    '?api-version=2024-11-30&$top=0',
    '?api-version=2024-11-30&$top=1&$skiptoken=zz',
  ),
  body: fc.option(body, { nil: undefined }),
  who: fc.constantFrom('contributor', 'contributor', 'frank', 'none'),
})
// Credential writes that reach validation: the contributor, an existing identity, mostly-valid bodies.
const ficWrite = fc.record({
  method: fc.constant('PUT'),
  path: fc
    .tuple(fc.constantFrom('orders-api-identity', 'inventory-identity'), name)
    .map(([i, n]) => ficPath(i, n)),
  query: fc.constantFrom('?api-version=2024-11-30', '?api-version=2023-01-31'),
  body: fc.oneof(
    { arbitrary: nearlyValid.map((p) => JSON.stringify({ properties: p })), weight: 4 },
    { arbitrary: body, weight: 1 },
  ),
  who: fc.constant('contributor'),
})
const request = fc.oneof({ arbitrary: anyRequest, weight: 1 }, { arbitrary: ficWrite, weight: 1 })

describe('random managed-identity requests (property)', () => {
  it('never 5xx, always ARM’s envelope, never a credential from a rejected or unauthorized request', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = snapshot()
        const token = r.who === 'contributor' ? contributor : r.who === 'frank' ? frank : undefined
        const res = await arm(sim, r.method, `${r.path}${r.query}`, {
          ...(token !== undefined && { token }),
          ...(r.body !== undefined && r.method !== 'GET' && { rawBody: r.body }),
        })
        const what = `${r.who} ${r.method} ${r.path}${r.query} ${r.body ?? ''} → ${res.status} ${JSON.stringify(res.body)}`
        expect(res.status, what).toBeLessThan(500)
        if (res.status >= 400) {
          expect(Object.keys(res.body), what).toEqual(['error'])
          expect(Object.keys(res.body.error).sort(), what).toEqual(['code', 'message'])
          expect(snapshot(), what).toBe(before)
          return
        }
        if (r.who !== 'contributor') expect(snapshot(), what).toBe(before)
        if (r.method !== 'PUT') return
        // Accepted: exactly what the body said, within the limits, and stored under the path's name.
        const sent = (JSON.parse(r.body!) as { properties: Record<string, unknown> }).properties
        const props = res.body.properties as { issuer: string; subject: string; audiences: string[] }
        expect(props, what).toEqual({ issuer: sent.issuer, subject: sent.subject, audiences: sent.audiences })
        expect(props.audiences, what).toHaveLength(1)
        for (const v of [props.issuer, props.subject, props.audiences[0]!])
          expect(v.length, what).toBeLessThanOrEqual(600)
        expect(res.body.name, what).toMatch(NAME_RE)
        const owner = OWNERS.find(
          (o) => sim.podIdentity.identityByClientId(o)!.name === res.body.id.split('/')[8],
        )!
        const stored = sim.podIdentity.credentials.list(owner).find((f) => f.name === res.body.name)!
        expect({ issuer: stored.issuer, subject: stored.subject, audiences: stored.audiences }, what).toEqual(
          props,
        )
        // Back to the scenario's state for the next run.
        sim.podIdentity.credentials.remove(owner, stored.id)
        expect(snapshot(), what).toBe(before)
      }),
      { numRuns: 250 },
    )
  })
})
