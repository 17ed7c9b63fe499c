import { createHash, randomBytes, randomFillSync, randomUUID } from 'node:crypto'

/** A random GUID in the lowercase form Entra uses for object ids, trace ids and correlation ids. */
export const newGuid = (): string => randomUUID()

/**
 * `bytes` random bytes, drawn from the CSPRNG a pool at a time, as node:crypto's randomUUID does: each call to
 * the CSPRNG costs far more than the few bytes an id needs, and a token carries several such ids. Each
 * byte is handed out once; a refill makes a new buffer, so bytes already handed out never change.
 */
const POOL_BYTES = 4096
let pool = Buffer.alloc(0)
let poolUsed = 0
export function randomSlice(bytes: number): Buffer {
  if (bytes > POOL_BYTES / 4) return randomBytes(bytes)
  if (poolUsed + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES))
    poolUsed = 0
  }
  poolUsed += bytes
  return pool.subarray(poolUsed - bytes, poolUsed)
}

/** An opaque base64url string of `bytes` random bytes (device codes, refresh tokens, token ids). */
export const opaque = (bytes: number): string => randomSlice(bytes).toString('base64url')

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
  const bytes = randomSlice(length)
  let out = ''
  for (const b of bytes) out += USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]
  return out
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isGuid = (s: string): boolean => GUID_RE.test(s)
