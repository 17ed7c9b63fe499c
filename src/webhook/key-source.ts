/**
 * The tenant's signing keys and issuer, as guard learns them: the v1 OIDC metadata document over HTTPS
 * (issuer, jwks_uri, msgraph_host), then the JWKS. Keys are cached by `kid`; an unknown `kid` triggers
 * one refresh (so a rotation is picked up at once), rate-limited so forged kids cannot hammer Entra.
 */
import { createPublicKey, type KeyObject } from 'node:crypto'
import type { HttpsClient } from '../http/index.js'
import { UpstreamFailure } from './errors.js'

export interface TenantMetadata {
  issuer: string
  jwksUri: string
  msgraphHost: string
}

export interface KeySource {
  metadata(): Promise<TenantMetadata>
  /**
   * The RS256 key for `kid`, refreshing the JWKS once if it is unknown; undefined if still unknown.
   * A node:crypto KeyObject, imported once per JWKS fetch (never per review).
   */
  key(kid: string): Promise<KeyObject | undefined>
}

interface Jwk {
  kid?: string
  kty?: string
  n?: string
  e?: string
  use?: string
}

export function createKeySource(opts: {
  http: HttpsClient
  metadataUrl: string
  minRefreshMs?: number
}): KeySource {
  let meta: Promise<TenantMetadata> | undefined
  let keys = new Map<string, KeyObject>()
  let lastFetch = 0
  let inflight: Promise<void> | undefined
  const minRefresh = opts.minRefreshMs ?? 1000

  const loadMetadata = async (): Promise<TenantMetadata> => {
    const res = await opts.http.request(opts.metadataUrl).catch((err: Error) => {
      throw new UpstreamFailure('metadata_unreachable', `failed to get metadata for azure: ${err.message}`)
    })
    if (res.status !== 200)
      throw new UpstreamFailure(
        'metadata_failed',
        `failed to get metadata for azure: get metadata url failed with status code: ${res.status}`,
      )
    const doc = res.json<{ issuer?: string; jwks_uri?: string; msgraph_host?: string }>()
    if (!doc.issuer || !doc.jwks_uri)
      throw new UpstreamFailure(
        'metadata_invalid',
        'failed to get metadata for azure: issuer or jwks_uri missing',
      )
    return {
      issuer: doc.issuer,
      jwksUri: doc.jwks_uri,
      msgraphHost: doc.msgraph_host ?? 'graph.microsoft.com',
    }
  }
  const metadata = () => {
    meta ??= loadMetadata().catch((err: unknown) => {
      meta = undefined // retry on the next review
      throw err
    })
    return meta
  }
  const refresh = async () => {
    const { jwksUri } = await metadata()
    const res = await opts.http.request(jwksUri).catch((err: Error) => {
      throw new UpstreamFailure('jwks_unreachable', `failed to get the JWKS for azure: ${err.message}`)
    })
    if (res.status !== 200)
      throw new UpstreamFailure('jwks_failed', `failed to get the JWKS for azure: status code ${res.status}`)
    const next = new Map<string, KeyObject>()
    for (const jwk of res.json<{ keys?: Jwk[] }>().keys ?? []) {
      if (jwk.kty !== 'RSA' || !jwk.kid || (jwk.use && jwk.use !== 'sig')) continue
      // Only the public components: never x5c chains or anything else a JWK may carry.
      next.set(jwk.kid, createPublicKey({ key: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, format: 'jwk' }))
    }
    keys = next
    lastFetch = Date.now()
  }
  return {
    metadata,
    async key(kid) {
      const known = keys.get(kid)
      if (known) return known
      // An unknown kid refreshes the JWKS, at most once per `minRefresh`: a request arriving sooner
      // waits for the next allowed refresh (a rotation is picked up within a second, forged kids
      // cannot turn into a flood of JWKS fetches).
      inflight ??= (async () => {
        const wait = lastFetch + minRefresh - Date.now()
        if (lastFetch !== 0 && wait > 0) await new Promise((r) => setTimeout(r, wait))
        await refresh()
      })().finally(() => (inflight = undefined))
      await inflight
      return keys.get(kid)
    },
  }
}
