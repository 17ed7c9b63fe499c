/**
 * Kubernetes' RBAC authorizer (rbac.go) over an indexed snapshot: VisitRulesFor (ClusterRoleBindings, then the
 * RoleBindings of the request namespace), Authorize (first allowing rule wins, else NoOpinion with the
 * aggregated resolution errors) and RulesFor (SelfSubjectRulesReview).
 */
import { decide } from './decide.js'
import { aggregateErrors } from '../kube/index.js'
import type { NormalizedBinding } from './normalize.js'
import { resolveRoleRef } from './role-ref.js'
import { candidateBindings, type RbacSnapshot } from './snapshot.js'
import { appliesTo, describeSource } from './subjects.js'
import { FIRST_SUBJECT, type ChainLink, type Grant } from './decision-cache.js'
import type { Best } from './table-lookup.js'
import type {
  AccessRequest,
  AuthorizationRequest,
  BindingRef,
  NonResourceAttributes,
  PolicyRule,
  ResourceAttributes,
  RbacDecision,
  SubjectRulesReviewStatus,
  UserInfo,
} from './types.js'

export { resolveRoleRef, type RoleResolution } from './role-ref.js'

export interface VisitedRule {
  binding: NormalizedBinding
  subjectIndex: number
  rule: PolicyRule
  ruleIndex: number
}

/** Return false from the visitor to stop. */
export type RuleVisitor = (visit: { rule: VisitedRule } | { error: string }) => boolean

/** Only well-typed parts of a user reach the engine (a bad SAR must never widen access or crash). */
export function sanitizeUser(user: unknown): UserInfo {
  const u = (typeof user === 'object' && user !== null ? user : {}) as Record<string, unknown>
  const groups: string[] = []
  if (Array.isArray(u.groups))
    for (const g of u.groups as unknown[]) if (typeof g === 'string') groups.push(g)
  return { name: typeof u.name === 'string' ? u.name : '', groups }
}

// The hot path uses plain loops and module-level functions: under tsx every closure created per call
// is also renamed (esbuild keepNames), which costs more than the evaluation itself.

function visitBindings(
  snapshot: RbacSnapshot,
  user: UserInfo,
  bindings: readonly NormalizedBinding[],
  visitor: RuleVisitor,
): boolean {
  for (const binding of bindings) {
    const subjectIndex = appliesTo(user, binding)
    if (subjectIndex < 0) continue
    const resolved = resolveRoleRef(snapshot, binding)
    if ('error' in resolved) {
      if (!visitor({ error: resolved.error })) return false
      continue
    }
    for (let ruleIndex = 0; ruleIndex < resolved.rules.length; ruleIndex++)
      if (!visitor({ rule: { binding, subjectIndex, rule: resolved.rules[ruleIndex]!, ruleIndex } }))
        return false
  }
  return true
}

export function visitRulesFor(
  snapshot: RbacSnapshot,
  user: UserInfo,
  namespace: string,
  visitor: RuleVisitor,
): void {
  if (!visitBindings(snapshot, user, candidateBindings(snapshot.clusterIndex, user), visitor)) return
  if (namespace !== '')
    visitBindings(snapshot, user, candidateBindings(snapshot.namespaceIndex.get(namespace), user), visitor)
}

const NO_OPINION: RbacDecision = { decision: 'NoOpinion', reason: '' }

const RESOURCE_FIELDS = ['verb', 'namespace', 'group', 'version', 'resource', 'subresource', 'name'] as const
const NON_RESOURCE_FIELDS = ['verb', 'path'] as const

/**
 * The attributes with every field a string, or undefined when the request is malformed (neither kind,
 * or a field of another type): a malformed request gets no opinion rather than a guess.
 */
/** The named fields of `o` as strings ("" when absent), or undefined when one has another type. */
function stringFields(o: unknown, names: readonly string[]): Record<string, string> | undefined {
  if (typeof o !== 'object' || o === null) return undefined
  const out: Record<string, string> = {}
  for (const n of names) {
    const v = (o as Record<string, unknown>)[n]
    if (v === undefined || v === null) out[n] = ''
    else if (typeof v === 'string') out[n] = v
    else return undefined
  }
  return out
}

/**
 * The attributes with every field a string, or undefined when the request is malformed (neither kind,
 * or a field of another type): a malformed request gets no opinion rather than a guess.
 */
