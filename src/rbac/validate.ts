/**
 * Create-time validation of RBAC objects (pkg/apis/rbac/validation plus v1 defaulting), reported as
 * `path: problem` lines so a scenario or manifest error names the field that holds it, e.g.
 * `kubernetes.objects[3].rules[0].verbs: required`.
 */
import { compileLabelSelector } from './label-selector.js'
import { RBAC_API_VERSION, RBAC_GROUP, RBAC_KINDS, type RbacKind } from './types.js'

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const q = (v: unknown) => JSON.stringify(v)
const unsupported = (value: unknown, supported: string[]) =>
  `unsupported value ${q(value)}: supported values: ${supported.map(q).join(', ')}`
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** path.IsValidPathSegmentName, the only rule RBAC object names follow. */
function nameProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`]
  return [
    ...(name.includes('/') ? ["may not contain '/'"] : []),
    ...(name.includes('%') ? ["may not contain '%'"] : []),
  ]
}

/** undefined = absent or null; false = not a list of strings. */
function strings(v: unknown): string[] | undefined | false {
  if (v === undefined || v === null) return undefined
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : false
}

function validateRule(rule: unknown, namespaced: boolean, p: string): string[] {
  if (!isRecord(rule)) return [`${p}: must be an object`]
  const out: string[] = []
  const lists: Record<string, string[]> = {}
  for (const f of ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) {
    const v = strings(rule[f])
    if (v === false) out.push(`${p}.${f}: must be a list of strings`)
    lists[f] = v || []
  }
  if (lists.verbs!.length === 0) out.push(`${p}.verbs: required`)
  if (lists.nonResourceURLs!.length > 0) {
    if (namespaced)
      out.push(`${p}.nonResourceURLs: invalid: namespaced rules cannot apply to non-resource URLs`)
    if (lists.apiGroups!.length > 0 || lists.resources!.length > 0 || lists.resourceNames!.length > 0)
      out.push(
        `${p}.nonResourceURLs: invalid: rules cannot apply to both regular resources and non-resource URLs`,
      )
    return out
  }
  if (lists.apiGroups!.length === 0)
    out.push(`${p}.apiGroups: required (resource rules must supply at least one api group)`)
  if (lists.resources!.length === 0)
    out.push(`${p}.resources: required (resource rules must supply at least one resource)`)
  return out
}

function validateRole(o: Record<string, unknown>, kind: 'Role' | 'ClusterRole', p: string): string[] {
  const out: string[] = []
  if (o.rules !== undefined && o.rules !== null && !Array.isArray(o.rules))
    out.push(`${p}.rules: must be a list`)
  if (Array.isArray(o.rules))
    o.rules.forEach((r, i) => out.push(...validateRule(r, kind === 'Role', `${p}.rules[${i}]`)))
  if (kind === 'ClusterRole' && o.aggregationRule !== undefined && o.aggregationRule !== null) {
    const ap = `${p}.aggregationRule`
    const selectors = isRecord(o.aggregationRule) ? o.aggregationRule.clusterRoleSelectors : undefined
    if (!Array.isArray(selectors) || selectors.length === 0)
      out.push(
        `${ap}.clusterRoleSelectors: required (at least one clusterRoleSelector required if aggregationRule is non-nil)`,
      )
    else
      selectors.forEach((s, i) => {
        const compiled = compileLabelSelector(s)
        if (!compiled.ok) out.push(`${ap}.clusterRoleSelectors[${i}]: ${compiled.error}`)
      })
  }
  return out
}

function validateSubject(s: unknown, namespaced: boolean, p: string): string[] {
  if (!isRecord(s)) return [`${p}: must be an object`]
  const out: string[] = []
  const name = typeof s.name === 'string' ? s.name : ''
  if (name === '') out.push(`${p}.name: required`)
  // v1 defaulting fills an empty apiGroup of User and Group subjects.
  const apiGroup = typeof s.apiGroup === 'string' ? s.apiGroup : ''
  switch (s.kind) {
    case 'ServiceAccount':
      if (name !== '' && (name.length > 253 || !DNS_SUBDOMAIN.test(name)))
        out.push(
          `${p}.name: invalid: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
        )
      if (apiGroup !== '') out.push(`${p}.apiGroup: ${unsupported(apiGroup, [''])}`)
      if (!namespaced && !(typeof s.namespace === 'string' && s.namespace !== ''))
        out.push(
          `${p}.namespace: required (a ServiceAccount subject of a ClusterRoleBinding needs its namespace)`,
        )
      break
    case 'User':
    case 'Group':
      if (apiGroup !== '' && apiGroup !== RBAC_GROUP)
        out.push(`${p}.apiGroup: ${unsupported(apiGroup, [RBAC_GROUP])}`)
      break
    default:
      out.push(`${p}.kind: ${unsupported(s.kind, ['ServiceAccount', 'User', 'Group'])}`)
  }
  return out
}

