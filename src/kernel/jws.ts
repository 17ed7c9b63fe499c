/**
 * The one strict parse of a JWS in compact serialization, shared by every place that reads a token
 * (the webhook, Entra reading its own tokens and client assertions, the service-account
 * authenticator, the token exchange). It runs before any signature check, so a token is judged on
 * exactly the bytes that are signed:
 *
 * - three parts, each strict unpadded base64url (RFC 7515 §2, Go's `base64.RawURLEncoding`): no
 *   whitespace anywhere, no `=` padding, no characters of the standard alphabet. Messages are Go's
 *   (`illegal base64 data at input byte N`), which is what guard prints.
 * - a protected header that is a JSON object without duplicate member names (RFC 7515 §5.2 allows
 *   a parser to refuse them; refusing is the safe reading) and with a string `alg`;
 * - a payload that is a JSON object (a JWT claims set);
 * - `crit` per RFC 7515 §4.1.11: a non-empty array of distinct strings, none of them a name the JWS
 *   and JWA specifications define, each present in the header, and each an extension this verifier
 *   understands — it understands none, so any `crit` is refused with a reason that says which;
 * - `b64` (RFC 7797, unencoded payload) is not supported in any form.
 *
 * The signature itself is verified by the caller (jose's compactVerify), against its own keys.
 */

/** Why a token failed to parse; `reason` is a stable machine-readable word, `message` go-jose's style. */
export class JwsMalformed extends Error {
  readonly reason: 'malformed' | 'unsupported_crit'
  constructor(reason: JwsMalformed['reason'], message: string) {
    super(message)
    this.reason = reason
  }
}

export interface CompactJws {
  header: Record<string, unknown> & { alg: string; kid?: unknown }
  payload: Record<string, unknown>
  /** The signed bytes' text (`<header>.<payload>`, as sent) and the decoded signature. */
  signingInput: string
  signature: Buffer
}

/** Header parameters registered by RFC 7515 §4.1 and RFC 7518 §4.1 (JWE's too): never allowed in `crit`. */
const REGISTERED = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'enc',
  'zip',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
])

/** Extensions this verifier understands and honours when listed in `crit`: none (not even b64). */
const UNDERSTOOD_CRITICAL = new Set<string>()

const NOT_BASE64URL = /[^A-Za-z0-9_-]/
const THREE_PARTS = 'square/go-jose: compact JWS format must have three parts'

function decodePart(part: string): Buffer {
  // The common case without a regular expression over the whole token (every webhook review parses
  // one; the scan costs ~1 µs, these checks ~0.1 µs). For ASCII text Node's decoder skips characters
  // outside the alphabet and stops at `=`, so a part of n characters decodes to ⌊3n/4⌋ bytes only if
  // every character was decoded; the two it accepts from the standard alphabet (`+`, `/`) are looked for
  // apart, and text beyond ASCII (which it may read by the low byte) is left to the scan. A part that
  // fails any check goes through the scan below for Go's message. test/kernel/jws-base64url.test.ts
  // compares both paths with the definition.
  const decoded = Buffer.from(part, 'base64url')
  if (
    decoded.length === (part.length * 3) >>> 2 &&
    part.length % 4 !== 1 &&
    Buffer.byteLength(part, 'utf8') === part.length &&
    !part.includes('+') &&
    !part.includes('/')
  )
    return decoded
  const bad = NOT_BASE64URL.exec(part)
  if (bad) throw new JwsMalformed('malformed', `illegal base64 data at input byte ${bad.index}`)
  // One character left over carries only 6 bits: no byte can end there (Go reports the last byte).
  if (part.length % 4 === 1)
    throw new JwsMalformed('malformed', `illegal base64 data at input byte ${part.length - 1}`)
  return decoded
}

/** The index of the quote that closes the string whose opening quote is at `open`. */
function closingQuote(text: string, open: number): number {
  let j = text.indexOf('"', open + 1)
  // A quote preceded by an odd run of backslashes is escaped: look for the next one.
  for (;;) {
    let k = j - 1
    while (text.charCodeAt(k) === 0x5c /* \ */) k--
    if ((j - 1 - k) % 2 === 0) return j
    j = text.indexOf('"', j + 1)
  }
}

/**
 * Calls `visit` with the positions of the opening and closing quotes of each member name at the top
 * level of a JSON object text, in order, until it returns true. The text is valid JSON (parsed
 * already): a member name is a string at depth 1 that opens the object or follows a comma, and strings
 * are skipped with indexOf.
 */
