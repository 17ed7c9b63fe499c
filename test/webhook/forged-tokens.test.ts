import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import fc from 'fast-check'
import { exportJWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { callWebhook, tokenReview } from '../helpers/webhook.js'
import { openapiValidator } from '../helpers/openapi.js'

const validate = openapiValidator(
  'apis__authentication.k8s.io__v1_openapi.json',
  'io.k8s.api.authentication.v1.TokenReview',
)

let sim: Simulator
let real: string
const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url')

beforeAll(async () => {
  sim = await startTestSimulator()
  real = await deviceCodeToken(sim, BOB)
})
afterAll(() => sim.stop())

/** Claims a genuine AKS token for bob would have, to be varied one at a time. */
function goodClaims(over: Record<string, unknown> = {}) {
  const now = sim.clockSource.nowSeconds()
  const bob = sim.directory.user(BOB)!
  return {
    aud: AKS_SERVER_APP_ID,
    iss: `${sim.endpoints.authority}/${sim.endpoints.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    appid: AKS_CLIENT_APP_ID,
    oid: bob.id,
    tid: sim.endpoints.tenantId,
    upn: BOB,
    groups: [],
    ver: '1.0',
    ...over,
  }
}

/** Signed with the simulator's real current key: the signature is valid, the claims decide. */
async function simSigned(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const k = sim.keyStore.current()
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: k.kid, x5t: k.kid, ...header })
    .sign(k.privateKey)
}

/** Signs raw header and payload texts (exactly these bytes) with the simulator's current key. */
function rawSigned(headerText: string, payloadText: string): string {
  const h = Buffer.from(headerText).toString('base64url')
  const p = Buffer.from(payloadText).toString('base64url')
  const sig = sign('sha256', Buffer.from(`${h}.${p}`), sim.keyStore.current().privateKey)
  return `${h}.${p}.${sig.toString('base64url')}`
}
const realHeader = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: sim.keyStore.current().kid, ...over })
const withCrit = (over: Record<string, unknown>) => rawSigned(realHeader(over), JSON.stringify(goodClaims()))
const ILLEGAL_BASE64 = /oidc: malformed jwt: illegal base64 data at input byte \d+/

const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 })

type Case = [name: string, token: () => Promise<string> | string, reason: RegExp]

const cases: Case[] = [
  [
    'alg none',
    () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(goodClaims())}.`,
    /unsupported algorithm, expected \["RS256"\] got "none"/,
  ],
  [
    'alg none with the real kid',
    () => `${b64({ alg: 'none', kid: sim.keyStore.current().kid })}.${b64(goodClaims())}.`,
    /got "none"/,
  ],
  [
    'HS256 keyed with the public key (PEM)',
    () => {
      const h = b64({ alg: 'HS256', typ: 'JWT', kid: sim.keyStore.current().kid })
      const p = b64(goodClaims())
      const pem = sim.keyStore.current().publicKey.export({ type: 'spki', format: 'pem' })
      return `${h}.${p}.${createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')}`
    },
    /got "HS256"/,
  ],
  [
    'HS256 keyed with the JWK modulus',
    () => {
      const h = b64({ alg: 'HS256', kid: sim.keyStore.current().kid })
      const p = b64(goodClaims())
      const n = String(sim.keyStore.current().publicKey.export({ format: 'jwk' }).n)
      return `${h}.${p}.${createHmac('sha256', n).update(`${h}.${p}`).digest('base64url')}`
    },
    /got "HS256"/,
  ],
  [
    'header-supplied jwk (attacker key)',
    async () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({
          alg: 'RS256',
          kid: sim.keyStore.current().kid,
          jwk: await exportJWK(attacker.publicKey),
        })
        .sign(attacker.privateKey),
    /carries its own key \(jwk\)/,
  ],
  [
    'header jku',
    () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid: 'x', jku: 'https://evil.example/keys' })
        .sign(attacker.privateKey),
    /\(jku\)/,
  ],
  [
    'header x5u',
    () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid: 'x', x5u: 'https://evil.example/cert' })
        .sign(attacker.privateKey),
    /\(x5u\)/,
  ],
  [
    'header x5c',
    () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid: 'x', x5c: ['MIIB'] })
        .sign(attacker.privateKey),
    /\(x5c\)/,
  ],
  [
    'foreign key with a known kid',
    () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid: sim.keyStore.current().kid })
        .sign(attacker.privateKey),
    /failed to verify signature: failed to verify id token signature/,
  ],
  [
    'foreign key with an unknown kid',
    () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid: 'attacker-kid' })
        .sign(attacker.privateKey),
    /signing key "attacker-kid" is not in the tenant's JWKS/,
  ],
  [
    'no kid',
    () =>
      new SignJWT(goodClaims()).setProtectedHeader({ alg: 'RS256' }).sign(sim.keyStore.current().privateKey),
    /the token has no kid/,
  ],
  [
    'tampered payload (upn changed, signature kept)',
    () => {
      const [h, p, s] = real.split('.')
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
      return `${h}.${b64({ ...claims, upn: 'alice@contoso.onmicrosoft.com' })}.${s}`
    },
    /failed to verify id token signature/,
  ],
  [
    'tampered groups (admin group added)',
    () => {
      const [h, p, s] = real.split('.')
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
      return `${h}.${b64({ ...claims, groups: [sim.directory.group('aks-admins')!.id] })}.${s}`
    },
    /failed to verify id token signature/,
  ],
  [
    'signature of another token',
    async () => `${real.split('.').slice(0, 2).join('.')}.${(await deviceCodeToken(sim, BOB)).split('.')[2]}`,
    /failed to verify id token signature/,
  ],
  [
    'signature stripped',
    () => `${real.split('.').slice(0, 2).join('.')}.`,
    /failed to verify id token signature/,
  ],
  [
    'expired (validly signed)',
    () => simSigned(goodClaims({ exp: sim.clockSource.nowSeconds() - 1 })),
    /oidc: token is expired \(Token Expiry: /,
  ],
  ['exp exactly now', () => simSigned(goodClaims({ exp: sim.clockSource.nowSeconds() })), /token is expired/],
  [
    'missing exp',
    () => simSigned({ ...goodClaims(), exp: undefined }),
    /token is expired \(Token Expiry: 1970-01-01 00:00:00 \+0000 UTC\)/,
  ],
  [
    'exp as a string',
    () => simSigned(goodClaims({ exp: String(sim.clockSource.nowSeconds() + 3600) })),
    /token is expired/,
  ],
  [
    'not yet valid (nbf in 10 minutes)',
    () => simSigned(goodClaims({ nbf: sim.clockSource.nowSeconds() + 600 })),
    /before the nbf \(not before\) time/,
  ],
  // Times beyond what a Date holds (a random mutation found these crashing the message's time format).
  [
    'exp far in the past (-1e20)',
    () => simSigned(goodClaims({ exp: -1e20 })),
    /token is expired \(Token Expiry: -100000000000000000000 \(seconds since the epoch\)\)/,
  ],
  [
    'nbf beyond any date (1e20)',
    () => simSigned(goodClaims({ nbf: 1e20 })),
    /before the nbf \(not before\) time: 100000000000000000000 /,
  ],
  [
    'wrong issuer',
    () => simSigned(goodClaims({ iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' })),
    /issued by a different provider, expected ".+" got "https:\/\/sts\.windows\.net\/0{8}-/,
  ],
  [
    'v2 issuer',
    () => simSigned(goodClaims({ iss: `${sim.endpoints.authority}/${sim.endpoints.tenantId}/v2.0` })),
    /issued by a different provider/,
  ],
  [
    'issuer without trailing slash',
    () => simSigned(goodClaims({ iss: `${sim.endpoints.authority}/${sim.endpoints.tenantId}` })),
    /issued by a different provider/,
  ],
  [
    'wrong audience (Graph)',
    () => simSigned(goodClaims({ aud: 'https://graph.microsoft.com' })),
    /expected audience "6dae42f8-4368-4678-94ff-3960e28e3630" got \["https:\/\/graph\.microsoft\.com"\]/,
  ],
  [
    'legacy spn: audience',
    () => simSigned(goodClaims({ aud: `spn:${AKS_SERVER_APP_ID}` })),
    /expected audience/,
  ],
  ['no audience', () => simSigned({ ...goodClaims(), aud: undefined }), /expected audience ".+" got \[\]/],
  [
    'wrong tenant',
    () => simSigned(goodClaims({ tid: '00000000-0000-0000-0000-000000000000' })),
    /is not this cluster's tenant/,
  ],
  [
    'deleted user (unknown oid)',
    () => simSigned(goodClaims({ oid: randomUUID(), upn: 'gone@contoso.onmicrosoft.com' })),
    /no longer exists in the directory/,
  ],
  [
    'upn that is not a string',
    () => simSigned(goodClaims({ upn: 42 })),
    /claim upn is not a string, found 42/,
  ],
  [
    'neither upn nor oid',
    () => simSigned({ ...goodClaims(), upn: undefined, oid: undefined }),
    /upn and objectID: oid claims not found/,
  ],
  [
    'overage pointing at a missing source',
    () =>
      simSigned({ ...goodClaims(), groups: undefined, _claim_names: { groups: 'src9' }, _claim_sources: {} }),
    /oidc: source does not exist/,
  ],
  [
    'RS512 with the real key',
    () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS512', kid: sim.keyStore.current().kid })
        .sign(sim.keyStore.current().privateKey),
    /got "RS512"/,
  ],
  [
    'PS256 with the real key',
    () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'PS256', kid: sim.keyStore.current().kid })
        .sign(sim.keyStore.current().privateKey),
    /got "PS256"/,
  ],
  [
    'ES256 with a foreign EC key',
    () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'ES256', kid: sim.keyStore.current().kid })
        .sign(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    /got "ES256"/,
  ],
  ['truncated token', () => real.slice(0, real.length / 2), /malformed jwt|failed to verify/],
  ['two parts', () => real.split('.').slice(0, 2).join('.'), /compact JWS format must have three parts/],
  ['four parts', () => `${real}.extra`, /compact JWS format must have three parts/],
  ['empty token', () => '', /compact JWS format must have three parts/],
  ['whitespace around the token', () => ` ${real} `, /malformed jwt|failed to verify/],
  ['header not base64url JSON', () => `%%%.${b64(goodClaims())}.sig`, /malformed jwt/],
  ['payload an array', () => `${b64({ alg: 'RS256', kid: 'k' })}.${b64([1, 2, 3])}.sig`, /malformed jwt/],
  [
    'oversized token (64 KiB)',
    () => `${b64({ alg: 'RS256' })}.${b64({ pad: 'x'.repeat(64 * 1024) })}.sig`,
    /larger than 16384 bytes/,
  ],
  ['trailing space', () => `${real} `, ILLEGAL_BASE64],
  ['trailing newline', () => `${real}\n`, ILLEGAL_BASE64],
  ['trailing CRLF', () => `${real}\r\n`, ILLEGAL_BASE64],
  ['leading newline', () => `\n${real}`, /illegal base64 data at input byte 0/],
  ['trailing tab', () => `${real}\t`, ILLEGAL_BASE64],
  ['space inside the payload', () => real.replace('.', '. '), /illegal base64 data at input byte 0/],
  ['"Bearer " prefix left on', () => `Bearer ${real}`, /illegal base64 data at input byte 6/],
  ['NUL byte appended', () => `${real}\u0000`, ILLEGAL_BASE64],
  ['zero-width space appended', () => `${real}\u200b`, ILLEGAL_BASE64],
  ['padding on the signature', () => `${real}==`, ILLEGAL_BASE64],
  [
    'standard base64 alphabet in the signature',
    () => `${real.split('.').slice(0, 2).join('.')}.+${real.split('.')[2]!.slice(1)}`,
    /illegal base64 data at input byte 0/,
  ],
  [
    'impossible base64 length (4n+1)',
    () => {
      // A last group of one character carries 6 bits: no byte ends there.
      const extra = (5 - (real.split('.')[2]!.length % 4)) % 4 || 4
      return real + 'A'.repeat(extra)
    },
    ILLEGAL_BASE64,
  ],
  [
    'crit b64 with b64:false (RFC 7797), validly signed',
    () => withCrit({ b64: false, crit: ['b64'] }),
    /unsupported header b64 \(false\): unencoded payloads \(RFC 7797\) are not accepted/,
  ],
  ['b64:false without crit', () => withCrit({ b64: false }), /unsupported header b64 \(false\)/],
  ['crit b64 with b64:true', () => withCrit({ b64: true, crit: ['b64'] }), /unsupported header b64 \(true\)/],
  [
    'crit naming an unknown extension',
    () => withCrit({ 'https://example.com/ext': 1, crit: ['https://example.com/ext'] }),
    /unsupported crit header: the critical extension "https:\/\/example\.com\/ext" is not understood/,
  ],
  [
    'crit naming a private claim-like extension',
    () => withCrit({ exp: 1, crit: ['exp'] }),
    /unsupported crit header: the critical extension "exp"/,
  ],
  [
    'crit listing an absent name',
    () => withCrit({ crit: ['ext'] }),
    /invalid crit header: "ext" is listed but not present/,
  ],
  ['crit empty list', () => withCrit({ crit: [] }), /invalid crit header: it must be a non-empty list/],
  [
    'crit a string',
    () => withCrit({ ext: 1, crit: 'ext' }),
    /invalid crit header: it must be a non-empty list/,
  ],
  ['crit with a number', () => withCrit({ crit: [7] }), /invalid crit header: it must be a non-empty list/],
  [
    'crit listing alg',
    () => withCrit({ crit: ['alg'] }),
    /invalid crit header: "alg" is defined by the JWS\/JWA specifications/,
  ],
  [
    'crit listing a name twice',
    () => withCrit({ ext: 1, crit: ['ext', 'ext'] }),
    /invalid crit header: a name is listed twice/,
  ],
  [
    'duplicate alg in the header (none, then RS256)',
    () =>
      rawSigned(
        `{"alg":"none","alg":"RS256","kid":"${sim.keyStore.current().kid}"}`,
        JSON.stringify(goodClaims()),
      ),
    /the protected header has the member "alg" twice/,
  ],
  [
    'duplicate upn in the payload, validly signed',
    () =>
      rawSigned(
        realHeader(),
        JSON.stringify(goodClaims()).replace(/}$/, ',"upn":"alice@contoso.onmicrosoft.com"}'),
      ),
    /the payload has the member "upn" twice/,
  ],
  [
    'header JSON null',
    () => `${b64('null')}.${b64(goodClaims())}.sig`,
    /protected header is not a JSON object/,
  ],
  [
    'header with trailing garbage',
    () => rawSigned(`${realHeader()}x`, JSON.stringify(goodClaims())),
    /protected header is not valid JSON/,
  ],
  [
    'header with a byte-order mark',
    () => rawSigned(`\ufeff${realHeader()}`, JSON.stringify(goodClaims())),
    /protected header is not valid JSON/,
  ],
  [
    'empty header part',
    () => `.${b64(goodClaims())}.${real.split('.')[2]}`,
    /protected header is not valid JSON/,
  ],
  [
    'header without alg',
    () => rawSigned(JSON.stringify({ kid: sim.keyStore.current().kid }), JSON.stringify(goodClaims())),
    /protected header has no alg/,
  ],
  [
    'alg a number',
    () => rawSigned(realHeader({ alg: 256 }), JSON.stringify(goodClaims())),
    /protected header has no alg/,
  ],
  [
    'alg in lower case',
    () => rawSigned(realHeader({ alg: 'rs256' }), JSON.stringify(goodClaims())),
    /got "rs256"/,
  ],
  [
    'kid an empty string',
    () => rawSigned(realHeader({ kid: '' }), JSON.stringify(goodClaims())),
    /the token has no kid/,
  ],
  [
    'kid a number',
    () => rawSigned(realHeader({ kid: 1 }), JSON.stringify(goodClaims())),
    /the token has no kid/,
  ],
  [
    'nested JWT as the payload (cty JWT), validly signed',
    () => rawSigned(realHeader({ cty: 'JWT' }), real),
    /the payload is not valid JSON/,
  ],
  [
    'payload JSON null, validly signed',
    () => rawSigned(realHeader(), 'null'),
    /the payload is not a JSON object/,
  ],
  [
    'JWE-shaped (five parts)',
    () => `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`,
    /compact JWS format must have three parts/,
  ],
  ['huge header (20 KiB)', () => withCrit({ pad: 'x'.repeat(20 * 1024) }), /larger than 16384 bytes/],
  [
    'issuer of another tenant with this tenant’s tid',
    () => simSigned(goodClaims({ iss: `${sim.endpoints.authority}/00000000-0000-0000-0000-000000000000/` })),
    /issued by a different provider/,
  ],
  [
    'audience list without the server app',
    () => simSigned(goodClaims({ aud: ['https://management.azure.com/', 'https://graph.microsoft.com'] })),
    /expected audience ".+" got \["https:\/\/management/,
  ],
  [
    'the simulator’s refresh-token format',
    () => '1.ASIAQ' + 'A'.repeat(160),
    /compact JWS format must have three parts/,
  ],
]

