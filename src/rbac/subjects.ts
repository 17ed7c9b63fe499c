/**
 * Subject matching (appliesToUser) and the `fmt.Stringer` source descriptions of
 * pkg/registry/rbac/validation/rule.go, which end up verbatim in RBAC reasons.
 */
import { goQuote } from '../kube/index.js'
import type { NormalizedBinding } from './normalize.js'
import type { Subject, UserInfo } from './types.js'

export const SA_PREFIX = 'system:serviceaccount:'

export const serviceAccountUsername = (namespace: string, name: string): string =>
  `${SA_PREFIX}${namespace}:${name}`

/**
 * The namespace a ServiceAccount subject refers to: its own, else (RoleBindings only) the binding's.
 * "" means it never matches (a ClusterRoleBinding SA subject without a namespace).
 */
export const subjectServiceAccountNamespace = (subject: Subject, bindingNamespace: string): string =>
  subject.namespace || bindingNamespace

/** Exact, case-sensitive; RBAC never derives groups (system:serviceaccounts… must be in `groups`). */
export function appliesToUser(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name
    case 'Group':
      return (user.groups ?? []).includes(subject.name)
    case 'ServiceAccount': {
      const ns = subjectServiceAccountNamespace(subject, bindingNamespace)
      return ns !== '' && user.name === serviceAccountUsername(ns, subject.name)
    }
    default:
      return false
  }
}

/** Index of the first subject of the binding that applies, or -1. */
export function appliesTo(user: UserInfo, binding: NormalizedBinding): number {
  const subjects = binding.subjects
  for (let i = 0; i < subjects.length; i++) if (appliesToUser(user, subjects[i]!, binding.namespace)) return i
  return -1
}

/** `User "alice"`, `Group "g"`, `ServiceAccount "name/ns"` (ns = subject's, else the binding's, maybe ""). */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount')
    return `${subject.kind} ${goQuote(`${subject.name}/${subject.namespace || bindingNamespace}`)}`
  return `${subject.kind} ${goQuote(subject.name)}`
}

/** `ClusterRoleBinding "x" of ClusterRole "y" to …` / `RoleBinding "x/ns" of Role "y" to …`. */
export function describeSource(binding: NormalizedBinding, subject: Subject): string {
  const name = binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name
  return `${binding.kind} ${goQuote(name)} of ${binding.roleRef.kind} ${goQuote(binding.roleRef.name)} to ${describeSubject(subject, binding.namespace)}`
}
