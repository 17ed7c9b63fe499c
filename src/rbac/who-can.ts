/**
 * "Who can VERB RESOURCE in NAMESPACE?": every subject of every binding that Kubernetes' rbac.go
 * would visit for such a request (all ClusterRoleBindings, the RoleBindings of that namespace) whose
 * role allows it. ServiceAccount subjects come back with their effective namespace.
 */
import { resolveRoleRef, sanitizeRequest } from './evaluate.js'
import { goQuote } from '../kube/index.js'
import type { NormalizedBinding } from './normalize.js'
import { requestNamespace, ruleAllows } from './rule-match.js'
import type { RbacSnapshot } from './snapshot.js'
import { describeSource, subjectServiceAccountNamespace } from './subjects.js'
import type { AccessRequest, BindingRef, PolicyRule, RoleRefInfo, Subject } from './types.js'

export interface WhoCanEntry {
  subject: Subject
  binding: BindingRef
  role: RoleRefInfo
  rule: PolicyRule
  /** The reason RBAC would give this subject: `RBAC: allowed by …`. */
  reason: string
}

export interface WhoCanResult {
  entries: WhoCanEntry[]
  /** Bindings whose role could not be resolved (`<binding>: <error>`). */
  errors: string[]
}

const SUBJECT_KINDS = new Set(['User', 'Group', 'ServiceAccount'])

export function whoCan(snapshot: RbacSnapshot, rawRequest: AccessRequest): WhoCanResult {
  const request = sanitizeRequest(rawRequest)
  if (!request) return { entries: [], errors: [] }
  const ns = requestNamespace(request)
  const bindings: NormalizedBinding[] = [
    ...snapshot.clusterRoleBindings,
    ...(ns === '' ? [] : (snapshot.roleBindings.get(ns) ?? [])),
  ]
  const entries: WhoCanEntry[] = []
  const errors: string[] = []
  for (const binding of bindings) {
    const resolved = resolveRoleRef(snapshot, binding)
    if ('error' in resolved) {
      const label = binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name
      errors.push(`${binding.kind} ${goQuote(label)}: ${resolved.error}`)
      continue
    }
    const rule = resolved.rules.find((r) => ruleAllows(request, r))
    if (!rule) continue
    for (const s of binding.subjects) {
      if (!SUBJECT_KINDS.has(s.kind)) continue
      const subject: Subject = { kind: s.kind, name: s.name }
      if (s.kind === 'ServiceAccount') {
        const saNs = subjectServiceAccountNamespace(s, binding.namespace)
        if (saNs === '') continue // never matches anyone
        subject.namespace = saNs
      }
      entries.push({
        subject,
        binding: {
          kind: binding.kind,
          name: binding.name,
          ...(binding.kind === 'RoleBinding' && { namespace: binding.namespace }),
        },
        role: { kind: binding.roleRef.kind, name: binding.roleRef.name },
        rule,
        reason: `RBAC: allowed by ${describeSource(binding, s)}`,
      })
    }
  }
  const key = (e: WhoCanEntry) => `${e.subject.kind}\u0000${e.subject.namespace ?? ''}\u0000${e.subject.name}`
  entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  return { entries, errors }
}