function validateBinding(
  o: Record<string, unknown>,
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  p: string,
): string[] {
  const out: string[] = []
  if (!isRecord(o.roleRef)) out.push(`${p}.roleRef: required`)
  else {
    const { apiGroup, kind: refKind, name } = o.roleRef
    if (apiGroup !== undefined && apiGroup !== '' && apiGroup !== RBAC_GROUP)
      out.push(`${p}.roleRef.apiGroup: ${unsupported(apiGroup, [RBAC_GROUP])}`)
    const kinds = kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole']
    if (typeof refKind !== 'string' || !kinds.includes(refKind))
      out.push(`${p}.roleRef.kind: ${unsupported(refKind, kinds)}`)
    if (typeof name !== 'string' || name === '') out.push(`${p}.roleRef.name: required`)
    else for (const m of nameProblems(name)) out.push(`${p}.roleRef.name: invalid: ${m}`)
  }
  if (o.subjects !== undefined && o.subjects !== null && !Array.isArray(o.subjects))
    out.push(`${p}.subjects: must be a list`)
  if (Array.isArray(o.subjects))
    o.subjects.forEach((s, i) =>
      out.push(...validateSubject(s, kind === 'RoleBinding', `${p}.subjects[${i}]`)),
    )
  return out
}

/** True for objects of the rbac.authorization.k8s.io group or with an RBAC kind. */
export function isRbacObject(o: unknown): boolean {
  if (!isRecord(o)) return false
  return (
    RBAC_KINDS.includes(o.kind as RbacKind) ||
    (typeof o.apiVersion === 'string' && o.apiVersion.startsWith(`${RBAC_GROUP}/`))
  )
}

/** Problems of one RBAC object (empty when valid); `p` prefixes every path. */
export function validateRbacObject(o: unknown, p: string): string[] {
  if (!isRecord(o)) return [`${p}: must be an object`]
  const out: string[] = []
  if (o.apiVersion !== RBAC_API_VERSION)
    out.push(
      `${p}.apiVersion: ${unsupported(o.apiVersion, [RBAC_API_VERSION])} (Kubernetes 1.32 serves RBAC only at v1)`,
    )
  const kind = o.kind as RbacKind
  if (!RBAC_KINDS.includes(kind)) return [...out, `${p}.kind: ${unsupported(o.kind, [...RBAC_KINDS])}`]
  const meta = isRecord(o.metadata) ? o.metadata : {}
  if (typeof meta.name !== 'string' || meta.name === '') out.push(`${p}.metadata.name: required`)
  else for (const m of nameProblems(meta.name)) out.push(`${p}.metadata.name: invalid: ${m}`)
  const namespaced = kind === 'Role' || kind === 'RoleBinding'
  if (namespaced && (typeof meta.namespace !== 'string' || meta.namespace === ''))
    out.push(`${p}.metadata.namespace: required (${kind} is namespaced)`)
  if (kind === 'Role' || kind === 'ClusterRole') out.push(...validateRole(o, kind, p))
  else out.push(...validateBinding(o, kind, p))
  return out
}

/**
 * Validates the RBAC objects among a scenario's `kubernetes.objects` (other kinds are left alone),
 * including repeated kind/namespace/name.
 *
 * @example
 * validateKubernetesRbacObjects(scenario.kubernetes?.objects ?? [])
 * // → ['kubernetes.objects[3].rules[0].verbs: required']
 */
export function validateKubernetesRbacObjects(
  objects: readonly unknown[],
  prefix = 'kubernetes.objects',
): string[] {
  const out: string[] = []
  const seen = new Map<string, number>()
  objects.forEach((o, i) => {
    if (!isRbacObject(o)) return
    const p = `${prefix}[${i}]`
    out.push(...validateRbacObject(o, p))
    const r = o as { kind: string; metadata?: { name?: unknown; namespace?: unknown } }
    const key = JSON.stringify([r.kind, r.metadata?.namespace ?? '', r.metadata?.name])
    const first = seen.get(key)
    if (first !== undefined)
      out.push(`${p}: duplicate ${r.kind} ${q(r.metadata?.name)} (first at ${prefix}[${first}])`)
    else seen.set(key, i)
  })
  return out
}
