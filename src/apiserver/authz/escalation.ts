/**
 * RBAC privilege-escalation prevention (pkg/registry/rbac): writing a Role or ClusterRole needs the
 * `escalate` verb on it or every permission it grants; writing a binding needs the `bind` verb on the
 * role it references or every permission of that role. "Every permission" is decided like
 * rbac/validation.Covers against the writer's own rules (`rulesFor`). Members of system:masters are
 * exempt, as in kube-apiserver.
 */
import { Forbidden, NotFound } from '../../kube/index.js'
import type { ServerContext } from '../context.js'
import type { ResourceDef } from '../registry.js'
import type { AuthorizationResult, KubeObject, RulesResult, UserInfo } from '../types.js'
import { arr, obj, str } from '../values.js'
import type { Authorize } from './attributes.js'

interface Rule {
  verbs: string[]
  apiGroups: string[]
  resources: string[]
  resourceNames: string[]
  nonResourceURLs: string[]
}

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
const toRule = (r: unknown): Rule => {
  const o = obj(r)
  return {
    verbs: strings(o.verbs),
    apiGroups: strings(o.apiGroups),
    resources: strings(o.resources),
    resourceNames: strings(o.resourceNames),
    nonResourceURLs: strings(o.nonResourceURLs),
  }
}

/** BreakdownRule: one rule per group × resource × verb (× name), or per URL × verb. */
function breakdown(r: Rule): Rule[] {
  const out: Rule[] = []
  const one = (p: Partial<Rule>): Rule => ({
    verbs: [],
    apiGroups: [],
    resources: [],
    resourceNames: [],
    nonResourceURLs: [],
    ...p,
  })
  for (const group of r.apiGroups)
    for (const resource of r.resources)
      for (const verb of r.verbs)
        if (r.resourceNames.length)
          for (const name of r.resourceNames)
            out.push(one({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] }))
        else out.push(one({ apiGroups: [group], resources: [resource], verbs: [verb] }))
  for (const url of r.nonResourceURLs)
    for (const verb of r.verbs) out.push(one({ nonResourceURLs: [url], verbs: [verb] }))
  return out
}

const hasAll = (set: string[], want: string[]) => want.every((w) => set.includes(w))

function resourceCoversAll(set: string[], want: string[]): boolean {
  if (set.includes('*') || hasAll(set, want)) return true
  return want.every(
    (path) =>
      set.includes(path) || (path.includes('/') && set.includes(`*/${path.split('/').slice(1).join('/')}`)),
  )
}

const urlCovers = (owner: string, sub: string) =>
  owner === sub || (owner.endsWith('*') && sub.startsWith(owner.replace(/\*+$/, '')))

function ruleCovers(owner: Rule, sub: Rule): boolean {
  const verbs = owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs)
  const groups = owner.apiGroups.includes('*') || hasAll(owner.apiGroups, sub.apiGroups)
  const resources = resourceCoversAll(owner.resources, sub.resources)
  const urls = sub.nonResourceURLs.every((u) => owner.nonResourceURLs.some((o) => urlCovers(o, u)))
  const names =
    sub.resourceNames.length === 0
      ? owner.resourceNames.length === 0
      : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames)
  return verbs && groups && resources && names && urls
}

