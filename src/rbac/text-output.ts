/** Text rendering of `rbac why` and `rbac who-can` for a terminal. */
import { goQuote } from '../kube/index.js'
import type { AccessRequest, AuthorizationRequest, PolicyRule } from './types.js'
import type { WhoCanResult } from './who-can.js'
import type { WhyResult } from './why.js'

const quoteList = (items: readonly string[] | undefined) => `[${(items ?? []).map(goQuote).join(', ')}]`

export function describeRequest(request: AccessRequest): string {
  const nra = request.nonResourceAttributes
  if (nra) return `${nra.verb} path ${goQuote(nra.path)}`
  const ra = request.resourceAttributes
  let what = ra.resource ?? ''
  if (ra.group) what += `.${ra.group}`
  if (ra.subresource) what += `/${ra.subresource}`
  const name = ra.name ? ` ${goQuote(ra.name)}` : ''
  const where = ra.namespace
    ? `in namespace ${goQuote(ra.namespace)}`
    : 'at the cluster scope (or all namespaces)'
  return `${ra.verb} ${what}${name} ${where}`
}

export function describeRule(rule: PolicyRule): string {
  const parts = [`verbs ${quoteList(rule.verbs)}`]
  if (rule.apiGroups) parts.push(`apiGroups ${quoteList(rule.apiGroups)}`)
  if (rule.resources) parts.push(`resources ${quoteList(rule.resources)}`)
  if (rule.resourceNames) parts.push(`resourceNames ${quoteList(rule.resourceNames)}`)
  if (rule.nonResourceURLs) parts.push(`nonResourceURLs ${quoteList(rule.nonResourceURLs)}`)
  return parts.join(' ')
}

export function printWhy(request: AuthorizationRequest, result: WhyResult): string {
  const { decision, candidates } = result
  const lines = [
    decision.decision === 'Allow'
      ? `yes - ${decision.reason}`
      : `no${decision.reason ? ` - ${decision.reason}` : ''}`,
  ]
  lines.push(
    `  asked: User ${goQuote(request.user.name)} with groups ${quoteList(request.user.groups)}: ${describeRequest(request)}`,
  )
  if (decision.matched) {
    const m = decision.matched
    lines.push(
      `  granted by rule ${m.ruleIndex} of ${m.role.kind} ${goQuote(m.role.name)}: ${describeRule(m.rule)}`,
    )
    return lines.join('\n') + '\n'
  }
  if (candidates.length === 0) {
    lines.push(`  no bindings to compare (${result.bindingsConsidered} in the cluster)`)
    return lines.join('\n') + '\n'
  }
  lines.push(`  closest bindings (of ${result.bindingsConsidered}), and what each lacks:`)
  candidates.forEach((c, i) => {
    const ns = c.binding.namespace ? `${c.binding.namespace}/` : ''
    lines.push(
      `  ${i + 1}. ${c.binding.kind} ${goQuote(ns + c.binding.name)} → ${c.role.kind} ${goQuote(c.role.name)}`,
    )
    for (const lack of c.lacks) lines.push(`     - ${lack.kind}: ${lack.message}`)
    if (c.rule && c.ruleIndex !== undefined)
      lines.push(`     closest rule ${c.ruleIndex}: ${describeRule(c.rule)}`)
  })
  return lines.join('\n') + '\n'
}

/** Go tabwriter-like columns (padding 3). */
function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)) + 3)
  return rows
    .map(
      (r) =>
        r
          .map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c))
          .join('')
          .trimEnd() + '\n',
    )
    .join('')
}

export function printWhoCan(request: AccessRequest, result: WhoCanResult): string {
  if (result.entries.length === 0)
    return `No subjects found with permissions to ${describeRequest(request)}\n`
  const rows = [['KIND', 'NAME', 'NAMESPACE', 'BINDING', 'ROLE']]
  for (const e of result.entries) {
    const binding = e.binding.namespace
      ? `${e.binding.kind}/${e.binding.namespace}/${e.binding.name}`
      : `${e.binding.kind}/${e.binding.name}`
    rows.push([
      e.subject.kind,
      e.subject.name,
      e.subject.namespace ?? '',
      binding,
      `${e.role.kind}/${e.role.name}`,
    ])
  }
  return columns(rows)
}
