/**
 * The token signer (node:crypto) must produce exactly the JWT jose's SignJWT produced before it:
 * RS256 (RSASSA-PKCS1-v1_5) is deterministic, so the same header, claims and key give the same bytes.
 */
import fc from 'fast-check'
import { SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { signToken } from '../../src/entra/signer.js'
import { createClock } from '../../src/kernel/clock.js'
import { loadOrCreateKeyStore, type KeyStore } from '../../src/kernel/keys.js'

let keys: KeyStore
beforeAll(async () => {
  keys = await loadOrCreateKeyStore({ stateDir: undefined, clock: createClock(), rotationGraceMs: 0 })
})

const withJose = (claims: Record<string, unknown>, v1: boolean) => {
  const key = keys.current()
  const header = { typ: 'JWT', alg: 'RS256', ...(v1 && { x5t: key.kid }), kid: key.kid }
  return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey)
}

const CLAIMS: Record<string, unknown>[] = [
  {
    aud: '6dae42f8-4368-4678-94ff-3960e28e3630',
    iss: 'https://127.0.0.1:8440/c7193aaa-ae3d-59b8-8334-ae3aa73623e7/',
    iat: 1768469400,
    nbf: 1768469400,
    exp: 1768473000,
    name: 'Zoë Ångström 🚀 "quoted" \\ back\\slash </script>',
    groups: Array.from({ length: 250 }, (_, i) => `g-${i}`),
    amr: ['pwd'],
    email: undefined,
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: 'https://graph.windows.net/t/users/u/getMemberObjects' } },
    ver: '1.0',
  },
  { lone: '\ud800 lone surrogate', control: '\u0000\u001f', nested: [[], {}, [null, true, 1.5, -0]] },
  {},
]

describe('signToken', () => {
  it('signs exactly as jose SignJWT, v1 (x5t) and v2 headers', async () => {
    for (const claims of CLAIMS)
      for (const v1 of [true, false]) {
        const ours = await signToken(keys, claims, { v1 })
        expect(ours.kid).toBe(keys.current().kid)
        expect(ours.jwt).toBe(await withJose(claims, v1))
      }
  })

  it('signs any JSON claim set exactly as jose', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.string().filter((k) => k !== '__proto__'),
          fc.jsonValue(),
        ),
        fc.boolean(),
        async (claims, v1) => {
          expect((await signToken(keys, claims, { v1 })).jwt).toBe(await withJose(claims, v1))
        },
      ),
      { numRuns: 150 },
    )
  })
})