/** rbacv1helpers.CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}`. */
function compactString(r: Rule): string {
  const q = (v: string[]) => `[${v.map((x) => JSON.stringify(x)).join(' ')}]`
  const parts: string[] = []
  if (r.apiGroups.length) parts.push(`APIGroups:${q(r.apiGroups)}`)
  if (r.resources.length) parts.push(`Resources:${q(r.resources)}`)
  if (r.nonResourceURLs.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`)
  if (r.resourceNames.length) parts.push(`ResourceNames:${q(r.resourceNames)}`)
  if (r.verbs.length) parts.push(`Verbs:${q(r.verbs)}`)
  return `{${parts.join(', ')}}`
}

/** CompactRules: missing single-group/single-resource rules differing only in verbs are merged. */
function compact(rules: Rule[]): Rule[] {
  const merged = new Map<string, Rule>()
  const out: Rule[] = []
  for (const r of rules) {
    if (
      r.apiGroups.length === 1 &&
      r.resources.length === 1 &&
      r.resourceNames.length === 0 &&
      r.nonResourceURLs.length === 0
    ) {
      const key = `${r.apiGroups[0]!}\u0000${r.resources[0]!}`
      const hit = merged.get(key)
      if (hit) hit.verbs.push(...r.verbs.filter((v) => !hit.verbs.includes(v)))
      else {
        const copy = { ...r, verbs: [...r.verbs] }
        merged.set(key, copy)
        out.push(copy)
      }
    } else out.push(r)
  }
  return out
}

export interface EscalationDeps {
  ctx: ServerContext
  authorize: Authorize
  rulesFor?: (user: UserInfo, namespace: string) => RulesResult | Promise<RulesResult>
  privilegedGroups: readonly string[]
}

async function ownerRules(
  d: EscalationDeps,
  user: UserInfo,
  namespace: string,
): Promise<{ rules: Rule[]; errors: string }> {
  const r = await d.rulesFor!(user, namespace)
  const rules = [
    ...r.resourceRules.map((x) => toRule(x)),
    ...r.nonResourceRules.map((x) => toRule({ verbs: x.verbs, nonResourceURLs: x.nonResourceURLs })),
  ]
  return { rules, errors: r.evaluationError ?? '' }
}

async function confirmNoEscalation(
  d: EscalationDeps,
  user: UserInfo,
  namespace: string,
  granted: Rule[],
): Promise<string | undefined> {
  const { rules, errors } = await ownerRules(d, user, namespace)
  const missing = granted.flatMap(breakdown).filter((sub) => !rules.some((owner) => ruleCovers(owner, sub)))
  if (!missing.length) return undefined
  const list = [...new Set(compact(missing).map(compactString))].sort()
  const groups = `[${user.groups.map((g) => JSON.stringify(g)).join(' ')}]`
  return `user ${JSON.stringify(user.username)} (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${list.join('\n')}${errors ? `; resolution errors: [${errors}]` : ''}`
}

const allowed = (r: AuthorizationResult) => r.decision === 'Allow'

/** Throws Forbidden when writing `o` would grant its writer permissions it does not have. */
export async function checkRbacEscalation(
  d: EscalationDeps,
  user: UserInfo,
  def: ResourceDef,
  namespace: string,
  o: KubeObject,
): Promise<void> {
  if (def.group !== 'rbac.authorization.k8s.io' || !d.rulesFor) return
  if (user.groups.some((g) => d.privilegedGroups.includes(g))) return
  const name = o.metadata.name ?? ''
  const gr = { group: def.group, resource: def.resource }
  if (def.kind === 'Role' || def.kind === 'ClusterRole') {
    const escalate = await d.authorize({
      user,
      verb: 'escalate',
      resourceRequest: true,
      path: '',
      namespace,
      apiGroup: def.group,
      apiVersion: 'v1',
      resource: def.resource,
      subresource: '',
      name,
    })
    if (allowed(escalate)) return
    const why = await confirmNoEscalation(d, user, namespace, arr(o.rules).map(toRule))
    if (why) throw new Forbidden(gr, name, why)
    return
  }
  const ref = obj(o.roleRef)
  const refKind = str(ref.kind)
  const refName = str(ref.name)
  const refResource = refKind === 'Role' ? 'roles' : 'clusterroles'
  const bind = await d.authorize({
    user,
    verb: 'bind',
    resourceRequest: true,
    path: '',
    namespace,
    apiGroup: def.group,
    apiVersion: 'v1',
    resource: refResource,
    subresource: '',
    name: refName,
  })
  if (allowed(bind)) return
  const roleDef = d.ctx.registry.byResource(def.group, refResource)
  const role = roleDef ? d.ctx.store.get(roleDef, refKind === 'Role' ? namespace : '', refName) : undefined
  // GetRoleReferenceRules: a missing role is the lister's NotFound (singular resource name).
  if (!role)
    throw new NotFound({ group: def.group, resource: refKind === 'Role' ? 'role' : 'clusterrole' }, refName)
  const why = await confirmNoEscalation(d, user, namespace, arr(role.rules).map(toRule))
  if (why) throw new Forbidden(gr, name, why)
}
