/**
 * ARM's front door: every request carries `Authorization: Bearer <token>` with a token Entra issued for
 * the management plane. The token's signature (against the simulator's published keys), issuer and
 * tenant, time window and audience are checked on every call; the caller becomes an object id, a name
 * for error messages, and the groups Azure RBAC evaluates. ARM tokens carry no `groups` claim, so —
 * as ARM does — groups come from the directory (transitively); a token that does list groups adds them.
 */
import { verifyIssuedToken, type VerifiedTokenCache } from '../entra/index.js'
import type { ArmDeps } from './deps.js'
import {
  ARM_AUDIENCES,
  AuthenticationFailed,
  ExpiredAuthenticationToken,
  InvalidAuthenticationToken,
  InvalidAuthenticationTokenAudience,
  InvalidAuthenticationTokenTenant,
} from './errors.js'

export interface ArmCaller {
  objectId: string
  /** What ARM names the caller in AuthorizationFailed: the UPN (or unique_name), or an app's appid. */
  name: string
  groupIds: string[]
  kind: 'user' | 'app'
}

const lower = (s: string) => s.toLowerCase()

export function bearerOf(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw AuthenticationFailed.missingHeader()
  const m = /^Bearer +([^\s]+)\s*$/i.exec(header.trim())
  if (!m) throw AuthenticationFailed.badFormat()
  return m[1]!
}

export async function authenticateArm(
  authorization: string | undefined,
  deps: ArmDeps,
  cache?: VerifiedTokenCache,
): Promise<ArmCaller> {
  const jwt = bearerOf(authorization)
  const tenantId = deps.directory.tenant.id
  const result = await verifyIssuedToken(
    jwt,
    { keys: deps.keys, clock: deps.clock, issuers: deps.issuers, tenantId },
    cache ? { cache } : {},
  )
  if (!result.ok) {
    if (result.reason === 'expired' && typeof result.payload?.exp === 'number')
      throw new ExpiredAuthenticationToken(result.payload.exp, deps.clock.nowSeconds())
    if (result.reason === 'issuer')
      throw new InvalidAuthenticationTokenTenant(
        typeof result.payload?.iss === 'string' ? result.payload.iss : '',
        deps.issuers().v1,
        `${deps.authority()}/${tenantId}`,
      )
    throw new InvalidAuthenticationToken()
  }
  const p = result.payload
  const aud = typeof p.aud === 'string' ? p.aud : ''
  if (!ARM_AUDIENCES.includes(aud)) throw new InvalidAuthenticationTokenAudience(aud)
  const oid = typeof p.oid === 'string' ? lower(p.oid) : undefined
  if (!oid) throw new InvalidAuthenticationToken()
  const isApp =
    p.idtyp === 'app' || (p.upn === undefined && p.unique_name === undefined && p.scp === undefined)
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const name = isApp
    ? (str(p.appid) ?? str(p.azp) ?? oid)
    : (str(p.upn) ?? str(p.unique_name) ?? str(p.preferred_username) ?? oid)
  const fromToken = Array.isArray(p.groups) ? p.groups.filter((g): g is string => typeof g === 'string') : []
  const fromDirectory = deps.directory.transitiveGroups(oid).map((g) => g.id)
  return {
    objectId: oid,
    name,
    groupIds: [...new Set([...fromToken.map(lower), ...fromDirectory])],
    kind: isApp ? 'app' : 'user',
  }
}
