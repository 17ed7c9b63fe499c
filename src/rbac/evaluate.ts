/**
 * The reference RBAC authorizer over an indexed snapshot: VisitRulesFor (ClusterRoleBindings, then the
 * RoleBindings of the request namespace), Authorize (first allowing rule wins, else NoOpinion with the
 * aggregated resolution errors) and RulesFor (SelfSubjectRulesReview).
 */
import { aggregateErrors, goQuote } from './go-format.js'
import type { NormalizedBinding } from './normalize.js'
import { requestNamespace, ruleAllows } from './rule-match.js'
import { candidateBindings, type RbacSnapshot } from './snapshot.js'
import { appliesTo, describeSource } from './subjects.js'
import type {
  AccessRequest,
  AuthorizationRequest,
  NonResourceAttributes,
  PolicyRule,
  ResourceAttributes,
  RbacDecision,
  SubjectRulesReviewStatus,
  UserInfo,
} from './types.js'

export type RoleResolution = { rules: PolicyRule[] } | { error: string }

/** GetRoleReferenceRules, with the lister's NotFound texts. */
export function resolveRoleRef(snapshot: RbacSnapshot, binding: NormalizedBinding): RoleResolution {
  const { kind, name } = binding.roleRef
  if (kind === 'ClusterRole') {
    const role = snapshot.clusterRoles.get(name)
    return role
      ? { rules: role.rules }
      : { error: `clusterrole.rbac.authorization.k8s.io ${goQuote(name)} not found` }
  }
  if (kind === 'Role') {
    // A ClusterRoleBinding looks its Role up in namespace "", where no Role can exist.
    const role = snapshot.roles.get(`${binding.namespace}/${name}`)
    return role
      ? { rules: role.rules }
      : { error: `role.rbac.authorization.k8s.io ${goQuote(name)} not found` }
  }
  return { error: `unsupported role reference kind: ${goQuote(kind)}` }
}

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

/** Authorize's walk: the first allowing rule, collecting resolution errors met before it. */
function firstAllowing(
  snapshot: RbacSnapshot,
  user: UserInfo,
  bindings: readonly NormalizedBinding[],
  request: AccessRequest,
  errors: string[],
): VisitedRule | undefined {
  for (const binding of bindings) {
    const subjectIndex = appliesTo(user, binding)
    if (subjectIndex < 0) continue
    const resolved = resolveRoleRef(snapshot, binding)
    if ('error' in resolved) {
      errors.push(resolved.error)
      continue
    }
    const rules = resolved.rules
    for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++)
      if (ruleAllows(request, rules[ruleIndex]!))
        return { binding, subjectIndex, rule: rules[ruleIndex]!, ruleIndex }
  }
  return undefined
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

export function authorize(snapshot: RbacSnapshot, rawRequest: AuthorizationRequest): RbacDecision {
  const request = sanitizeRequest(rawRequest)
  if (!request) return NO_OPINION
  const user = sanitizeUser(rawRequest.user)
  const errors: string[] = []
  const namespace = requestNamespace(request)
  const allowed =
    firstAllowing(snapshot, user, candidateBindings(snapshot.clusterIndex, user), request, errors) ??
    (namespace === ''
      ? undefined
      : firstAllowing(
          snapshot,
          user,
          candidateBindings(snapshot.namespaceIndex.get(namespace), user),
          request,
          errors,
        ))
  if (allowed) {
    const { binding, subjectIndex, rule, ruleIndex } = allowed
    const subject = binding.subjects[subjectIndex]!
    return {
      decision: 'Allow',
      reason: `RBAC: allowed by ${describeSource(binding, subject)}`,
      matched: {
        binding: {
          kind: binding.kind,
          name: binding.name,
          ...(binding.kind === 'RoleBinding' && { namespace: binding.namespace }),
        },
        role: { kind: binding.roleRef.kind, name: binding.roleRef.name },
        rule,
        ruleIndex,
        subject,
      },
    }
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
