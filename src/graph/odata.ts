/**
 * The OData query options the membership endpoints support, with Graph's rules and errors
 * (Graph API reference, query parameters): `$filter` on the entity-set lists (filter.ts), `$select`, `$top` (1–999, default 100), `$skiptoken` (opaque,
 * minted here), `$count` (only with `ConsistencyLevel: eventual`), absolute `@odata.nextLink`s that
 * keep the request's options, and `@odata.context` URLs.
 */
import {
  BadRequest,
  DirectoryExpiredPageToken,
  RequestBadRequest,
  RequestUnsupportedQuery,
} from './errors.js'

export const DEFAULT_PAGE = 100
export const MAX_PAGE = 999

export interface QueryOptions {
  /** `$select` names as sent (validated per type by the caller). */
  select: string[] | undefined
  top: number
  /** Offset decoded from `$skiptoken`. */
  offset: number
  count: boolean
  /** The options as sent, to carry into `@odata.nextLink`. */
  carry: string[]
  /** `$filter` as sent, where the collection supports it (filter.ts). */
  filter?: string
}

const UNSUPPORTED = new Set(['$filter', '$search', '$orderby', '$expand', '$skip', '$format', '$levels'])
const KNOWN = new Set(['$select', '$top', '$skiptoken', '$count'])

export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ sim: 1, o: offset })).toString('base64url')
}

function decodeSkipToken(token: string): number {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { sim?: unknown; o?: unknown }
    if (v.sim === 1 && Number.isSafeInteger(v.o) && (v.o as number) >= 0) return v.o as number
  } catch {
    // fall through: not one of ours
  }
  throw new DirectoryExpiredPageToken()
}

function one(key: string, v: unknown): string {
  if (Array.isArray(v))
    throw new BadRequest(
      `Query option '${key}' was specified more than once, but it must be specified at most once.`,
    )
  return typeof v === 'string' ? v : ''
}

function parseSelect(raw: string): string[] {
  const names = raw.split(',').map((s) => s.trim())
  const bad = names.find((n) => n === '' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))
  if (bad !== undefined)
    throw new BadRequest(`Term '${bad}' is not valid in a $select or $expand expression.`)
  return [...new Set(names)]
}

/**
 * Reads the query string of a GET. `eventual` is whether `ConsistencyLevel: eventual` was sent, which
 * Graph requires for `$count` on directory objects.
 */
export function parseQueryOptions(
  query: Record<string, unknown>,
  eventual: boolean,
  opts: { filter?: boolean } = {},
): QueryOptions {
  const out: QueryOptions = { select: undefined, top: DEFAULT_PAGE, offset: 0, count: false, carry: [] }
  for (const [rawKey, rawValue] of Object.entries(query)) {
    const key = rawKey.toLowerCase()
    if (!key.startsWith('$')) continue
    if (key === '$filter' && opts.filter) {
      out.filter = one(rawKey, rawValue)
      out.carry.push(`${key}=${encodeURIComponent(out.filter)}`)
      continue
    }
    if (UNSUPPORTED.has(key))
      throw new RequestUnsupportedQuery(`The query option '${rawKey}' is not supported by this simulator.`)
    if (!KNOWN.has(key)) throw new BadRequest(`The query parameter '${rawKey}' is not supported.`)
    const value = one(rawKey, rawValue)
    if (key === '$skiptoken') {
      out.offset = decodeSkipToken(value)
      continue
    }
    if (key === '$select') out.select = parseSelect(value)
    else if (key === '$top') {
      const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN
      if (!(n >= 1 && n <= MAX_PAGE))
        throw new RequestUnsupportedQuery(
          `Invalid page size specified: '${value}'. Must be between 1 and ${MAX_PAGE} inclusive.`,
        )
      out.top = n
    } else {
      const v = value.toLowerCase()
      if (v !== 'true' && v !== 'false') throw new BadRequest(`'${value}' is not a valid count option.`)
      out.count = v === 'true'
      if (out.count && !eventual) throw new RequestBadRequest('$count is not currently supported.')
    }
    out.carry.push(`${key}=${encodeURIComponent(value).replace(/%2C/gi, ',')}`)
  }
  return out
}

export interface Page<T> {
  items: T[]
  /** Offset of the next page, if there is one. */
  next: number | undefined
}

export function pageOf<T>(all: T[], q: QueryOptions): Page<T> {
  const end = q.offset + q.top
  return { items: all.slice(q.offset, end), next: end < all.length ? end : undefined }
}

/** Absolute next link on this host, same path, the request's options plus `$skiptoken`. */
export function nextLink(base: string, rawPath: string, q: QueryOptions, next: number): string {
  return `${base}${rawPath}?${[...q.carry, `$skiptoken=${encodeSkipToken(next)}`].join('&')}`
}

export function contextUrl(base: string, version: string, fragment: string): string {
  return `${base}/${version}/$metadata#${fragment}`
}
