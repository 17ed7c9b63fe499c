/**
 * "Why not?" — something no real cluster answers. For a request RBAC does not allow, every binding in
 * the cluster is compared with it and scored by how many things it lacks (subject, namespace, role,
 * verb, API group, resource, resource name, non-resource URL). The user's own bindings come first,
 * closest first, then other subjects' bindings that come close; each with what it lacks.
 */
import { authorize, resolveRoleRef, sanitizeRequest, sanitizeUser } from './evaluate.js'
import { goQuote } from '../kube/index.js'
import type { NormalizedBinding } from './normalize.js'
import {
  apiGroupMatches,
  combinedResource,
  nonResourceURLMatches,
  requestNamespace,
  resourceMatches,
  resourceNameMatches,
  verbMatches,
} from './rule-match.js'
import type { RbacSnapshot } from './snapshot.js'
import { appliesTo } from './subjects.js'
import { nearestSubject } from './why-subject.js'
import type {
  AccessRequest,
  AuthorizationRequest,
  BindingRef,
  PolicyRule,
  RbacDecision,
  RoleRefInfo,
  Subject,
} from './types.js'

export type LackKind =
  | 'subject'
  | 'namespace'
  | 'role'
  | 'rules'
  | 'verb'
  | 'apiGroup'
  | 'resource'
  | 'resourceName'
  | 'nonResourceURL'
  /** A resource rule asked about a URL path. */
  | 'ruleKind'

export interface Lack {
  kind: LackKind
  message: string
}

export interface WhyCandidate {
  binding: BindingRef
  role: RoleRefInfo
  /** The subject that matched the user, or the one that came nearest. */
  subject?: Subject
  subjectMatches: boolean
  /** The rule of the role that came closest (absent when the role is missing or empty). */
  rule?: PolicyRule
  ruleIndex?: number
  lacks: Lack[]
}

export interface WhyResult {
  decision: RbacDecision
  /** Closest bindings first; empty when the request is allowed. */
  candidates: WhyCandidate[]
  /** How many bindings were compared. */
  bindingsConsidered: number
}

// Between rules that lack equally many things, the one that already names the resource is the more
// useful explanation ("verb patch missing" beats "resource namespaces missing").
const LACK_WEIGHT: Record<LackKind, number> = {
  subject: 0,
  namespace: 0,
  role: 0,
  rules: 0,
  verb: 1,
  resourceName: 1,
  apiGroup: 2,
  resource: 3,
  nonResourceURL: 3,
  ruleKind: 4,
}

const list = (items: readonly string[] | undefined) => `[${(items ?? []).map(goQuote).join(', ')}]`

function verbLack(rule: PolicyRule, verb: string): Lack[] {
  if (verbMatches(rule, verb)) return []
  let hint = ''
  if (rule.verbs.some((v) => v.toLowerCase() === verb.toLowerCase())) hint = ' (verbs are case-sensitive)'
  else if (verb === 'deletecollection' && rule.verbs.includes('delete'))
    hint = ' ("delete" does not grant "deletecollection")'
  else if (verb === '*') hint = ' (a request for verb "*" needs a rule verb "*")'
  return [{ kind: 'verb', message: `verb ${goQuote(verb)} not in ${list(rule.verbs)}${hint}` }]
}

