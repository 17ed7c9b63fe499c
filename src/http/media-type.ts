/**
 * Media types as HTTP writes them (RFC 9110 §8.3.1: `type/subtype` then `; name=value` parameters,
 * case-insensitive names, optional quotes) and lists of them in `Accept` (RFC 9110 §12.5.1). Lenient, like the
 * servers it stands in for: anything unreadable is simply not a match, never an error.
 */

export interface MediaType {
  /** `type/subtype`, lower case. */
  type: string
  /** Parameters by lower-case name, values unquoted. */
  params: Record<string, string>
}

/** The `type/subtype` of a Content-Type header as sent (trimmed), `''` when there is none. */
export const mediaTypeAsSent = (header: string | undefined): string => (header ?? '').split(';')[0]!.trim()

/** The `type/subtype` of a Content-Type header in lower case, `''` when there is none. */
export const mediaTypeOf = (header: string | undefined): string => mediaTypeAsSent(header).toLowerCase()

/** One media type with its parameters. */
function parseMediaType(text: string): MediaType {
  const [type, ...params] = text.split(';').map((s) => s.trim())
  return {
    type: (type ?? '').toLowerCase(),
    params: Object.fromEntries(
      params
        .map((p) => p.split('=').map((s) => s.trim()))
        .filter((kv) => kv.length === 2 && kv[0])
        .map(([k, v]) => [k!.toLowerCase(), v!.replace(/^"|"$/g, '')]),
    ),
  }
}

/** The media ranges of an Accept header, in the order sent. */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return []
  return header
    .split(',')
    .map(parseMediaType)
    .filter((m) => m.type)
}
