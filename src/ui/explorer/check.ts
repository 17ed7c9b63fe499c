/**
 * "Would this user be allowed, and why?" — the API server's chain for one request, evaluated on the
 * live state without side effects: authentication as the webhook would map the user, the
 * system:masters shortcut, then the configured authorizers (Kubernetes RBAC with its closest
 * bindings when it has no opinion, Azure RBAC with every assignment it considered), first decision
 * wins. Caches are left out on purpose: this is the answer once they have expired.
 */
import { forbidden } from '../../apiserver/index.js'
import { authorizeWithAzureRbac, type AzureAuthzResult } from '../../azure-rbac/index.js'
import type { Directory, User } from '../../kernel/directory.js'
import type { ResolvedConfig } from '../../config/index.js'
import type { AccessRequest, WhyCandidate } from '../../rbac/index.js'
import { type SubjectAccessReviewSpec } from '../../kube/index.js'
import type { UiAzure } from '../deps.js'
import type { UiKubernetes } from '../kubernetes.js'
import { clusterIdentity, type ClusterIdentity } from './identity.js'

export interface AccessQuery {
  user: string
  verb: string
  /** `pods`, or `pods/log` for a subresource; empty with `path` for a non-resource URL. */
  resource?: string
  group?: string
  namespace?: string
  name?: string
  path?: string
}

export interface ChainEntry {
  authorizer: string
  decision: 'Allow' | 'Deny' | 'NoOpinion'
  reason: string
}

export interface AccessAnswer {
  identity: ClusterIdentity
  spec: SubjectAccessReviewSpec
  allowed: boolean
  /** `authentication` when the webhook would refuse the token itself. */
  decidedBy: string
  reason: string
  /** What kubectl prints. */
  kubectl: string
  chain: ChainEntry[]
  rbac?: {
    decision: string
    reason: string
    grantedBy?: { binding: string; role: string; subject: string }
    closest: WhyCandidate[]
    bindingsConsidered: number
  }
  azure?: Omit<AzureAuthzResult, 'denied'> & { denied: boolean }
  notes: string[]
}

export interface CheckDeps {
  directory: Directory
  config: ResolvedConfig
  azure?: UiAzure
  kubernetes?: UiKubernetes
}

export function specFor(identity: ClusterIdentity, q: AccessQuery): SubjectAccessReviewSpec {
  const [resource = '', subresource = ''] = (q.resource ?? '').split('/')
  return {
    ...(resource
      ? {
          resourceAttributes: {
            ...(q.namespace && { namespace: q.namespace }),
            verb: q.verb,
            ...(q.group && { group: q.group }),
            resource,
            ...(subresource && { subresource }),
            ...(q.name && { name: q.name }),
          },
        }
      : { nonResourceAttributes: { path: q.path ?? '/', verb: q.verb } }),
    user: identity.username,
    groups: identity.groups,
    extra: identity.extra,
  }
}

function kubectlLine(spec: SubjectAccessReviewSpec, allowed: boolean, reason: string): string {
  if (allowed) return 'success (the request would go through)'
  const ra = spec.resourceAttributes
  const err = forbidden(
    {
      user: { username: spec.user ?? '', groups: spec.groups ?? [] },
      verb: ra?.verb ?? spec.nonResourceAttributes?.verb ?? '',
      resourceRequest: ra !== undefined,
      path: spec.nonResourceAttributes?.path ?? '',
      namespace: ra?.namespace ?? '',
      apiGroup: ra?.group ?? '',
      apiVersion: '',
      resource: ra?.resource ?? '',
      subresource: ra?.subresource ?? '',
      name: ra?.name ?? '',
    },
    reason,
  )
  return `Error from server (Forbidden): ${err.message}`
}

/** The spec as the Kubernetes RBAC engine takes it. */
export function rbacRequestOf(spec: SubjectAccessReviewSpec): AccessRequest {
  const ra = spec.resourceAttributes
  if (ra) return { resourceAttributes: { ...ra, verb: ra.verb ?? '' } }
  const nra = spec.nonResourceAttributes
  return { nonResourceAttributes: { verb: nra?.verb ?? '', path: nra?.path ?? '' } }
}