function resourceRuleLacks(rule: PolicyRule, ra: NonNullable<AccessRequest['resourceAttributes']>): Lack[] {
  const lacks = verbLack(rule, ra.verb ?? '')
  const group = ra.group ?? ''
  if (!apiGroupMatches(rule, group))
    lacks.push({ kind: 'apiGroup', message: `API group ${goQuote(group)} not in ${list(rule.apiGroups)}` })
  const resource = ra.resource ?? ''
  const sub = ra.subresource ?? ''
  const combined = combinedResource(resource, sub)
  if (!resourceMatches(rule, combined, sub)) {
    const have = rule.resources ?? []
    let hint = ''
    if (sub !== '' && have.includes(resource))
      hint = ` (${goQuote(resource)} does not cover its subresource ${goQuote(combined)})`
    else if (have.includes(`${resource}/*`))
      hint = ` (${goQuote(`${resource}/*`)} is literal, not a wildcard)`
    lacks.push({ kind: 'resource', message: `resource ${goQuote(combined)} not in ${list(have)}${hint}` })
  }
  const name = ra.name ?? ''
  if (!resourceNameMatches(rule, name))
    lacks.push({
      kind: 'resourceName',
      message:
        name === ''
          ? `rule is limited to resourceNames ${list(rule.resourceNames)}; a request without a name (list, watch, create, deletecollection) never matches it`
          : `name ${goQuote(name)} not in resourceNames ${list(rule.resourceNames)}`,
    })
  return lacks
}

function nonResourceRuleLacks(
  rule: PolicyRule,
  nra: NonNullable<AccessRequest['nonResourceAttributes']>,
): Lack[] {
  const lacks = verbLack(rule, nra.verb ?? '')
  const path = nra.path ?? ''
  const urls = rule.nonResourceURLs ?? []
  if (urls.length === 0)
    lacks.push({
      kind: 'ruleKind',
      message: `the rule is about resources, not non-resource URLs like ${goQuote(path)}`,
    })
  else if (!nonResourceURLMatches(rule, path)) {
    const hint = urls.includes(`${path}/*`)
      ? ` (${goQuote(`${path}/*`)} does not match ${goQuote(path)} itself)`
      : ''
    lacks.push({
      kind: 'nonResourceURL',
      message: `path ${goQuote(path)} not matched by ${list(urls)}${hint}`,
    })
  }
  return lacks
}

export function ruleLacks(request: AccessRequest, rule: PolicyRule): Lack[] {
  if (request.resourceAttributes) return resourceRuleLacks(rule, request.resourceAttributes)
  if (request.nonResourceAttributes) return nonResourceRuleLacks(rule, request.nonResourceAttributes)
  return []
}

function namespaceLack(binding: NormalizedBinding, namespace: string): Lack[] {
  if (binding.kind !== 'RoleBinding' || binding.namespace === namespace) return []
  const message =
    namespace === ''
      ? `RoleBinding in namespace ${goQuote(binding.namespace)}: RoleBindings are never consulted for cluster-scoped, all-namespaces or non-resource requests`
      : `RoleBinding in namespace ${goQuote(binding.namespace)} only grants inside ${goQuote(binding.namespace)} (request namespace: ${goQuote(namespace)})`
  return [{ kind: 'namespace', message }]
}

function examine(
  snapshot: RbacSnapshot,
  request: AuthorizationRequest,
  binding: NormalizedBinding,
): WhyCandidate & { ordinal: number; closeness: number; weight: number } {
  const user = request.user
  const matched = appliesTo(user, binding)
  const near = matched >= 0 ? undefined : nearestSubject(user, binding)
  const candidate: WhyCandidate & { ordinal: number; closeness: number; weight: number } = {
    binding: {
      kind: binding.kind,
      name: binding.name,
      ...(binding.kind === 'RoleBinding' && { namespace: binding.namespace }),
    },
    role: { kind: binding.roleRef.kind, name: binding.roleRef.name },
    subjectMatches: matched >= 0,
    lacks: [
      ...(near ? [{ kind: 'subject' as const, message: near.message }] : []),
      ...namespaceLack(binding, requestNamespace(request)),
    ],
    ordinal: (binding as { ordinal?: number }).ordinal ?? 0,
    // Ties go to bindings whose subject matches, then to those that miss it narrowly (case, SA namespace).
    closeness: matched >= 0 ? 0 : near?.specific ? 1 : 2,
    weight: 0,
  }
  const subject = matched >= 0 ? binding.subjects[matched] : near?.subject
  if (subject) candidate.subject = subject
  const resolved = resolveRoleRef(snapshot, binding)
  if ('error' in resolved) {
    candidate.lacks.push({ kind: 'role', message: resolved.error })
    return candidate
  }
  if (resolved.rules.length === 0) {
    const aggregated = snapshot.clusterRoles.get(binding.roleRef.name)?.aggregationSelectors !== undefined
    const what = `${binding.roleRef.kind} ${goQuote(binding.roleRef.name)} has no rules`
    candidate.lacks.push({
      kind: 'rules',
      message:
        aggregated && binding.roleRef.kind === 'ClusterRole'
          ? `${what} (it aggregates, and no other ClusterRole matching its selectors has rules)`
          : what,
    })
    return candidate
  }
  let best: { index: number; lacks: Lack[]; weight: number } | undefined
  for (const [index, rule] of resolved.rules.entries()) {
    const lacks = ruleLacks(request, rule)
    const weight = lacks.reduce((sum, l) => sum + LACK_WEIGHT[l.kind], 0)
    if (
      !best ||
      lacks.length < best.lacks.length ||
      (lacks.length === best.lacks.length && weight < best.weight)
    )
      best = { index, lacks, weight }
  }
  candidate.rule = resolved.rules[best!.index]!
  candidate.ruleIndex = best!.index
  candidate.lacks.push(...best!.lacks)
  candidate.weight = best!.weight
  return candidate
}

/**
 * Explains a decision: when RBAC would not allow the request, the `limit` bindings that came closest.
 *
 * @example
 * const { decision, candidates } = explain(snapshot, { user: { name: 'alice' }, resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'prod' } })
 */
export function explain(snapshot: RbacSnapshot, rawRequest: AuthorizationRequest, limit = 5): WhyResult {
  const decision = authorize(snapshot, rawRequest)
  const all = [...snapshot.clusterRoleBindings, ...[...snapshot.roleBindings.values()].flat()]
  const attributes = sanitizeRequest(rawRequest)
  if (decision.decision === 'Allow' || !attributes)
    return { decision, candidates: [], bindingsConsidered: all.length }
  const request = { ...attributes, user: sanitizeUser(rawRequest.user) }
  const scored = all.map((b) => examine(snapshot, request, b))
  scored.sort(
    (a, b) =>
      Number(b.subjectMatches) - Number(a.subjectMatches) ||
      a.lacks.length - b.lacks.length ||
      a.closeness - b.closeness ||
      a.weight - b.weight ||
      a.ordinal - b.ordinal,
  )
  const candidates = scored
    .slice(0, Math.max(0, limit))
    .map(({ ordinal: _o, closeness: _c, weight: _w, ...c }) => c)
  return { decision, candidates, bindingsConsidered: all.length }
}