describe('forged and malformed tokens: none authenticated, none 5xx, each with its reason', () => {
  it('has at least 60 distinct cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
    expect(new Set(cases.map(([name]) => name)).size).toBe(cases.length)
  })
  it.each(cases)('%s', async (_name, make, reason) => {
    const res = await callWebhook(sim, '/tokenreviews', tokenReview(await make()))
    expect(res.status).toBe(200)
    expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true)
    expect(res.body.status.authenticated).toBeUndefined()
    expect(res.body.status.error).toMatch(reason)
    const event = sim.events.recent({ type: 'token_review.completed' }).at(-1)!
    expect(event.data).toMatchObject({ outcome: 'rejected', error: res.body.status.error })
  })
})

type BodyCase = [name: string, raw: string | Buffer, status: number, error: RegExp]
const bodies: BodyCase[] = [
  ['not JSON', 'token=abc', 400, /not valid JSON/],
  ['empty body', '', 400, /not valid JSON/],
  ['a JSON array', '[]', 400, /not a JSON object/],
  ['a JSON string', '"TokenReview"', 400, /not a JSON object/],
  [
    'wrong kind',
    JSON.stringify({
      kind: 'SubjectAccessReview',
      apiVersion: 'authentication.k8s.io/v1',
      spec: { token: 'x' },
    }),
    400,
    /kind must be TokenReview/,
  ],
  [
    'wrong apiVersion',
    JSON.stringify({ kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v2', spec: { token: 'x' } }),
    400,
    /unsupported apiVersion/,
  ],
  [
    'no spec',
    JSON.stringify({ kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1' }),
    400,
    /spec is required/,
  ],
  [
    'token not a string',
    JSON.stringify({ kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token: 42 } }),
    400,
    /spec\.token must be a string/,
  ],
  [
    'audiences not a list',
    JSON.stringify({
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      spec: { token: 'x', audiences: 'a' },
    }),
    400,
    /audiences must be a list/,
  ],
  [
    '2 MiB body',
    JSON.stringify({
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      spec: { token: 'x'.repeat(2 * 1024 * 1024) },
    }),
    413,
    /larger than 1048576 bytes/,
  ],
  ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]), 400, /not valid JSON/],
]

