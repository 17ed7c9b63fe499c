/**
 * The table `kubectl auth can-i --list` prints from a SelfSubjectRulesReview (kubectl cani.go
 * printStatus): rules broken down to one resource/name/URL each, simple resource rules merged by
 * verbs (CompactRules), sorted by the Go String() form of PolicyRule, and aligned by a tabwriter
 * (minwidth 10, padding 3).
 */
import { goList } from '../kube/index.js'
import type { PolicyRule, SubjectRulesReviewStatus } from './types.js'

const uniqueSorted = (items: readonly string[]) => [...new Set(items)].sort()

/** rbacutil.BreakdownRule (through PolicyRuleBuilder, which de-duplicates verbs and sorts every list). */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const verbs = uniqueSorted(rule.verbs)
  const out: PolicyRule[] = []
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? []) {
      if ((rule.resourceNames ?? []).length > 0)
        for (const name of rule.resourceNames!)
          out.push({ verbs, apiGroups: [group], resources: [resource], resourceNames: [name] })
      else out.push({ verbs, apiGroups: [group], resources: [resource] })
    }
  for (const url of rule.nonResourceURLs ?? []) out.push({ verbs, nonResourceURLs: [url] })
  return out
}

/** CompactRules: simple rules (one group, one resource, at most one name) merged, verbs appended. */
function compact(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = []
  const simple = new Map<string, PolicyRule>()
  for (const r of rules) {
    const isSimple =
      (r.nonResourceURLs ?? []).length === 0 && r.apiGroups?.length === 1 && r.resources?.length === 1
    if (!isSimple) {
      out.push(r)
      continue
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.[0] ?? null])
    const existing = simple.get(key)
    if (existing) existing.verbs = [...existing.verbs, ...r.verbs.filter((v) => !existing.verbs.includes(v))]
    else simple.set(key, { ...r, verbs: [...r.verbs] })
  }
  return [...out, ...simple.values()]
}

/** The generated `(*PolicyRule).String()`, which kubectl sorts by. */
const goString = (r: PolicyRule) =>
  `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},` +
  `ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`

/** describe.CombineResourceGroup: `resource.group/subresource`, core group without suffix. */
function combineResourceGroup(resources: readonly string[] = [], groups: readonly string[] = []): string {
  if (resources.length === 0) return ''
  const [base, sub] = resources[0]!.split(/\/(.*)/s) as [string, string | undefined]
  let out = base
  if (groups.length > 0 && groups[0] !== '') out += `.${groups[0]}`
  if (sub !== undefined) out += `/${sub}`
  return out
}

/** Go text/tabwriter with minwidth 10, padding 3; the last cell of a line is not padded. */
function tabulate(rows: string[][]): string {
  const widths: number[] = []
  for (const row of rows)
    row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length + 3, 10)))
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i < row.length - 1 ? cell.padEnd(widths[i]! + cell.length - [...cell].length) : cell,
        )
        .join(''),
    )
    .map((line) => line + '\n')
    .join('')
}

/** The text `kubectl auth can-i --list` prints for a rules review. */
export function formatRulesTable(
  status: SubjectRulesReviewStatus,
  options: { headers?: boolean } = {},
): string {
  const rules: PolicyRule[] = [
    ...status.resourceRules.map((r) => ({ ...r, verbs: r.verbs })),
    ...status.nonResourceRules.map((r) => ({
      verbs: r.verbs,
      ...(r.nonResourceURLs && { nonResourceURLs: r.nonResourceURLs }),
    })),
  ]
  const rows = compact(rules.flatMap(breakdown))
    .map((r) => ({ r, key: goString(r) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ r }) => [
      combineResourceGroup(r.resources, r.apiGroups),
      goList(r.nonResourceURLs),
      goList(r.resourceNames),
      goList(r.verbs),
    ])
  const header = ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']
  return tabulate(options.headers === false ? rows : [header, ...rows])
}
