import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { post, get, urls } from '../helpers/entra.js'
import { startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
let u: ReturnType<typeof urls>
beforeAll(async () => {
  sim = await startTestSimulator()
  u = urls(sim)
})
afterAll(() => sim.stop())

const paramName = fc.oneof(
  fc.constantFrom(
    'grant_type',
    'client_id',
    'device_code',
    'code',
    'scope',
    'resource',
    'refresh_token',
    'client_secret',
    'client_info',
    'client_assertion',
  ),
  fc.string({ maxLength: 12 }),
)
const paramValue = fc.oneof(
  fc.constantFrom(
    'device_code',
    'urn:ietf:params:oauth:grant-type:device_code',
    'refresh_token',
    'client_credentials',
    AKS_CLIENT_APP_ID,
    `${AKS_SERVER_APP_ID}/.default`,
    'undefined',
    '',
    '1',
  ),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
)
const form = fc.dictionary(paramName, paramValue, { maxKeys: 8 })

describe('property: the token and devicecode endpoints never fail open or crash', () => {
  it('answers any form body with an Entra JSON error (or a token for a valid request), never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        form,
        fc.constantFrom('token', 'devicecode', 'v1token', 'v1devicecode'),
        async (body, which) => {
          const res = await post(u[which as 'token'], body)
          expect(res.status).toBeLessThan(500)
          expect(typeof res.body).toBe('object')
          if (res.status !== 200) {
            expect(typeof res.body.error).toBe('string')
            expect(res.body.error_description).toMatch(/^AADSTS\d+: /)
          } else {
            // Only a device authorization can succeed from random input (no approved code or secret exists).
            expect(which).toMatch(/devicecode/)
            expect(res.body.device_code).toBeTruthy()
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('answers raw random bytes with any content type without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/json',
          'text/plain',
          'multipart/form-data; boundary=x',
          '',
        ),
        async (bytes, type) => {
          const res = await fetch(u.token, {
            method: 'POST',
            headers: type ? { 'content-type': type } : {},
            body: Buffer.from(bytes),
          })
          expect(res.status).toBeLessThan(500)
          expect(res.headers.get('content-type')).toMatch(/^application\/json/)
          await res.arrayBuffer()
        },
      ),
      { numRuns: 100 },
    )
  })

  it('answers random paths on the Entra host with JSON, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.webPath(), async (path) => {
        const res = await get(`${sim.endpoints.authority}${path.startsWith('/') ? path : `/${path}`}`)
        expect(res.status).toBeLessThan(500)
      }),
      { numRuns: 100 },
    )
  })
})
