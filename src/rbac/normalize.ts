/**
 * Defensive reading of RBAC objects from an object source that hands out `unknown`. A field of the
 * wrong type makes the smallest enclosing part unusable (a rule, a subject, an object) — never wider
 * access: dropping a malformed rule or subject can only take permissions away.
 */
import type { PolicyRule, RoleRef, Subject } from './types.js'

export interface NormalizedRole {
  kind: 'Role' | 'ClusterRole'
  name: string
  /** "" for ClusterRoles. */
  namespace: string
  labels: Readonly<Record<string, string>>
  rules: PolicyRule[]
  /** ClusterRoles only: the raw `clusterRoleSelectors` when an aggregationRule is present. */
  aggregationSelectors?: unknown[]
}

export interface NormalizedBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding'
  name: string
  /** "" for ClusterRoleBindings. */
  namespace: string
  roleRef: RoleRef
  subjects: Subject[]
}

/** A binding with its place in a snapshot's visiting order (snapshot.ts assigns it). */
export interface IndexedBinding extends NormalizedBinding {
  /** Visiting order: ClusterRoleBindings by name, then RoleBindings by namespace and name. */
  ordinal: number
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** undefined = absent/null; false = malformed. */
function stringList(v: unknown): string[] | undefined | false {
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return false
  return [...v]
}

const RULE_FIELDS = ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const

/** A PolicyRule with only string arrays, or undefined when any field is malformed. */
export function normalizeRule(raw: unknown): PolicyRule | undefined {
  if (!isRecord(raw)) return undefined
  const verbs = stringList(raw.verbs)
  if (verbs === false) return undefined
  const rule: PolicyRule = { verbs: verbs ?? [] }
  for (const field of RULE_FIELDS) {
    const list = stringList(raw[field])
    if (list === false) return undefined
    if (list !== undefined) rule[field] = list
  }
  return rule
}

function meta(raw: Record<string, unknown>): {
  name: string
  namespace: string
  labels: Record<string, string>
} {
  const m = isRecord(raw.metadata) ? raw.metadata : {}
  const labels: Record<string, string> = {}
  if (isRecord(m.labels))
    for (const [k, v] of Object.entries(m.labels)) if (typeof v === 'string') labels[k] = v
  return {
    name: typeof m.name === 'string' ? m.name : '',
    namespace: typeof m.namespace === 'string' ? m.namespace : '',
    labels,
  }
}

export function normalizeRole(raw: unknown, kind: 'Role' | 'ClusterRole'): NormalizedRole | undefined {
  if (!isRecord(raw)) return undefined
  const { name, namespace, labels } = meta(raw)
  if (name === '' || (kind === 'Role' && namespace === '')) return undefined
  const rules = Array.isArray(raw.rules)
    ? raw.rules.map(normalizeRule).filter((r): r is PolicyRule => r !== undefined)
    : []
  const role: NormalizedRole = { kind, name, namespace: kind === 'Role' ? namespace : '', labels, rules }
  if (kind === 'ClusterRole' && isRecord(raw.aggregationRule)) {
    const selectors = raw.aggregationRule.clusterRoleSelectors
    role.aggregationSelectors = Array.isArray(selectors) ? [...(selectors as unknown[])] : []
  }
  return role
}

function normalizeSubject(raw: unknown): Subject | undefined {
  if (!isRecord(raw) || typeof raw.kind !== 'string' || typeof raw.name !== 'string') return undefined
  const subject: Subject = { kind: raw.kind, name: raw.name }
  if (typeof raw.namespace === 'string' && raw.namespace !== '') subject.namespace = raw.namespace
  if (typeof raw.apiGroup === 'string') subject.apiGroup = raw.apiGroup
  return subject
}

export function normalizeBinding(
  raw: unknown,
  kind: 'RoleBinding' | 'ClusterRoleBinding',
): NormalizedBinding | undefined {
  if (!isRecord(raw)) return undefined
  const { name, namespace } = meta(raw)
  if (name === '' || (kind === 'RoleBinding' && namespace === '')) return undefined
  const ref = isRecord(raw.roleRef) ? raw.roleRef : {}
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  return {
    kind,
    name,
    namespace: kind === 'RoleBinding' ? namespace : '',
    // A missing roleRef reads as kind "", which resolves to `unsupported role reference kind: ""`.
    roleRef: { apiGroup: str(ref.apiGroup), kind: str(ref.kind), name: str(ref.name) },
    subjects: Array.isArray(raw.subjects)
      ? raw.subjects.map(normalizeSubject).filter((s): s is Subject => s !== undefined)
      : [],
  }
}
