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

export function createRefreshTokenStore(opts: {
  clock: Clock
  lifetimeSeconds: number
  /** Most tokens kept (default 100,000); beyond it the oldest go first. */
  maxTokens?: number
}): RefreshTokenStore {
  const tokens = new Map<string, RefreshGrant>()
  const max = opts.maxTokens ?? MAX_TOKENS
  /**
   * Runs before each issue once the store is full. The Map keeps insertion order and every token lives
   * as long, so the expired ones come first and the walk ends at the first that has not expired (a
   * walk of the whole Map here made every sign-in of a full store cost a pass over 100,000 tokens).
   */
  const sweep = () => {
    const now = opts.clock.now()
    for (const [k, g] of tokens) {
      if (g.expiresAt > now) break
      tokens.delete(k)
    }
    // Still too many: drop the oldest.
    for (const k of tokens.keys()) {
      if (tokens.size < max) break
      tokens.delete(k)
    }
  }
  return {
    issue(grant) {
      if (tokens.size >= max) sweep()
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
