/**
 * Label and field selectors with the syntax of k8s.io/apimachinery/pkg/labels and pkg/fields:
 * `a=b,c!=d,e in (f,g),!h` for labels, `metadata.name=x,status.phase!=Running` for fields.
 * Parse errors are thrown as `SelectorError` and answered with 400 by the list handler.
 */

export class SelectorError extends Error {}

export type LabelOp = 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt'

export interface LabelRequirement {
  key: string
  op: LabelOp
  values: string[]
}

export interface FieldRequirement {
  key: string
  op: '=' | '!='
  value: string
}

const KEY_CHARS = /[A-Za-z0-9._/-]/

/** Parses a label selector; an empty string selects everything. */
export function parseLabelSelector(input: string): LabelRequirement[] {
  const out: LabelRequirement[] = []
  let i = 0
  const s = input
  const skip = () => {
    while (i < s.length && s[i] === ' ') i++
  }
  const ident = (what: string): string => {
    skip()
    const start = i
    while (i < s.length && KEY_CHARS.test(s[i]!)) i++
    if (i === start)
      throw new SelectorError(`unable to parse requirement: found '${s[i] ?? ''}', expected: ${what}`)
    return s.slice(start, i)
  }
  while (true) {
    skip()
    if (i >= s.length) break
    let negated = false
    if (s[i] === '!') {
      negated = true
      i++
    }
    const key = ident('identifier')
    validateLabelKey(key)
    skip()
    if (negated) {
      out.push({ key, op: '!', values: [] })
    } else if (i >= s.length || s[i] === ',') {
      out.push({ key, op: 'exists', values: [] })
    } else if (s.startsWith('==', i) || s.startsWith('!=', i)) {
      const op = s.slice(i, i + 2) as '==' | '!='
      i += 2
      out.push({ key, op, values: [value()] })
    } else if (s[i] === '=') {
      i++
      out.push({ key, op: '=', values: [value()] })
    } else if (s[i] === '>' || s[i] === '<') {
      const op = s[i] === '>' ? 'gt' : 'lt'
      i++
      const v = value()
      if (!/^-?\d+$/.test(v))
        throw new SelectorError(`unable to parse requirement: invalid integer value: ${v}`)
      out.push({ key, op, values: [v] })
    } else {
      const word = ident('operator')
      if (word !== 'in' && word !== 'notin')
        throw new SelectorError(
          `unable to parse requirement: found '${word}', expected: in, notin, =, ==, !=, gt, lt`,
        )
      skip()
      if (s[i] !== '(')
        throw new SelectorError(`unable to parse requirement: found '${s[i] ?? ''}', expected: '('`)
      i++
      const values: string[] = []
      while (true) {
        skip()
        if (s[i] === ')') {
          i++
          break
        }
        values.push(value())
        skip()
        if (s[i] === ',') i++
        else if (s[i] !== ')')
          throw new SelectorError(`unable to parse requirement: found '${s[i] ?? ''}', expected: ',', ')'`)
      }
      if (values.length === 0)
        throw new SelectorError(
          `unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`,
        )
      out.push({ key, op: word, values })
    }
    skip()
    if (i < s.length) {
      if (s[i] !== ',')
        throw new SelectorError(`unable to parse requirement: found '${s[i]!}', expected: ','`)
      i++
    }
  }
  return out

  function value(): string {
    skip()
    const start = i
    while (i < s.length && /[A-Za-z0-9._-]/.test(s[i]!)) i++
    const v = s.slice(start, i)
    if (v.length > 63)
      throw new SelectorError(
        `unable to parse requirement: values[0]: Invalid value: "${v}": must be no more than 63 characters`,
      )
    return v
  }
}

function validateLabelKey(key: string): void {
  const [prefix, name] = key.includes('/') ? key.split('/', 2) : [undefined, key]
  const ok = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/.test(name ?? '') && (name ?? '').length <= 63
  const okPrefix =
    prefix === undefined ||
    (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix) && prefix.length <= 253)
  if (!ok || !okPrefix || key.split('/').length > 2)
    throw new SelectorError(
      `unable to parse requirement: key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    )
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {}
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key)
    const v = l[r.key]
    switch (r.op) {
      case 'exists':
        return has
      case '!':
        return !has
      case '=':
      case '==':
      case 'in':
        return has && r.values.includes(v!)
      case '!=':
      case 'notin':
        return !has || !r.values.includes(v!)
      case 'gt':
        return has && /^-?\d+$/.test(v!) && Number(v) > Number(r.values[0])
      case 'lt':
        return has && /^-?\d+$/.test(v!) && Number(v) < Number(r.values[0])
    }
  })
}

/** Parses a field selector (`k=v`, `k==v`, `k!=v`, comma-separated, `\` escapes `,` `=` `\`). */
export function parseFieldSelector(input: string): FieldRequirement[] {
  const out: FieldRequirement[] = []
  if (input.trim() === '') return out
  for (const term of splitUnescaped(input, ',')) {
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term)
    if (!m) throw new SelectorError(`invalid selector: '${input}'; can't understand '${term}'`)
    const key = m[1]!.trim()
    if (!key) throw new SelectorError(`invalid selector: '${input}'; can't understand '${term}'`)
    out.push({ key, op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]!) })
  }
  return out
}

function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = []
  let cur = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!
      i++
    } else if (c === sep) {
      parts.push(cur)
      cur = ''
    } else cur += c
  }
  parts.push(cur)
  return parts
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1')
}

export function matchesFields(reqs: FieldRequirement[], fields: (key: string) => string): boolean {
  return reqs.every((r) => (r.op === '=' ? fields(r.key) === r.value : fields(r.key) !== r.value))
}

/** The selectors in the authorization attribute shape (SelectorRequirement). */
export function labelRequirementsForAuthz(
  reqs: LabelRequirement[],
): { key: string; operator: string; values?: string[] }[] {
  return reqs.map((r) => {
    switch (r.op) {
      case '=':
      case '==':
      case 'in':
        return { key: r.key, operator: 'In', values: r.values }
      case '!=':
      case 'notin':
        return { key: r.key, operator: 'NotIn', values: r.values }
      case 'exists':
        return { key: r.key, operator: 'Exists' }
      case '!':
        return { key: r.key, operator: 'DoesNotExist' }
      default:
        return { key: r.key, operator: r.op === 'gt' ? 'Gt' : 'Lt', values: r.values }
    }
  })
}
