/**
 * The strict base64url of the JWS parser (src/kernel/jws.ts): a part decodes only when every character is
 * of the URL-safe alphabet, without padding, and not one character left over (Go's RawURLEncoding), with
 * Go's message and byte index otherwise. The parser tests the common case with Node's decoder and a
 * length check; here every answer is compared with the plain definition: scan for the first character
 * outside the alphabet.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JwsMalformed, parseCompactJws } from '../../src/kernel/jws.js'

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
const HEADER = b64({ alg: 'RS256', kid: 'k' })
const PAYLOAD = b64({ sub: 'bob' })

/** The definition: the first character outside [A-Za-z0-9_-], else a left-over sixth bit, else the bytes. */
function reference(part: string): Buffer | string {
  const bad = /[^A-Za-z0-9_-]/.exec(part)
  if (bad) return `illegal base64 data at input byte ${bad.index}`
  if (part.length % 4 === 1) return `illegal base64 data at input byte ${part.length - 1}`
  return Buffer.from(part, 'base64url')
}

/** What the parser makes of `part` as a token's signature (the part it decodes without reading). */
function signatureOf(part: string): Buffer | string {
  try {
    return parseCompactJws(`${HEADER}.${PAYLOAD}.${part}`).signature
  } catch (err) {
    if (err instanceof JwsMalformed) return err.message
    throw err
  }
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
// Characters a forged or mangled token carries: the standard alphabet's, padding, whitespace, separators,
// Latin-1 and beyond (a two-byte string), a lone surrogate.
const NOISE = ['+', '/', '=', ' ', '\n', '\t', '\r', '%', '"', '\\', '\0', 'é', 'ÿ', '€', '\uD800', '😀']

describe('strict base64url in the JWS parser', () => {
  it.each([
    ['', Buffer.alloc(0)],
    ['QQ', Buffer.from('A')],
    ['QUI', Buffer.from('AB')],
    ['QUJD', Buffer.from('ABC')],
    ['-_-_', Buffer.from('+/+/', 'base64')],
    ['QQ==', 'illegal base64 data at input byte 2'],
    ['QUJD+w', 'illegal base64 data at input byte 4'],
    ['QUJD/w', 'illegal base64 data at input byte 4'],
    ['QUJDR', 'illegal base64 data at input byte 4'],
    [' QUJD', 'illegal base64 data at input byte 0'],
    ['QU JD', 'illegal base64 data at input byte 2'],
    ['QUJDé', 'illegal base64 data at input byte 4'],
  ])('%j', (part, expected) => {
    expect(signatureOf(part)).toEqual(expected)
    expect(reference(part)).toEqual(expected)
  })

  it('answers exactly as the definition for URL-safe text with any characters mixed in', () => {
    const char = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...URL_SAFE) },
      { weight: 1, arbitrary: fc.constantFrom(...NOISE) },
    )
    fc.assert(
      fc.property(fc.array(char, { maxLength: 64 }), (chars) => {
        const part = chars.join('')
        expect(signatureOf(part)).toEqual(reference(part))
      }),
      { numRuns: 5000 },
    )
  })

  it('answers exactly as the definition for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (part) => {
        if (part.includes('.')) return // a dot splits the token: another rule's case
        expect(signatureOf(part)).toEqual(reference(part))
      }),
      { numRuns: 5000 },
    )
  })

  it('reports the header and payload parts with the same messages', () => {
    expect(() => parseCompactJws(`${HEADER}=.${PAYLOAD}.QUJD`)).toThrow(
      `illegal base64 data at input byte ${HEADER.length}`,
    )
    expect(() => parseCompactJws(`${HEADER}.+${PAYLOAD}.QUJD`)).toThrow('illegal base64 data at input byte 0')
  })
})
