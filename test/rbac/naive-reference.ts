/**
 * A deliberately plain, linear re-implementation of Kubernetes' RBAC authorizer (rbac.go + rule.go):
 * it walks every ClusterRoleBinding and every RoleBinding of the namespace, with its own matching code.
 * Only ClusterRole aggregation is shared with the engine. Used to cross-check the indexed engine.
 */
import { aggregateClusterRoleObjects } from '../../src/rbac/aggregation.js'
import type { RbacObjects } from '../../src/rbac/object-source.js'
import type {
  AuthorizationRequest,
  PolicyRule,
  Subject,
  SubjectRulesReviewStatus,
  UserInfo,
} from '../../src/rbac/types.js'

interface RawBinding {
  metadata: { name: string; namespace?: string }
  roleRef: { kind: string; name: string }
  subjects?: Subject[] | null
}
interface RawRole {
  metadata: { name: string; namespace?: string }
  rules?: PolicyRule[] | null
}

const q = (s: string) => JSON.stringify(s) // fixtures use plain ASCII names, where %q equals JSON quoting
const sortByName = <T extends { metadata: { name: string } }>(xs: T[]) =>
  [...xs].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))
const lastByKey = <T extends { metadata: { name: string; namespace?: string } }>(xs: T[]) => [
  ...new Map(xs.map((x) => [`${x.metadata.namespace ?? ''}/${x.metadata.name}`, x])).values(),
]

function subjectApplies(user: UserInfo, s: Subject, ns: string): boolean {
  if (s.kind === 'User') return s.name === user.name
  if (s.kind === 'Group') return (user.groups ?? []).includes(s.name)
  if (s.kind === 'ServiceAccount') {
    const saNs = s.namespace ? s.namespace : ns
    if (saNs === '') return false
    return user.name === 'system:serviceaccount:' + saNs + ':' + s.name
  }
  return false
}

function ruleOk(req: AuthorizationRequest, r: PolicyRule): boolean {
  const has = (list: string[] | undefined, v: string) => (list ?? []).some((x) => x === '*' || x === v)
  if (req.resourceAttributes) {
    const a = req.resourceAttributes
    const sub = a.subresource ?? ''
    const combined = sub ? `${a.resource ?? ''}/${sub}` : (a.resource ?? '')
    const resOk = (r.resources ?? []).some(
      (x) => x === '*' || x === combined || (sub !== '' && x === '*/' + sub),
    )
    const nameOk = !r.resourceNames || r.resourceNames.length === 0 || r.resourceNames.includes(a.name ?? '')
    return has(r.verbs, a.verb) && has(r.apiGroups, a.group ?? '') && resOk && nameOk
  }
  const n = req.nonResourceAttributes
  const urlOk = (r.nonResourceURLs ?? []).some((u) => {
    if (u === '*' || u === n.path) return true
    if (!u.endsWith('*')) return false
    let prefix = u
    while (prefix.endsWith('*')) prefix = prefix.slice(0, -1)
    return n.path.startsWith(prefix)
  })
  return has(r.verbs, n.verb) && urlOk
}

export interface NaiveOutcome {
  decision: string
  reason: string
  /** For an allow: the index of the first allowing rule in the role's (aggregated) rules, and the rule. */
  ruleIndex?: number
  rule?: PolicyRule
}

