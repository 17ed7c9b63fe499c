/**
 * Whether a cached access token that has not expired would still be accepted by the simulator that
 * runs now. It would not when it is signed by a key the tenant no longer publishes (keys rotated past
 * their grace period, or the simulator restarted with a new state dir) or issued "in the future" of
 * the simulator's clock (restarted without its clock offset). kubectl would then only print
 * `error: You must be logged in to the server (Unauthorized)`: the plugin says why on stderr, as
 * kubelogin prints its own messages there, and gets a new token instead.
 */
import type { SimulatorTarget } from './locate.js'

/** Clock skew tolerated on `iat`/`nbf`, as token validators allow (5 minutes). */
const SKEW_SECONDS = 300

function jwtPart(token: string, i: number): Record<string, unknown> | undefined {
  try {
    const part = token.split('.')[i]
    const parsed: unknown = part ? JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) : undefined
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * Why the simulator would refuse `accessToken`, or undefined when it would accept it or this cannot be
 * told (the keys cannot be read: the token is used and the API server has the last word).
 */
export async function staleTokenReason(
  target: SimulatorTarget,
  tenantId: string,
  accessToken: string,
  nowSeconds: number,
): Promise<string | undefined> {
  const header = jwtPart(accessToken, 0)
  const claims = jwtPart(accessToken, 1)
  if (!header || !claims) return 'the cached token is not a JWT'
  const issuedAt = typeof claims.nbf === 'number' ? claims.nbf : claims.iat
  if (typeof issuedAt === 'number' && issuedAt > nowSeconds + SKEW_SECONDS)
    return "it was issued after the simulator's current time (its clock was reset, e.g. a restart on another state dir)"
  let kids: unknown[]
  try {
    const res = await target.fetch(`${target.authority}/${tenantId}/discovery/v2.0/keys`, {
      signal: AbortSignal.timeout(5000),
    })
    if (!res.ok) return undefined
    const body = (await res.json()) as { keys?: { kid?: unknown }[] }
    kids = (body.keys ?? []).map((k) => k.kid)
  } catch {
    return undefined
  }
  if (!kids.includes(header.kid))
    return 'it is signed by a key the simulator no longer publishes (its keys were rotated, or it was restarted with a new state dir)'
  return undefined
}
