/**
 * metav1.LabelSelectorAsSelector for the aggregation controller: `matchLabels` and `matchExpressions`
 * (In, NotIn, Exists, DoesNotExist) all ANDed; an empty selector matches every object.
 */

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean

export type CompiledSelector = { ok: true; matches: LabelMatcher } | { ok: false; error: string }

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function requirement(raw: unknown, i: number): LabelMatcher | string {
  if (!isRecord(raw) || typeof raw.key !== 'string' || raw.key === '')
    return `matchExpressions[${i}].key: required`
  const { key } = raw
  const values = raw.values === undefined || raw.values === null ? [] : raw.values
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string'))
    return `matchExpressions[${i}].values: must be a list of strings`
  const set = new Set(values)
  switch (raw.operator) {
    case 'In':
    case 'NotIn': {
      if (set.size === 0)
        return `matchExpressions[${i}].values: must be specified when \`operator\` is 'In' or 'NotIn'`
      const wanted = raw.operator === 'In'
      return (labels) => (Object.hasOwn(labels, key) && set.has(labels[key]!)) === wanted
    }
    case 'Exists':
    case 'DoesNotExist': {
      if (set.size > 0)
        return `matchExpressions[${i}].values: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`
      const wanted = raw.operator === 'Exists'
      return (labels) => Object.hasOwn(labels, key) === wanted
    }
    default:
      return `matchExpressions[${i}].operator: not a valid selector operator: ${JSON.stringify(raw.operator)}`
  }
}

/** Compiles one LabelSelector; an invalid one is reported (and, in aggregation, selects nothing). */
export function compileLabelSelector(raw: unknown): CompiledSelector {
  if (!isRecord(raw)) return { ok: false, error: 'must be an object' }
  const matchers: LabelMatcher[] = []
  if (raw.matchLabels !== undefined && raw.matchLabels !== null) {
    if (!isRecord(raw.matchLabels)) return { ok: false, error: 'matchLabels: must be a map of strings' }
    for (const [k, v] of Object.entries(raw.matchLabels)) {
      if (typeof v !== 'string') return { ok: false, error: `matchLabels.${k}: must be a string` }
      matchers.push((labels) => Object.hasOwn(labels, k) && labels[k] === v)
    }
  }
  if (raw.matchExpressions !== undefined && raw.matchExpressions !== null) {
    if (!Array.isArray(raw.matchExpressions)) return { ok: false, error: 'matchExpressions: must be a list' }
    for (const [i, expr] of raw.matchExpressions.entries()) {
      const m = requirement(expr, i)
      if (typeof m === 'string') return { ok: false, error: m }
      matchers.push(m)
    }
  }
  return { ok: true, matches: (labels) => matchers.every((m) => m(labels)) }
}
