import fc from 'fast-check'
import { SignJWT, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { claimsOf, exchange, podToken } from './helpers.js'

let sim: Simulator
let genuine: string
let foreignKey: CryptoKey
beforeAll(async () => {
  sim = await startTestSimulator()
  genuine = await podToken(sim, 'dev', 'orders-api-0')
  foreignKey = (await generateKeyPair('RS256')).privateKey
})
afterAll(() => sim.stop())

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

function expectRefused(res: { status: number; body: any }) {
  expect(res.status).toBeGreaterThanOrEqual(400)
  expect(res.status).toBeLessThan(500)
  expect(res.body.access_token).toBeUndefined()
  expect(res.body.error_description).toMatch(/^AADSTS\d+: /)
}

describe('token exchange bad input', () => {
  it('refuses arbitrary assertion strings with an AADSTS 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), async (s) =>
        expectRefused(await exchange(sim, DEMO_POD_IDENTITY.ordersClientId, s)),
      ),
      { numRuns: 60 },
    )
  })

  it('refuses JWT-shaped assertions with arbitrary headers and claims, unsigned or foreign-signed', async () => {
    const real = claimsOf(genuine)
    const claims = fc.record(
      {
        iss: fc.oneof(fc.constant(real.iss), fc.string(), fc.integer()),
        sub: fc.oneof(fc.constant(real.sub), fc.string(), fc.constant(null)),
        aud: fc.oneof(fc.constant(real.aud), fc.string(), fc.array(fc.string())),
        exp: fc.oneof(fc.constant(real.exp), fc.integer(), fc.string()),
        nbf: fc.oneof(fc.constant(real.nbf), fc.integer()),
      },
      { requiredKeys: [] },
    )
    await fc.assert(
      fc.asyncProperty(claims, fc.jsonValue(), fc.boolean(), async (c, header, sign) => {
        const jwt = sign
          ? await new SignJWT(c)
              .setProtectedHeader({ alg: 'RS256', kid: JSON.stringify(header) })
              .sign(foreignKey)
          : `${b64(header)}.${b64(c)}.${b64('sig')}`
        expectRefused(await exchange(sim, DEMO_POD_IDENTITY.ordersClientId, jwt))
      }),
      { numRuns: 80 },
    )
  })

  it('a genuine token altered in any byte is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: genuine.length - 1 }),
        fc.constantFrom('A', 'B', '_', '-', '.'),
        async (i, ch) => {
          fc.pre(genuine[i] !== ch)
          const altered = genuine.slice(0, i) + ch + genuine.slice(i + 1)
          // A change in a base64url character's unused low bits decodes to the same bytes: not an alteration.
          const parts = altered.split('.')
          const orig = genuine.split('.')
          fc.pre(
            parts.length !== 3 ||
              parts.some((p, j) => !Buffer.from(p, 'base64url').equals(Buffer.from(orig[j]!, 'base64url'))),
          )
          expectRefused(await exchange(sim, DEMO_POD_IDENTITY.ordersClientId, altered))
        },
      ),
      { numRuns: 60 },
    )
  })
})