const bindingName = (b: { kind: string; name: string; namespace?: string }) =>
  `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}`

export function checkAccess(deps: CheckDeps, user: User, q: AccessQuery): AccessAnswer {
  const identity = clusterIdentity(deps.directory, user, deps.config.webhook.audience)
  const spec = specFor(identity, q)
  const notes: string[] = []
  const base = { identity, spec, notes }
  if (!user.accountEnabled && deps.config.webhook.rejectDisabledUsers) {
    const reason = `user ${identity.username} is disabled (accountEnabled: false)`
    return {
      ...base,
      allowed: false,
      decidedBy: 'authentication',
      reason,
      kubectl: 'error: You must be logged in to the server (Unauthorized)',
      chain: [],
    }
  }
  if (identity.groupsSource === 'graph')
    notes.push('More than 200 groups: the token has the overage claim and the webhook asks Graph for them.')
  const chain: ChainEntry[] = []
  const answer: AccessAnswer = { ...base, allowed: false, decidedBy: 'none', reason: '', kubectl: '', chain }
  if (identity.groups.includes('system:masters')) {
    chain.push({ authorizer: 'system:masters', decision: 'Allow', reason: '' })
    return { ...answer, allowed: true, decidedBy: 'privileged-group', kubectl: kubectlLine(spec, true, '') }
  }
  for (const name of deps.config.apiServer.authorizationOrder) {
    if (name === 'RBAC' && deps.kubernetes) {
      const why = deps.kubernetes.rbac.why(
        { user: { name: identity.username, groups: identity.groups }, ...rbacRequestOf(spec) },
        { limit: 3 },
      )
      const m = why.decision.matched
      answer.rbac = {
        decision: why.decision.decision,
        reason: why.decision.reason,
        ...(m && {
          grantedBy: {
            binding: bindingName(m.binding),
            role: `${m.role.kind} ${m.role.name}`,
            subject: `${m.subject.kind} ${m.subject.name}`,
          },
        }),
        closest: why.candidates,
        bindingsConsidered: why.bindingsConsidered,
      }
      chain.push({ authorizer: 'RBAC', decision: why.decision.decision, reason: why.decision.reason })
    } else if (name === 'Webhook' && deps.azure?.enabled()) {
      const r = authorizeWithAzureRbac(spec, {
        rbac: deps.azure.rbac,
        clusterResourceId: deps.azure.clusterResourceId,
        options: { denyAsNoOpinion: deps.config.webhook.denyAsNoOpinion },
      })
      answer.azure = { ...r, denied: r.denied === true }
      chain.push({
        authorizer: 'Webhook (Azure RBAC)',
        decision: r.allowed ? 'Allow' : r.denied ? 'Deny' : 'NoOpinion',
        reason: r.reason,
      })
    } else continue
    const last = chain[chain.length - 1]!
    if (last.decision !== 'NoOpinion') {
      answer.allowed = last.decision === 'Allow'
      answer.decidedBy = last.authorizer
      answer.reason = last.reason
      break
    }
  }
  if (answer.decidedBy === 'none')
    answer.reason = chain
      .map((c) => c.reason)
      .filter(Boolean)
      .join('\n')
  if (!deps.kubernetes) notes.push('No Kubernetes RBAC objects are available (no API server).')
  if (deps.azure && !deps.azure.enabled()) notes.push('Azure RBAC for Kubernetes is off on this cluster.')
  if (deps.azure?.enabled())
    notes.push(
      `Live requests may differ for a while after a change: the webhook caches Azure RBAC decisions for ${deps.config.webhook.authzCacheTtlSeconds} s (guard: 3 minutes) and the API server caches its answers (5 minutes allowed, 30 seconds denied).`,
    )
  answer.kubectl = kubectlLine(spec, answer.allowed, answer.reason)
  return answer
}
