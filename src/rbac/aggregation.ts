/**
 * The ClusterRole aggregation controller (pkg/controller/clusterroleaggregation): a ClusterRole with an
 * `aggregationRule` gets, selector by selector, the rules of every other ClusterRole its selector matches
 * (sorted by name), each rule once (semantic equality), replacing whatever rules it had. The controller
 * re-runs on every change until nothing moves, so chains (view → edit → admin) settle; this computes that
 * fixed point directly.
 */
import { compileLabelSelector, type LabelMatcher } from './label-selector.js'
import { normalizeRole, type NormalizedRole } from './normalize.js'
import type { PolicyRule } from './types.js'

export interface AggregationOutcome {
  /** Effective rules of every ClusterRole with an aggregationRule, by name. */
  rules: Map<string, PolicyRule[]>
  /** Invalid selectors (the controller errors and leaves such a role unchanged; here it selects nothing). */
  problems: string[]
}

/** Semantic equality key: absent, null and [] are the same; order inside a list matters. */
export const ruleKey = (r: PolicyRule): string =>
  JSON.stringify([
    r.verbs,
    r.apiGroups ?? [],
    r.resources ?? [],
    r.resourceNames ?? [],
    r.nonResourceURLs ?? [],
  ])

const sameRules = (a: readonly PolicyRule[], b: readonly PolicyRule[]) =>
  a.length === b.length && a.every((r, i) => ruleKey(r) === ruleKey(b[i]!))

/** Aggregates normalized ClusterRoles; roles without an aggregationRule are inputs only. */
export function aggregate(clusterRoles: readonly NormalizedRole[]): AggregationOutcome {
  const byName = [...clusterRoles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const current = new Map(byName.map((r) => [r.name, r.rules]))
  const problems: string[] = []
  const aggregated = byName
    .filter((r) => r.aggregationSelectors !== undefined)
    .map((role) => {
      const selectors: LabelMatcher[] = []
      role.aggregationSelectors!.forEach((raw, i) => {
        const compiled = compileLabelSelector(raw)
        if (compiled.ok) selectors.push(compiled.matches)
        else {
          problems.push(
            `ClusterRole ${role.name}: aggregationRule.clusterRoleSelectors[${i}]: ${compiled.error}`,
          )
          selectors.push(() => false)
        }
      })
      // Which roles each selector picks depends only on labels, which aggregation never changes.
      const sources = selectors.map((matches) =>
        byName.filter((r) => r.name !== role.name && matches(r.labels)),
      )
      return { name: role.name, sources }
    })

  // Each pass settles at least one more link of any chain, so |aggregated| + 1 passes reach the fixed
  // point of an acyclic graph; a cycle (A selects B selects A) stops after that many passes.
  for (let pass = 0; pass <= aggregated.length; pass++) {
    let changed = false
    for (const { name, sources } of aggregated) {
      const next: PolicyRule[] = []
      const seen = new Set<string>()
      for (const roles of sources)
        for (const source of roles)
          for (const rule of current.get(source.name) ?? []) {
            const key = ruleKey(rule)
            if (!seen.has(key)) {
              seen.add(key)
              next.push(rule)
            }
          }
      if (!sameRules(next, current.get(name) ?? [])) {
        current.set(name, next)
        changed = true
      }
    }
    if (!changed) break
  }
  return { rules: new Map(aggregated.map(({ name }) => [name, current.get(name) ?? []])), problems }
}

/**
 * For an object store: the rules each aggregated ClusterRole should hold, computed from raw ClusterRole
 * objects. Write them back (when different) after every ClusterRole change, as the controller does.
 *
 * @example
 * for (const [name, rules] of aggregateClusterRoleObjects(store.list('ClusterRole')).rules) store.setRules(name, rules)
 */
export function aggregateClusterRoleObjects(clusterRoles: readonly unknown[]): AggregationOutcome {
  return aggregate(
    clusterRoles.map((r) => normalizeRole(r, 'ClusterRole')).filter((r): r is NormalizedRole => !!r),
  )
}