function visitTopLevelNames(text: string, visit: (open: number, close: number) => boolean): void {
  let depth = 0
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      const close = closingQuote(text, i)
      if (depth === 1 && expectKey) {
        if (visit(i, close)) return
        expectKey = false
      }
      i = close
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++
      expectKey = c === 0x7b && depth === 1
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--
    else if (c === 0x2c /* , */ && depth === 1) expectKey = true
  }
}

/** How many members the top level of a JSON object text names, duplicates included. */
function topLevelMembers(text: string): number {
  let members = 0
  visitTopLevelNames(text, () => {
    members++
    return false
  })
  return members
}

/**
 * The first member name that appears twice at the top level of a JSON object text; only names holding
 * an escape go through JSON.parse. Only called when the text names more members than the parsed object
 * has keys (see jsonObject), so it never runs on a well-formed token.
 */
function duplicateMember(text: string): string | undefined {
  const seen = new Set<string>()
  let duplicate: string | undefined
  visitTopLevelNames(text, (open, close) => {
    const raw = text.slice(open + 1, close)
    const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw
    if (seen.has(name)) duplicate = name
    seen.add(name)
    return duplicate !== undefined
  })
  return duplicate
}

function jsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  const text = bytes.toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new JwsMalformed(
      'malformed',
      `square/go-jose: the ${what} is not valid JSON (${(err as Error).message})`,
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JwsMalformed('malformed', `square/go-jose: the ${what} is not a JSON object`)
  // A repeated name leaves the parsed object with fewer keys than the text has members (JSON.parse
  // keeps the last value). Counting costs ~0.7 µs on an Entra token, collecting the names ~1.7, and
  // every review parses one: only a text that fails the count is searched for the name to report.
  const dup = topLevelMembers(text) === Object.keys(value).length ? undefined : duplicateMember(text)
  if (dup !== undefined)
    throw new JwsMalformed(
      'malformed',
      `square/go-jose: the ${what} has the member ${JSON.stringify(dup)} twice`,
    )
  return value as Record<string, unknown>
}

function checkCritical(header: Record<string, unknown>): void {
  if ('b64' in header)
    throw new JwsMalformed(
      'unsupported_crit',
      `square/go-jose: unsupported header b64 (${JSON.stringify(header.b64)}): unencoded payloads (RFC 7797) are not accepted`,
    )
  if (!('crit' in header)) return
  const crit = header.crit
  if (!Array.isArray(crit) || crit.length === 0 || crit.some((c) => typeof c !== 'string'))
    throw new JwsMalformed(
      'malformed',
      'square/go-jose: invalid crit header: it must be a non-empty list of names (RFC 7515 §4.1.11)',
    )
  const names = crit as string[]
  if (new Set(names).size !== names.length)
    throw new JwsMalformed('malformed', 'square/go-jose: invalid crit header: a name is listed twice')
  for (const name of names) {
    if (REGISTERED.has(name))
      throw new JwsMalformed(
        'malformed',
        `square/go-jose: invalid crit header: ${JSON.stringify(name)} is defined by the JWS/JWA specifications and must not be listed`,
      )
    if (!(name in header))
      throw new JwsMalformed(
        'malformed',
        `square/go-jose: invalid crit header: ${JSON.stringify(name)} is listed but not present`,
      )
    if (!UNDERSTOOD_CRITICAL.has(name))
      throw new JwsMalformed(
        'unsupported_crit',
        `square/go-jose: unsupported crit header: the critical extension ${JSON.stringify(name)} is not understood by this verifier`,
      )
  }
}

/** Parses a compact JWS strictly, or throws JwsMalformed. Does not verify the signature. */
export function parseCompactJws(token: string): CompactJws {
  const parts = token.split('.')
  if (parts.length !== 3) throw new JwsMalformed('malformed', THREE_PARTS)
  const [h, p, s] = parts as [string, string, string]
  const headerBytes = decodePart(h)
  const payloadBytes = decodePart(p)
  const signature = decodePart(s)
  const header = jsonObject(headerBytes, 'protected header')
  if (typeof header.alg !== 'string')
    throw new JwsMalformed('malformed', 'square/go-jose: the protected header has no alg')
  checkCritical(header)
  const payload = jsonObject(payloadBytes, 'payload')
  return {
    header: header as CompactJws['header'],
    payload,
    signingInput: token.slice(0, h.length + 1 + p.length),
    signature,
  }
}
