/**
 * Duplicate member names in a JWS's protected header and payload (src/kernel/jws.ts): refused, naming the
 * first name seen twice at the top level, however the names are spelled (escapes) and whatever the values
 * hold (nested objects with the same names, strings with quotes, backslashes and braces). The parser
 * counts the top-level members against the parsed object's keys and only searches for the name when
 * they differ; here every answer is compared with the definition, worked out from the members the test
 * itself put in the text.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JwsMalformed, parseCompactJws } from '../../src/kernel/jws.js'

const b64 = (text: string) => Buffer.from(text).toString('base64url')
const SIGNATURE = b64('signature')

/** A member name and ways a JSON text can spell it (JSON.parse reads them all as the same name). */
const NAMES: { name: string; spellings: string[] }[] = [
  { name: 'alg', spellings: ['alg', '\\u0061lg', 'al\\u0067'] },
  { name: 'upn', spellings: ['upn', 'u\\u0070n'] },
  { name: 'groups', spellings: ['groups'] },
  { name: 'a"b', spellings: ['a\\"b', 'a\\u0022b'] },
  { name: 'c\\', spellings: ['c\\\\', 'c\\u005c'] },
  { name: '__proto__', spellings: ['__proto__'] },
  { name: '{,}', spellings: ['{,}'] },
  { name: '', spellings: [''] },
]

interface Member {
  which: number
  spelling: number
  value: string
  space: string
}

const member: fc.Arbitrary<Member> = fc.record({
  which: fc.nat({ max: NAMES.length - 1 }),
  spelling: fc.nat(),
  value: fc.json({ maxDepth: 2 }),
  space: fc.constantFrom('', ' ', '\n\t'),
})

/** The text of an object with these members, and the first name that appears twice (the definition). */
function objectText(members: Member[], extra: Record<string, unknown>) {
  const seen = new Set<string>()
  let duplicate: string | undefined
  const parts = members.map(({ which, spelling, value, space }) => {
    const { name, spellings } = NAMES[which]!
    if (seen.has(name)) duplicate ??= name
    seen.add(name)
    return `${space}"${spellings[spelling % spellings.length]!}"${space}:${space}${value}`
  })
  for (const [name, value] of Object.entries(extra)) {
    if (seen.has(name)) duplicate ??= name
    seen.add(name)
    parts.push(`"${name}":${JSON.stringify(value)}`)
  }
  return { text: `{${parts.join(',')}}`, duplicate }
}

/** What the parser says: the member it names, or undefined when it accepts the token. */
function verdict(header: string, payload: string): string | undefined {
  try {
    parseCompactJws(`${b64(header)}.${b64(payload)}.${SIGNATURE}`)
    return undefined
  } catch (err) {
    if (!(err instanceof JwsMalformed)) throw err
    const m = /has the member (".*") twice$/.exec(err.message)
    if (!m) throw err
    return JSON.parse(m[1]!) as string
  }
}

describe('duplicate member names in a JWS', () => {
  it('refuses a payload that names a member twice, and names it; accepts one that does not', () => {
    fc.assert(
      fc.property(fc.array(member, { maxLength: 8 }), (members) => {
        const payload = objectText(members, {})
        expect(verdict('{"alg":"RS256"}', payload.text)).toBe(payload.duplicate)
      }),
      { numRuns: 1000 },
    )
  })

  it('does the same for the protected header, before the payload is read', () => {
    fc.assert(
      fc.property(fc.array(member, { maxLength: 6 }), (members) => {
        // `alg` must be a string: a member list that sets it last keeps the header otherwise valid.
        const header = objectText(
          members.filter((m) => NAMES[m.which]!.name !== 'alg'),
          { alg: 'RS256' },
        )
        expect(verdict(header.text, '{"upn":"x","upn":"y"}')).toBe(header.duplicate ?? 'upn')
      }),
      { numRuns: 500 },
    )
  })

  it('reads names at the top level only: the same name in nested objects and strings is no duplicate', () => {
    const payload = '{"a":{"a":1,"a":2},"b":["a","a"],"c":"\\"a\\":1,","d":{"e":{"a":[{"a":0}]}}}'
    expect(verdict('{"alg":"RS256"}', payload)).toBeUndefined()
    expect(verdict('{"alg":"RS256"}', '{"a":{"x":1},"b":2,"a":3}')).toBe('a')
  })
})
