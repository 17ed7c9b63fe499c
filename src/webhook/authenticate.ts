/**
 * The TokenReview decision, as guard makes it on AKS: verify the Entra token, then map it to a
 * Kubernetes user — username = upn, else oid (guests, service principals, managed identities);
 * groups = the `groups` claim, or Microsoft Graph getMemberGroups when the token carries the overage
 * claim; `extra.oid`. Adds what guard cannot: disabled or deleted users are refused.
 */
import type { JWTPayload } from 'jose'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import { TokenRejected, UpstreamFailure } from './errors.js'
import type { GraphClient } from './graph-client.js'
import type { KeySource } from './key-source.js'
import type { ReviewCache } from './review-cache.js'
import type { UserInfo } from '../kube/index.js'
import type { TokenReviewRequest, TokenReviewStatus } from './token-review-wire.js'
import { verifyAzureToken } from './verify-token.js'

export const SPN_OVERAGE_MESSAGE =
  'service principal with group membership exceeding 200 is not supported. See https://learn.microsoft.com/en-us/azure/aks/kubelogin-authentication#kubelogin-authentication-in-aks-limitations'

export interface AuthnConfig {
  /** Required token audience (the AKS server app); undefined turns the check off. */
  audience: string | undefined
  /** Required issuer; undefined = the `issuer` of the tenant's v1 metadata (guard's behaviour). */
  issuer: string | undefined
  /** Audiences this webhook authenticates for, matched against `spec.audiences`. */
  apiAudiences: string[]
  /** Refuse tokens of users that are disabled or no longer in the directory. */
  rejectDisabledUsers: boolean
}

export interface AuthnDeps {
  keys: KeySource
  graph: GraphClient
  directory: Directory
  clock: Clock
  config: AuthnConfig
  cache: ReviewCache<AuthnResult>
}

export interface AuthnResult {
  user: UserInfo
  audiences: string[] | undefined
  groupsSource: 'claim' | 'graph' | 'none'
  claims: JWTPayload
}

export interface AuthnOutcome {
  status: TokenReviewStatus
  result?: AuthnResult
  cached: boolean
}

function username(claims: JWTPayload): string {
  const { upn, oid } = claims
  if (upn !== undefined && typeof upn !== 'string')
    throw new TokenRejected('bad_claims', `claim upn is not a string, found ${JSON.stringify(upn)}`)
  if (oid !== undefined && typeof oid !== 'string')
    throw new TokenRejected('bad_claims', `claim oid is not a string, found ${JSON.stringify(oid)}`)
  const name = upn ?? oid
  if (!name) throw new TokenRejected('bad_claims', 'username: upn and objectID: oid claims not found')
  return name
}

function checkDirectory(claims: JWTPayload, name: string, deps: AuthnDeps): void {
  if (!deps.config.rejectDisabledUsers) return
  const oid = typeof claims.oid === 'string' ? claims.oid : ''
  const object = deps.directory.object(oid)
  if (!object)
    throw new TokenRejected('user_deleted', `user ${name} (oid ${oid}) no longer exists in the directory`)
  if (object.kind === 'user' && !object.accountEnabled)
    throw new TokenRejected('user_disabled', `user ${name} is disabled (accountEnabled: false)`)
}

async function groups(
  claims: JWTPayload,
  name: string,
  deps: AuthnDeps,
): Promise<{ groups: string[]; source: AuthnResult['groupsSource'] }> {
  if (Array.isArray(claims.groups))
    return { groups: claims.groups.filter((g): g is string => typeof g === 'string'), source: 'claim' }
  const overage = (claims._claim_names as Record<string, unknown> | undefined)?.groups
  if (overage === undefined) return { groups: [], source: 'none' }
  if (typeof claims.idtyp === 'string' && claims.idtyp.toLowerCase() === 'app')
    throw new TokenRejected('spn_overage', SPN_OVERAGE_MESSAGE)
  return { groups: await deps.graph.memberGroups(name), source: 'graph' }
}

function audiencesFor(requested: string[] | undefined, config: AuthnConfig): string[] | undefined {
  if (!requested || requested.length === 0) return undefined
  const granted = requested.filter((a) => config.apiAudiences.includes(a))
  if (granted.length === 0)
    throw new TokenRejected(
      'audience_mismatch',
      `token audiences ${JSON.stringify(requested)} are not served by this webhook (it authenticates for ${JSON.stringify(config.apiAudiences)})`,
    )
  return granted
}

export async function reviewToken(req: TokenReviewRequest, deps: AuthnDeps): Promise<AuthnOutcome> {
  const now = deps.clock.now()
  const hit = deps.cache.get(req.token, req.audiences, now)
  if (hit) {
    // A user disabled since the review was cached is refused at once, cache or not.
    checkDirectory(hit.claims, hit.user.username, deps)
    return { status: statusOf(hit), result: hit, cached: true }
  }
  const meta = await deps.keys.metadata()
  const claims = await verifyAzureToken(req.token, {
    keys: deps.keys,
    issuer: deps.config.issuer ?? meta.issuer,
    audience: deps.config.audience,
    tenantId: deps.directory.tenant.id,
    nowSeconds: Math.floor(now / 1000),
  })
  const name = username(claims)
  let audiences: string[] | undefined
  let g: Awaited<ReturnType<typeof groups>>
  try {
    checkDirectory(claims, name, deps)
    audiences = audiencesFor(req.audiences, deps.config)
    g = await groups(claims, name, deps)
  } catch (err) {
    // The token itself verified: say whose it was, so the failure can be traced to the user.
    if (err instanceof TokenRejected || err instanceof UpstreamFailure)
      err.subject = { user: name, oid: typeof claims.oid === 'string' ? claims.oid : '' }
    throw err
  }
  const result: AuthnResult = {
    user: {
      username: name,
      groups: g.groups,
      extra: { oid: [typeof claims.oid === 'string' ? claims.oid : ''] },
    },
    audiences,
    groupsSource: g.source,
    claims,
  }
  deps.cache.set(req.token, req.audiences, result, (claims.exp as number) * 1000, now)
  return { status: statusOf(result), result, cached: false }
}

function statusOf(r: AuthnResult): TokenReviewStatus {
  return { authenticated: true, user: r.user, ...(r.audiences && { audiences: r.audiences }) }
}