export function sanitizeRequest(request: unknown): AccessRequest | undefined {
  if (typeof request !== 'object' || request === null) return undefined
  const { resourceAttributes: ra, nonResourceAttributes: nra } = request as Record<string, unknown>
  if (ra !== undefined && ra !== null) {
    const attrs = stringFields(ra, RESOURCE_FIELDS)
    return attrs && { resourceAttributes: attrs as unknown as ResourceAttributes }
  }
  const attrs = stringFields(nra, NON_RESOURCE_FIELDS)
  return attrs && { nonResourceAttributes: attrs as unknown as NonResourceAttributes }
}

/** Allow by the link's rule, reported with the binding's subject at `subjectIndex`. */
function allowedDecision(link: ChainLink, subjectIndex: number): RbacDecision {
  const grant = link.grant
  const subject = subjectIndex === 0 ? grant.firstSubject : grant.binding.subjects[subjectIndex]!
  const binding: BindingRef = { kind: grant.kind, name: grant.name }
  if (grant.kind === 'RoleBinding') binding.namespace = grant.namespace
  return {
    decision: 'Allow',
    reason: (grant.reasons[subjectIndex] ??= `RBAC: allowed by ${describeSource(grant.binding, subject)}`),
    matched: {
      binding,
      role: { kind: grant.roleKind, name: grant.roleName },
      rule: link.rule,
      ruleIndex: link.ruleIndex,
      subject,
    },
  }
}

/** appliesTo from the grant's subject keys: the index of the first subject matching the user, or -1. */
function firstMatchingSubject(grant: Grant, user: UserInfo): number {
  const keys = grant.subjectKeys
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    if (key === undefined) continue
    if (grant.subjectIsGroup[i] ? (user.groups ?? []).includes(key) : user.name === key) return i
  }
  return -1
}

/** Allow by the link's rule, reported with the first subject of its binding that matches the user. */
function allowedByLink(link: ChainLink, user: UserInfo): RbacDecision {
  // Reached through the user name or one of the groups (or checked), so some subject matches.
  const grant = link.grant
  const subjectIndex = grant.subjectCount === 1 ? 0 : firstMatchingSubject(grant, user)
  const bySubject = (link.allowed ??= [])
  return (bySubject[subjectIndex] ??= allowedDecision(link, subjectIndex))
}

/**
 * Kubernetes' rbac.go decision (see decide.ts for how the walk is answered from compiled
 * tables): the first allowing rule in visiting order, reported with the binding's first matching
 * subject; else NoOpinion with the resolution errors met.
 */
export function authorize(snapshot: RbacSnapshot, rawRequest: AuthorizationRequest): RbacDecision {
  const request = sanitizeRequest(rawRequest)
  if (!request) return NO_OPINION
  const user = sanitizeUser(rawRequest.user)
  const best: Best = { ordinal: Infinity, ruleIndex: Infinity, link: undefined, chains: undefined, chain: 0 }
  const errors = decide(snapshot, user, request, best)
  if (best.ordinal !== Infinity) {
    // Everything below reads the chains and the winning link and its grant only: the rest of the
    // (large, cold) snapshot stays untouched.
    if (best.link === undefined) {
      const chains = best.chains!
      const n = best.chain
      // Reached through the key of the binding's first subject: that subject is the one reported.
      if ((chains.info[2 * n + 1]! & FIRST_SUBJECT) !== 0)
        return (chains.allowed[n] ??= allowedDecision(chains.heads[n]!, 0))
      return allowedByLink(chains.heads[n]!, user)
    }
    return allowedByLink(best.link, user)
  }
  return errors.length === 0
    ? NO_OPINION
    : { decision: 'NoOpinion', reason: `RBAC: ${aggregateErrors(errors)}` }
}

/** RulesFor as SelfSubjectRulesReview returns it: every rule, in visiting order, not compacted. */
export function rulesFor(
  snapshot: RbacSnapshot,
  user: UserInfo,
  namespace: string,
): SubjectRulesReviewStatus {
  const status: SubjectRulesReviewStatus = { resourceRules: [], nonResourceRules: [], incomplete: false }
  const errors: string[] = []
  visitRulesFor(snapshot, sanitizeUser(user), typeof namespace === 'string' ? namespace : '', (v) => {
    if ('error' in v) {
      errors.push(v.error)
      return true
    }
    const r = v.rule.rule
    if ((r.resources ?? []).length > 0)
      status.resourceRules.push({
        verbs: [...r.verbs],
        ...(!!r.apiGroups?.length && { apiGroups: [...r.apiGroups] }),
        resources: [...r.resources!],
        ...(!!r.resourceNames?.length && { resourceNames: [...r.resourceNames] }),
      })
    if ((r.nonResourceURLs ?? []).length > 0)
      status.nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs!] })
    return true
  })
  if (errors.length > 0) status.evaluationError = aggregateErrors(errors)
  return status
}
