/**
 * guard's Azure RBAC authorization decision (kubeguard/guard `authz/providers/azure/azure.go` Check),
 * as one function: system users and non-AAD users get no opinion,
 * cached answers come back before anything else, discovery GETs are allowed, everything else is
 * mapped to a data action and checked at namespace or cluster scope. Reasons are guard's strings.
 * Every answer carries an explanation the real webhook never gives.
 */
import { type SubjectAccessReviewSpec } from '../kube/index.js'
import type { ActionDecision } from './check-access.js'
import type { DecisionCache } from './decision-cache.js'
import { dashless } from './model.js'
import {
  guardCacheKey,
  isDiscoveryRequest,
  mapSarToDataAction,
  scopeFor,
  type ClusterType,
} from './sar-mapping.js'
import { isWithin } from './scope.js'
import type { AzureRbac } from './store.js'

export const NO_OPINION_VERDICT = 'Azure does not have opinion for this user.'
export const NON_AAD_NO_OPINION_VERDICT =
  'Azure does not have opinion for this non AAD user. If you are an AAD user, please set Extra:oid parameter for impersonated user in the kubeconfig'
export const NON_AAD_DENIED_VERDICT =
  'Access denied by Azure RBAC for non AAD users. Configure --azure.skip-authz-for-non-aad-users to enable access. If you are an AAD user, please set Extra:oid parameter for impersonated user in the kubeconfig.'
export const ACCESS_ALLOWED_VERDICT = 'Access allowed by Azure RBAC'
export const ACCESS_NOT_ALLOWED_VERDICT =
  'User does not have access to the resource in Azure. Update role assignment to allow access.'
const checkAccessError = (err: string) =>
  `Error occured during authorization check. Please retry again. Error: ${err}`

export interface AzureAuthzOptions {
  /** `--azure.skip-authz-for-non-aad-users`: no `extra.oid` → no opinion (true) or deny. Default true. */
  skipAuthzForNonAadUsers: boolean
  /** `--azure.allow-nonres-discovery-path-access`. Default true. */
  allowNonResourceDiscoveryPathAccess: boolean
  /** Simulator option: answer no opinion where guard denies, so later authorizers get a say. Default false. */
  denyAsNoOpinion: boolean
  /** `--azure.authz-mode`: which data-action prefix. Default `aks`. */
  clusterType: ClusterType
}

export const DEFAULT_AZURE_AUTHZ_OPTIONS: Readonly<AzureAuthzOptions> = Object.freeze({
  skipAuthzForNonAadUsers: true,
  allowNonResourceDiscoveryPathAccess: true,
  denyAsNoOpinion: false,
  clusterType: 'aks',
})

export interface AzureAuthzDeps {
  rbac: Pick<AzureRbac, 'checkAccess'>
  /** ARM id of the managed cluster this webhook serves (`--azure.resource-id`). */
  clusterResourceId: string
  /** guard's result cache; leave out to turn caching off. */
  cache?: DecisionCache
  options?: Partial<AzureAuthzOptions>
}

export type AuthzStep =
  'system-user' | 'non-aad-user' | 'cache' | 'discovery' | 'check-access' | 'request-error'

export interface AzureAuthzExplanation {
  step: AuthzStep
  summary: string
  cacheKey?: string
  /** When the cached answer was stored and when it expires (clock milliseconds). */
  cachedAt?: number
  cacheExpiresAt?: number
  dataAction?: string
  scope?: string
  objectId?: string
  /** SAR groups that are GUIDs, sent to the access check; the others are dropped. */
  groupsSent?: string[]
  groupsDropped?: string[]
  /** One decision per checked pattern, with a verdict for every assignment considered. */
  decisions?: ActionDecision[]
  /** Set when `denyAsNoOpinion` turned a deny into no opinion. */
  denyTurnedIntoNoOpinion?: boolean
}

/** What the webhook answers: `denied` only on an explicit deny; no opinion is allowed=false alone. */
export interface AzureAuthzResult {
  allowed: boolean
  denied?: true
  reason: string
  explanation: AzureAuthzExplanation
}

