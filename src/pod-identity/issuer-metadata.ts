/**
 * How Entra reads a federated assertion's issuer (OpenID Connect Discovery 1.0 §4): GET
 * `<iss>/.well-known/openid-configuration` over HTTPS, then its `jwks_uri`, both cached for the
 * response's `max-age` (default one hour, at most a day) on the simulated clock; an unknown `kid`
 * triggers one re-fetch, so key rotation is honoured. Unreachable or unreadable discovery is
 * AADSTS90061, unparseable keys AADSTS900612.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { Clock } from '../kernel/clock.js'
import type { HttpsClient } from '../http/index.js'
import { ExternalOidcEndpointFailed, ProviderSigningKeysUnparseable } from './federation-errors.js'

const DEFAULT_TTL_S = 3600
const MAX_TTL_S = 86_400

interface Entry {
  keys: Map<string, KeyObject>
  /** Keys without a `kid` (tried when the assertion names none). */
  anonymous: KeyObject[]
  expiresAt: number
}

export interface IssuerMetadataCache {
  /** The key for `kid` (undefined when the issuer does not list it, even after a re-fetch). */
  key(issuer: string, kid: string | undefined): Promise<KeyObject | undefined>
  clear(): void
}

function ttlOf(headers: Record<string, string | string[] | undefined>): number {
  const cc = headers['cache-control']
  const m = /max-age=(\d+)/.exec(Array.isArray(cc) ? cc.join(',') : (cc ?? ''))
  return Math.min(m ? Number(m[1]) : DEFAULT_TTL_S, MAX_TTL_S)
}

const isHttps = (u: unknown): u is string => {
  if (typeof u !== 'string') return false
  try {
    return new URL(u).protocol === 'https:'
  } catch {
    return false
  }
}

export function createIssuerMetadataCache(deps: { client: HttpsClient; clock: Clock }): IssuerMetadataCache {
  const cache = new Map<string, Entry>()

  async function get(url: string): Promise<{ json: unknown; ttl: number } | 'unreadable'> {
    let res
    try {
      res = await deps.client.request(url, { headers: { accept: 'application/json' } })
    } catch {
      throw new ExternalOidcEndpointFailed()
    }
    if (res.status !== 200) throw new ExternalOidcEndpointFailed()
    try {
      return { json: JSON.parse(res.text) as unknown, ttl: ttlOf(res.headers) }
    } catch {
      return 'unreadable'
    }
  }

  async function fetchEntry(issuer: string): Promise<Entry> {
    const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`
    if (!isHttps(discoveryUrl)) throw new ExternalOidcEndpointFailed()
    const discovery = await get(discoveryUrl)
    const jwksUri =
      discovery === 'unreadable' ? undefined : (discovery.json as { jwks_uri?: unknown } | null)?.jwks_uri
    if (discovery === 'unreadable' || !isHttps(jwksUri)) throw new ExternalOidcEndpointFailed()
    const jwks = await get(jwksUri)
    const list = jwks === 'unreadable' ? undefined : (jwks.json as { keys?: unknown } | null)?.keys
    if (!Array.isArray(list)) throw new ProviderSigningKeysUnparseable()
    const keys = new Map<string, KeyObject>()
    const anonymous: KeyObject[] = []
    for (const jwk of list as Record<string, unknown>[]) {
      try {
        const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
        if (typeof jwk.kid === 'string') keys.set(jwk.kid, key)
        else anonymous.push(key)
      } catch {
        // A key Entra cannot read is skipped; none readable is 900612.
      }
    }
    if (keys.size === 0 && anonymous.length === 0) throw new ProviderSigningKeysUnparseable()
    const ttl = Math.min(discovery.ttl, jwks === 'unreadable' ? DEFAULT_TTL_S : jwks.ttl)
    const entry = { keys, anonymous, expiresAt: deps.clock.now() + ttl * 1000 }
    cache.set(issuer, entry)
    return entry
  }

  const pick = (e: Entry, kid: string | undefined) =>
    kid === undefined
      ? (e.anonymous[0] ?? (e.keys.size === 1 ? [...e.keys.values()][0] : undefined))
      : e.keys.get(kid)

  return {
    async key(issuer, kid) {
      const cached = cache.get(issuer)
      if (cached && cached.expiresAt > deps.clock.now()) {
        const k = pick(cached, kid)
        if (k) return k
      }
      return pick(await fetchEntry(issuer), kid)
    },
    clear: () => cache.clear(),
  }
}