export function naiveAuthorize(objects: RbacObjects, req: AuthorizationRequest): NaiveOutcome {
  const clusterRoles = lastByKey(objects.list('ClusterRole') as RawRole[])
  const aggregated = aggregateClusterRoleObjects(clusterRoles).rules
  const roles = lastByKey(objects.list('Role') as RawRole[])
  const ns = req.resourceAttributes?.namespace ?? ''
  const errors: string[] = []
  const resolve = (kind: string, name: string, bindingNs: string): PolicyRule[] | undefined => {
    if (kind === 'ClusterRole') {
      const role = clusterRoles.find((r) => r.metadata.name === name)
      if (role) return aggregated.get(name) ?? role.rules ?? []
      errors.push(`clusterrole.rbac.authorization.k8s.io ${q(name)} not found`)
    } else if (kind === 'Role') {
      const role = roles.find((r) => r.metadata.name === name && (r.metadata.namespace ?? '') === bindingNs)
      if (role) return role.rules ?? []
      errors.push(`role.rbac.authorization.k8s.io ${q(name)} not found`)
    } else errors.push(`unsupported role reference kind: ${q(kind)}`)
    return undefined
  }
  const describe = (s: Subject, bindingNs: string) =>
    s.kind === 'ServiceAccount'
      ? `${s.kind} ${q(s.name + '/' + (s.namespace || bindingNs))}`
      : `${s.kind} ${q(s.name)}`
  const visit = (bindings: RawBinding[], kind: string, bindingNs: string): NaiveOutcome | undefined => {
    for (const b of bindings) {
      const subject = (b.subjects ?? []).find((s) => subjectApplies(req.user, s, bindingNs))
      if (!subject) continue
      const rules = resolve(b.roleRef.kind, b.roleRef.name, bindingNs)
      if (!rules) continue
      const ruleIndex = rules.findIndex((r) => ruleOk(req, r))
      if (ruleIndex >= 0) {
        const name = kind === 'RoleBinding' ? `${b.metadata.name}/${bindingNs}` : b.metadata.name
        const reason = `RBAC: allowed by ${kind} ${q(name)} of ${b.roleRef.kind} ${q(b.roleRef.name)} to ${describe(subject, bindingNs)}`
        return { decision: 'Allow', reason, ruleIndex, rule: rules[ruleIndex]! }
      }
    }
    return undefined
  }
  const crbs = sortByName(lastByKey(objects.list('ClusterRoleBinding') as RawBinding[]))
  const allowed =
    visit(crbs, 'ClusterRoleBinding', '') ??
    (ns === ''
      ? undefined
      : visit(
          sortByName(
            lastByKey(
              (objects.list('RoleBinding') as RawBinding[]).filter((b) => b.metadata.namespace === ns),
            ),
          ),
          'RoleBinding',
          ns,
        ))
  if (allowed) return allowed
  const unique = [...new Set(errors)]
  const agg =
    errors.length === 0
      ? ''
      : errors.length === 1 || unique.length === 1
        ? unique[0]!
        : `[${unique.join(', ')}]`
  return { decision: 'NoOpinion', reason: agg ? `RBAC: ${agg}` : '' }
}

/** SelfSubjectRulesReview by the same plain walk: every rule of every applicable binding, in order. */
export function naiveRulesFor(objects: RbacObjects, user: UserInfo, ns: string): SubjectRulesReviewStatus {
  const clusterRoles = lastByKey(objects.list('ClusterRole') as RawRole[])
  const aggregated = aggregateClusterRoleObjects(clusterRoles).rules
  const roles = lastByKey(objects.list('Role') as RawRole[])
  const status: SubjectRulesReviewStatus = { resourceRules: [], nonResourceRules: [], incomplete: false }
  const errors: string[] = []
  const visit = (bindings: RawBinding[], bindingNs: string) => {
    for (const b of bindings) {
      if (!(b.subjects ?? []).some((s) => subjectApplies(user, s, bindingNs))) continue
      let rules: PolicyRule[] | undefined
      if (b.roleRef.kind === 'ClusterRole') {
        const role = clusterRoles.find((r) => r.metadata.name === b.roleRef.name)
        if (role) rules = aggregated.get(b.roleRef.name) ?? role.rules ?? []
        else errors.push(`clusterrole.rbac.authorization.k8s.io ${q(b.roleRef.name)} not found`)
      } else if (b.roleRef.kind === 'Role') {
        const role = roles.find(
          (r) => r.metadata.name === b.roleRef.name && (r.metadata.namespace ?? '') === bindingNs,
        )
        if (role) rules = role.rules ?? []
        else errors.push(`role.rbac.authorization.k8s.io ${q(b.roleRef.name)} not found`)
      } else errors.push(`unsupported role reference kind: ${q(b.roleRef.kind)}`)
      for (const r of rules ?? []) {
        if ((r.resources ?? []).length > 0)
          status.resourceRules.push({
            verbs: r.verbs,
            ...((r.apiGroups ?? []).length > 0 && { apiGroups: r.apiGroups }),
            resources: r.resources,
            ...((r.resourceNames ?? []).length > 0 && { resourceNames: r.resourceNames }),
          })
        if ((r.nonResourceURLs ?? []).length > 0)
          status.nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })
      }
    }
  }
  visit(sortByName(lastByKey(objects.list('ClusterRoleBinding') as RawBinding[])), '')
  if (ns !== '')
    visit(
      sortByName(
        lastByKey((objects.list('RoleBinding') as RawBinding[]).filter((b) => b.metadata.namespace === ns)),
      ),
      ns,
    )
  const unique = [...new Set(errors)]
  if (errors.length > 0)
    status.evaluationError =
      errors.length === 1 || unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`
  return status
}
