/**
 * Who is calling Graph: the bearer token is checked as Graph checks it (see
 * docs/graph.md) — signature against the simulator's published keys, issuer and tenant, lifetime, audience
 * `https://graph.microsoft.com` or the Graph appId — and turned into a caller with its permissions:
 * delegated `scp` (a user is signed in) or application `roles` (app-only).
 */
import { verifyIssuedToken, type VerifiedTokenCache } from '../entra/index.js'
import type { ServicePrincipal, User } from '../kernel/directory.js'
import { GRAPH_APP_ID } from '../kernel/first-party.js'
import type { GraphDeps } from './deps.js'
import { InvalidAuthenticationToken } from './errors.js'

const GRAPH_AUDIENCES = new Set(['https://graph.microsoft.com', 'https://graph.microsoft.com/', GRAPH_APP_ID])

export type Caller =
  | {
      kind: 'delegated'
      /** Lower-cased delegated permissions from `scp`. */
      permissions: Set<string>
      appId: string
      user: User
    }
  | {
      kind: 'app'
      /** Lower-cased application permissions from `roles`. */
      permissions: Set<string>
      appId: string
      servicePrincipal: ServicePrincipal
    }

const MESSAGES = {
  empty: 'Access token is empty.',
  malformed: 'CompactToken parsing failed with error code: 80049217',
  key_not_found: 'Access token validation failure. Invalid signature.',
  signature: 'Access token validation failure. Invalid signature.',
  issuer: 'Access token validation failure. Invalid issuer.',
  expired: 'Lifetime validation failed, the token is expired.',
  not_yet_valid: 'Lifetime validation failed, the token is not yet valid.',
  audience: 'Access token validation failure. Invalid audience.',
  principal: 'Access token validation failure. The principal in the token does not exist in the tenant.',
} as const

/** Graph's own audiences, and this listener's URL (guard asks for `https://{msgraph_host}/.default`). */
function isGraphAudience(aud: unknown, deps: GraphDeps): boolean {
  if (typeof aud !== 'string') return false
  const a = aud.toLowerCase()
  return GRAPH_AUDIENCES.has(a) || a.replace(/\/+$/, '') === deps.baseUrl().toLowerCase()
}

function bearerToken(authorization: string | undefined): string {
  const m = /^\s*bearer\s+(\S*)\s*$/i.exec(authorization ?? '')
  if (!m?.[1]) throw new InvalidAuthenticationToken(MESSAGES.empty)
  return m[1]
}

export async function authenticate(
  authorization: string | undefined,
  deps: GraphDeps,
  cache?: VerifiedTokenCache,
): Promise<Caller> {
  const jwt = bearerToken(authorization)
  const result = await verifyIssuedToken(
    jwt,
    { keys: deps.keys, clock: deps.clock, issuers: deps.issuers, tenantId: deps.directory.tenant.id },
    { ...(cache && { cache }) },
  )
  if (!result.ok) throw new InvalidAuthenticationToken(MESSAGES[result.reason])
  const p = result.payload
  if (!isGraphAudience(p.aud, deps)) throw new InvalidAuthenticationToken(MESSAGES.audience)
  const appId = typeof p.appid === 'string' ? p.appid : typeof p.azp === 'string' ? p.azp : ''
  const lower = (xs: unknown[]) =>
    new Set(xs.filter((x) => typeof x === 'string').map((x) => x.toLowerCase()))
  if (p.idtyp !== 'app' && typeof p.scp === 'string') {
    const user = typeof p.oid === 'string' ? deps.directory.user(p.oid) : undefined
    if (!user) throw new InvalidAuthenticationToken(MESSAGES.principal)
    return { kind: 'delegated', permissions: lower(p.scp.split(' ')), appId, user }
  }
  const sp = typeof p.oid === 'string' ? deps.directory.object(p.oid) : undefined
  if (sp?.kind !== 'servicePrincipal') throw new InvalidAuthenticationToken(MESSAGES.principal)
  return {
    kind: 'app',
    permissions: lower(Array.isArray(p.roles) ? (p.roles as unknown[]) : []),
    appId,
    servicePrincipal: sp,
  }
}
