import { createHash, randomBytes, randomUUID } from 'node:crypto'

/** A random GUID in the lowercase form Entra uses for object ids, trace ids and correlation ids. */
export const newGuid = (): string => randomUUID()

/** An opaque base64url string of `bytes` random bytes (device codes, refresh tokens). */
export const opaque = (bytes: number): string => randomBytes(bytes).toString('base64url')

/**
 * A stable GUID derived from a name, so the demo tenant keeps the same ids across runs
 * (RFC 4122 §4.3 name-based, SHA-1, version 5 layout).
 */
export function stableGuid(namespace: string, name: string): string {
  const h = createHash('sha1').update(`${namespace}\u0000${name}`).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

// Entra user codes are 8–9 upper-case letters and digits. Vowels and look-alikes (0/O, 1/I) are left
// out so a code never spells a word and is easy to type from a projector.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ23456789'

export function newUserCode(length = 9): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const b of bytes) out += USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]
  return out
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isGuid = (s: string): boolean => GUID_RE.test(s)
