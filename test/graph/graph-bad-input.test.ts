import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { BOB, DAVE, startTestSimulator } from '../helpers/sim.js'
import { appToken, expectGraphError, graphFetch, graphScenario, READER } from './helpers.js'

let sim: Simulator
let reader: string

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: graphScenario() })
  reader = await appToken(sim, READER)
})
afterAll(() => sim.stop())

describe('Graph bad input', () => {
  it('answers unknown and malformed ids', async () => {
    const unknown = '00000000-0000-0000-0000-000000000001'
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${unknown}`, { token: reader }),
      404,
      'Request_ResourceNotFound',
      `Resource '${unknown}' does not exist or one of its queried reference-property objects are not present.`,
    )
    expectGraphError(
      await graphFetch(sim, '/v1.0/users/nobody@contoso.onmicrosoft.com/memberOf', { token: reader }),
      404,
      'Request_ResourceNotFound',
    )
    expectGraphError(
      await graphFetch(sim, '/v1.0/groups/not-a-guid', { token: reader }),
      400,
      'Request_BadRequest',
      "Invalid object identifier 'not-a-guid'.",
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/groups/${sim.directory.user(BOB)!.id}`, { token: reader }),
      404,
      'Request_ResourceNotFound',
    )
    const bad = await graphFetch(sim, '/v1.0/directoryObjects/getByIds', {
      token: reader,
      body: { ids: ['x'] },
    })
    expectGraphError(bad, 400, 'Request_BadRequest', "Invalid object identifier 'x'.")
  })

  it('enforces the id list limits', async () => {
    const ids = (n: number) =>
      Array.from({ length: n }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`)
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${DAVE}/checkMemberGroups`, {
        token: reader,
        body: { groupIds: ids(21) },
      }),
      400,
      'Request_BadRequest',
    )
    expect(
      (
        await graphFetch(sim, `/v1.0/users/${DAVE}/checkMemberGroups`, {
          token: reader,
          body: { groupIds: ids(20) },
        })
      ).status,
    ).toBe(200)
    expectGraphError(
      await graphFetch(sim, '/v1.0/directoryObjects/getByIds', { token: reader, body: { ids: ids(1001) } }),
      400,
      'Request_BadRequest',
    )
    expect(
      (await graphFetch(sim, '/v1.0/directoryObjects/getByIds', { token: reader, body: { ids: ids(1000) } }))
        .body.value,
    ).toEqual([])
    expectGraphError(
      await graphFetch(sim, '/v1.0/directoryObjects/getByIds', {
        token: reader,
        body: { ids: [], types: ['planet'] },
      }),
      400,
      'Request_BadRequest',
    )
  })

  it('answers bad JSON, empty bodies and wrong parameters', async () => {
    const path = `/v1.0/users/${BOB}/getMemberGroups`
    const unreadable = /^Unable to read JSON request payload/
    expectGraphError(
      await graphFetch(sim, path, {
        token: reader,
        rawBody: '{"securityEnabledOnly":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'BadRequest',
      unreadable,
    )
    expectGraphError(
      await graphFetch(sim, path, {
        token: reader,
        rawBody: '{"securityEnabledOnly":true}',
        headers: { 'content-type': 'text/plain' },
      }),
      400,
      'BadRequest',
      unreadable,
    )
    expectGraphError(
      await graphFetch(sim, path, { token: reader, method: 'POST' }),
      400,
      'BadRequest',
      'Empty Payload. JSON content expected.',
    )
    expectGraphError(
      await graphFetch(sim, path, { token: reader, body: { securityEnabledOnly: 'yes' } }),
      400,
      'BadRequest',
      "Cannot convert the literal 'yes' to the expected type 'Edm.Boolean'.",
    )
    expectGraphError(
      await graphFetch(sim, path, { token: reader, body: { securityEnabledOnly: true, extra: 1 } }),
      400,
      'BadRequest',
      /The parameter 'extra' in the request payload is not a valid parameter/,
    )
    expectGraphError(await graphFetch(sim, path, { token: reader, body: {} }), 400, 'BadRequest')
  })

  it('answers unknown segments, versions, methods and query options', async () => {
    expectGraphError(
      await graphFetch(sim, '/v1.0/planets', { token: reader }),
      400,
      'BadRequest',
      "Resource not found for the segment 'planets'.",
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/friends`, { token: reader }),
      400,
      'BadRequest',
      "Resource not found for the segment 'friends'.",
    )
    expectGraphError(await graphFetch(sim, '/v9.9/users', { token: reader }), 400, 'BadRequest')
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/getMemberGroups`, { token: reader }),
      405,
      'Request_BadRequest',
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/memberOf?$top=1000`, { token: reader }),
      400,
      'Request_UnsupportedQuery',
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/memberOf?$top=0`, { token: reader }),
      400,
      'Request_UnsupportedQuery',
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/memberOf?$count=true`, { token: reader }),
      400,
      'Request_BadRequest',
      '$count is not currently supported.',
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/memberOf/$count`, { token: reader }),
      400,
      'Request_BadRequest',
      '$count is not currently supported.',
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/memberOf?$skiptoken=garbage`, { token: reader }),
      400,
      'Directory_ExpiredPageToken',
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}?$select=shoeSize`, { token: reader }),
      400,
      'BadRequest',
      "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/memberOf?$filter=x`, { token: reader }),
      400,
      'Request_UnsupportedQuery',
    )
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/memberOf?$top=1&$top=2`, { token: reader }),
      400,
      'BadRequest',
    )
  })

  it('echoes client-request-id and sets request-id', async () => {
    const a = await graphFetch(sim, `/v1.0/users/${BOB}`, {
      token: reader,
      headers: { 'client-request-id': 'abc-123' },
    })
    expect(a.headers.get('client-request-id')).toBe('abc-123')
    expect(a.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.headers.get('content-type')).toMatch(/^application\/json;odata.metadata=minimal/)
  })
})

describe('Graph fault injection', () => {
  it('answers 429 with Retry-After and 503 through the fault registry', async () => {
    sim.faults.set('graph.getMemberGroups', { status: 429, retryAfter: 7, times: 1 })
    const throttled = await graphFetch(sim, `/v1.0/users/${BOB}/getMemberGroups`, {
      token: reader,
      body: { securityEnabledOnly: false },
    })
    expectGraphError(throttled, 429, 'TooManyRequests')
    expect(throttled.headers.get('retry-after')).toBe('7')
    sim.faults.set('graph.*', { status: 503, times: 1 })
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}`, { token: reader }),
      503,
      'serviceNotAvailable',
    )
    expect((await graphFetch(sim, `/v1.0/users/${BOB}`, { token: reader })).status).toBe(200)
  })
})