const HEX32 = /^[0-9a-f]{32}$/i
/** github.com/google/uuid Parse: dashed, {braced}, urn:uuid: and bare 32-hex forms; undefined if none. */
export function parseGoUuid(s: string): string | undefined {
  let x = s
  if (x.length === 45 && x.slice(0, 9).toLowerCase() === 'urn:uuid:') x = x.slice(9)
  else if (x.length === 38 && x.startsWith('{') && x.endsWith('}')) x = x.slice(1, -1)
  if (x.length === 36) {
    if (x[8] !== '-' || x[13] !== '-' || x[18] !== '-' || x[23] !== '-') return undefined
    x = x.replace(/-/g, '')
    if (x.length !== 32) return undefined
  } else if (x.length !== 32) return undefined
  if (!HEX32.test(x)) return undefined
  const h = x.toLowerCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/**
 * The authorization webhook's decision for one SubjectAccessReview spec (v1 field names).
 *
 * @example
 * const r = authorizeWithAzureRbac(review.spec, { rbac, clusterResourceId, cache })
 * toWireReview(review, r, 'v1')
 */
export function authorizeWithAzureRbac(
  spec: SubjectAccessReviewSpec,
  deps: AzureAuthzDeps,
): AzureAuthzResult {
  // An option given as undefined keeps its default (a missing flag must not flip a guard default).
  const given = Object.entries(deps.options ?? {}).filter(([, v]) => v !== undefined)
  const opts: AzureAuthzOptions = { ...DEFAULT_AZURE_AUTHZ_OPTIONS, ...Object.fromEntries(given) }
  const user = spec.user ?? ''
  const noOpinion = (reason: string, explanation: AzureAuthzExplanation): AzureAuthzResult => ({
    allowed: false,
    reason,
    explanation,
  })
  const deny = (reason: string, explanation: AzureAuthzExplanation): AzureAuthzResult =>
    opts.denyAsNoOpinion
      ? noOpinion(reason, { ...explanation, denyTurnedIntoNoOpinion: true })
      : { allowed: false, denied: true, reason, explanation }
  const allow = (reason: string, explanation: AzureAuthzExplanation): AzureAuthzResult => ({
    allowed: true,
    reason,
    explanation,
  })

  if (user.toLowerCase().startsWith('system:'))
    return noOpinion(NO_OPINION_VERDICT, {
      step: 'system-user',
      summary: `'${user}' is a system: identity; Kubernetes RBAC decides`,
    })
  if (!spec.extra || !Object.hasOwn(spec.extra, 'oid')) {
    const explanation = {
      step: 'non-aad-user' as const,
      summary: 'the request carries no extra.oid, so it is not an Entra ID user',
    }
    return opts.skipAuthzForNonAadUsers
      ? noOpinion(NON_AAD_NO_OPINION_VERDICT, explanation)
      : deny(NON_AAD_DENIED_VERDICT, explanation)
  }

  const cacheKey = guardCacheKey(spec)
  const cached = deps.cache?.get(cacheKey)
  if (cached) {
    const explanation = {
      step: 'cache' as const,
      summary: `answered from the decision cache (${cached.allowed ? 'allowed' : 'denied'} earlier for the same key)`,
      cacheKey,
      cachedAt: cached.storedAt,
      cacheExpiresAt: cached.expiresAt,
    }
    return cached.allowed
      ? allow(ACCESS_ALLOWED_VERDICT, explanation)
      : deny(ACCESS_NOT_ALLOWED_VERDICT, explanation)
  }
  if (opts.allowNonResourceDiscoveryPathAccess && isDiscoveryRequest(spec)) {
    deps.cache?.set(cacheKey, true)
    return allow(ACCESS_ALLOWED_VERDICT, {
      step: 'discovery',
      summary: 'GET of a discovery or health path is always allowed',
      cacheKey,
    })
  }
  return checkWithAzure(spec, deps, opts, cacheKey, { allow, deny })
}

function checkWithAzure(
  spec: SubjectAccessReviewSpec,
  deps: AzureAuthzDeps,
  opts: AzureAuthzOptions,
  cacheKey: string,
  answer: {
    allow: (r: string, e: AzureAuthzExplanation) => AzureAuthzResult
    deny: (r: string, e: AzureAuthzExplanation) => AzureAuthzResult
  },
): AzureAuthzResult {
  const oids = spec.extra?.oid ?? []
  // guard reads extra.oid through ExtraValue.String() ("[a b]" minus brackets), so exactly one value.
  const objectId = parseGoUuid(oids.join(' '))
  if (!objectId) {
    const err =
      'error in preparing check access request: oid info sent from authentication module is not valid'
    return answer.deny(checkAccessError(err), {
      step: 'request-error',
      summary: `extra.oid ${JSON.stringify(oids)} is not one GUID`,
      cacheKey,
    })
  }
  const groupsSent: string[] = []
  const groupsDropped: string[] = []
  for (const g of spec.groups ?? []) {
    const id = parseGoUuid(g)
    if (id) groupsSent.push(id)
    else groupsDropped.push(g)
  }
  const mapped = mapSarToDataAction(spec, opts.clusterType)
  const scope = scopeFor(spec, deps.clusterResourceId)
  const base = { cacheKey, dataAction: mapped.actionId, scope, objectId, groupsSent, groupsDropped }
  if (!isWithin(scope, deps.clusterResourceId)) {
    const err = `invalid URL path "${scope}/providers/Microsoft.Authorization/checkaccess", expected to start with "${deps.clusterResourceId}"`
    return answer.deny(checkAccessError(err), {
      ...base,
      step: 'request-error',
      summary: 'the namespace leads outside the cluster scope',
    })
  }
  const decisions = deps.rbac.checkAccess({
    principalId: objectId,
    groupIds: groupsSent,
    scope,
    actions: mapped.patterns.map((id) => ({ id, isDataAction: true })),
  })
  const granted = decisions.every((d) => d.accessDecision === 'Allowed')
  deps.cache?.set(cacheKey, granted)
  const first = decisions[0]
  if (granted && first?.roleAssignment) {
    const ra = first.roleAssignment
    return answer.allow(
      `Access allowed by Azure RBAC Role Assignment ${dashless(ra.id)} of Role ${dashless(ra.roleDefinitionId)} to user ${spec.user ?? ''}`,
      {
        ...base,
        step: 'check-access',
        summary: `${first.roleDefinition?.roleName ?? 'a role'} assigned at ${ra.scope} grants ${mapped.actionId}`,
        decisions,
      },
    )
  }
  return answer.deny(ACCESS_NOT_ALLOWED_VERDICT, {
    ...base,
    step: 'check-access',
    summary: `no role assignment grants ${mapped.actionId} at ${scope}`,
    decisions,
  })
}