describe('malformed review bodies get a TokenReview error, never 5xx', () => {
  it.each(bodies)('%s', async (_name, raw, status, error) => {
    const res = await callWebhook(sim, '/tokenreviews', undefined, { raw })
    expect(res.status).toBe(status)
    expect(res.body.status.authenticated).toBeUndefined()
    expect(res.body.status.error).toMatch(error)
  })
})

describe('property: random tokens and bodies never authenticate and never 5xx', () => {
  it('random token strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(fc.base64String({ maxLength: 200 }), { minLength: 1, maxLength: 4 })
            .map((p) => p.join('.')),
        ),
        async (token) => {
          const res = await callWebhook(sim, '/tokenreviews', tokenReview(token))
          expect(res.status).toBe(200)
          expect(res.body.status.authenticated).toBeUndefined()
          expect(res.body.status.error).toBeTruthy()
        },
      ),
      { numRuns: 120 },
    )
  })

  it('random mutations of a real token', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: real.length - 1 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'),
        async (i, ch) => {
          fc.pre(real[i] !== ch)
          const token = real.slice(0, i) + ch + real.slice(i + 1)
          const res = await callWebhook(sim, '/tokenreviews', tokenReview(token))
          expect(res.status).toBeLessThan(500)
          // Base64url has slack in its last character: a change there can decode to the same bytes.
          const same =
            Buffer.from(token.split('.')[2] ?? '', 'base64url').equals(
              Buffer.from(real.split('.')[2]!, 'base64url'),
            ) && token.split('.').slice(0, 2).join('.') === real.split('.').slice(0, 2).join('.')
          if (!same) expect(res.body.status.authenticated).toBeUndefined()
        },
      ),
      { numRuns: 150 },
    )
  })

  it('random JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        const res = await callWebhook(sim, '/tokenreviews', undefined, { raw: JSON.stringify(body) })
        expect(res.status).toBeLessThan(500)
        expect(res.body?.status?.authenticated).toBeUndefined()
      }),
      { numRuns: 120 },
    )
  })
})
