/**
 * Builds the per-snapshot, per-scope compiled state for decisions (see decide.ts; its shape is in
 * decision-cache.ts): the scope's bindings with their roles' rule tables, subject keys and grants, and
 * the bindings whose roles do not resolve; chains.ts builds the chains from them.
 *
 * Everything here is derived from one immutable snapshot and lives in that snapshot's cache; a write
 * to the RBAC objects produces a new snapshot with an empty cache, so nothing can outlive a change.
 */
import type { DecisionCache, Grant, ScopeBinding, ScopeTables, SubjectKeys } from './decision-cache.js'
import type { IndexedBinding } from './normalize.js'
import { resolveRoleRef } from './role-ref.js'
import { compileRules, PREFIX_BIT, SCAN_BIT, type RuleTable } from './rule-table.js'
import type { RbacSnapshot } from './snapshot.js'
import { serviceAccountUsername, subjectServiceAccountNamespace } from './subjects.js'
import type { PolicyRule, Subject } from './types.js'

/** The user name (a ServiceAccount's included) or group a subject matches, undefined for no one. */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  if (s.kind === 'User' || s.kind === 'Group') return s.name
  if (s.kind !== 'ServiceAccount') return undefined
  const ns = subjectServiceAccountNamespace(s, bindingNamespace)
  return ns === '' ? undefined : serviceAccountUsername(ns, s.name)
}

function subjectKeys(binding: IndexedBinding): SubjectKeys {
  const users: string[] = []
  const groups: string[] = []
  for (const s of binding.subjects) {
    const key = subjectKey(s, binding.namespace)
    if (key === undefined) continue
    const list = s.kind === 'Group' ? groups : users
    if (!list.includes(key)) list.push(key)
  }
  return { users, groups }
}

function ruleTable(cache: DecisionCache, rules: readonly PolicyRule[]): RuleTable {
  let table = cache.ruleTables.get(rules)
  if (!table) {
    table = compileRules(rules)
    cache.ruleTables.set(rules, table)
  }
  return table
}

function buildScope(snapshot: RbacSnapshot, bindings: readonly IndexedBinding[]): ScopeTables {
  const cache = snapshot.cache
  const scope: ScopeTables = {
    mask: 0,
    bindings: [],
    prefixBindings: [],
    scanBindings: [],
    failing: [],
    chains: [],
  }
  for (const binding of bindings) {
    const keys = subjectKeys(binding)
    if (keys.users.length === 0 && keys.groups.length === 0) continue // applies to no one
    const resolved = resolveRoleRef(snapshot, binding)
    if ('error' in resolved) {
      scope.failing.push({ ...keys, binding, message: resolved.error })
      continue
    }
    const table = ruleTable(cache, resolved.rules)
    if (table.mask === 0) continue // no usable rule
    const grant: Grant = {
      binding,
      rules: resolved.rules,
      kind: binding.kind,
      name: binding.name,
      namespace: binding.namespace,
      roleKind: binding.roleRef.kind,
      roleName: binding.roleRef.name,
      subjectCount: binding.subjects.length,
      firstSubject: binding.subjects[0]!, // a binding with subject keys has subjects
      subjectKeys: binding.subjects.map((s) => subjectKey(s, binding.namespace)),
      subjectIsGroup: binding.subjects.map((s) => s.kind === 'Group'),
      reasons: [],
    }
    const entry: ScopeBinding = { ...keys, binding, table, grant }
    scope.bindings.push(entry)
    scope.mask |= table.mask & 0xffff
    if (table.mask & PREFIX_BIT) scope.prefixBindings.push(entry)
    if (table.mask & SCAN_BIT) scope.scanBindings.push(entry)
  }
  return scope
}

/** The compiled scope of the ClusterRoleBindings ("") or of one namespace's RoleBindings. */
export function scopeTables(snapshot: RbacSnapshot, namespace: string): ScopeTables | undefined {
  const cache = snapshot.cache
  let scope = cache.scopes.get(namespace)
  if (!scope) {
    const bindings = namespace === '' ? snapshot.clusterRoleBindings : snapshot.roleBindings.get(namespace)
    if (!bindings) return undefined
    scope = buildScope(snapshot, bindings)
    cache.scopes.set(namespace, scope)
  }
  return scope
}
