/**
 * Refresh tokens: opaque, server-side, rotating. Redeeming one retires it and issues a successor, so a
 * replayed token is refused (AADSTS50173, suberror bad_token, which makes MSAL drop it).
 */
import type { Clock } from '../kernel/clock.js'
import { opaque } from '../kernel/ids.js'

const PREFIX = '1.ASIAQ'
const MAX_TOKENS = 100_000

export interface RefreshGrant {
  clientId: string
  userId: string
  issuedAt: number
  expiresAt: number
}

export type RedeemResult =
  | { ok: true; grant: RefreshGrant }
  | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'wrong_client'; grant?: RefreshGrant }

export interface RefreshTokenStore {
  issue(grant: Omit<RefreshGrant, 'issuedAt' | 'expiresAt'>): string
  /** Validates and retires `token` (single use). */
  redeem(token: string, clientId: string): RedeemResult
  size(): number
}

export function createRefreshTokenStore(opts: { clock: Clock; lifetimeSeconds: number }): RefreshTokenStore {
  const tokens = new Map<string, RefreshGrant>()
  const sweep = () => {
    const now = opts.clock.now()
    for (const [k, g] of tokens) if (g.expiresAt <= now) tokens.delete(k)
    // Still too many: drop the oldest (Map keeps insertion order).
    for (const k of tokens.keys()) {
      if (tokens.size < MAX_TOKENS) break
      tokens.delete(k)
    }
  }
  return {
    issue(grant) {
      if (tokens.size >= MAX_TOKENS) sweep()
      const now = opts.clock.now()
      const token = `${PREFIX}${opaque(120)}`
      tokens.set(token, { ...grant, issuedAt: now, expiresAt: now + opts.lifetimeSeconds * 1000 })
      return token
    },
    redeem(token, clientId) {
      if (!token.startsWith(PREFIX) || !/^[A-Za-z0-9._-]+$/.test(token))
        return { ok: false, reason: 'malformed' }
      const grant = tokens.get(token)
      if (!grant) return { ok: false, reason: 'unknown' }
      if (grant.clientId !== clientId) return { ok: false, reason: 'wrong_client', grant }
      tokens.delete(token)
      if (grant.expiresAt <= opts.clock.now()) return { ok: false, reason: 'expired', grant }
      return { ok: true, grant }
    },
    size: () => tokens.size,
  }
}
