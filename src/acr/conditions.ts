/**
 * Azure role-assignment conditions (version 2.0) as ACR's ABAC mode evaluates them: `ActionMatches{'…'}`,
 * `@Request[Microsoft.ContainerRegistry/registries/repositories:name]` compared with the String
 * operators, combined with `AND`, `OR`, `!`/`NOT` and parentheses. An attribute ACR does not supply
 * (e.g. `@Resource[…]`, which users write by mistake — Microsoft Learn: container-registry-rbac-abac-repository-permissions) has no value, so every
 * comparison on it is false. A condition that does not parse grants nothing (fail closed).
 */

export const REPOSITORY_NAME_ATTRIBUTE = 'Microsoft.ContainerRegistry/registries/repositories:name'

export interface ConditionContext {
  /** The dataAction being checked. */
  action: string
  /** The repository the request names. */
  repository: string
}

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'action'; patterns: string[] }
  | { kind: 'compare'; source: string; attribute: string; operator: string; values: string[] }

export class ConditionSyntaxError extends Error {}

const OPERATORS = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringStartsWith',
  'StringStartsWithIgnoreCase',
  'StringNotStartsWith',
  'StringNotStartsWithIgnoreCase',
  'StringLike',
  'StringNotLike',
])

type Token =
  | { t: 'punct'; v: string }
  | { t: 'word'; v: string }
  | { t: 'string'; v: string }
  | { t: 'attr'; source: string; attribute: string }

function tokenize(text: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if ('(){},!'.includes(c)) {
      out.push({ t: 'punct', v: c })
      i++
      continue
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) throw new ConditionSyntaxError('unterminated string')
      out.push({ t: 'string', v: text.slice(i + 1, end) })
      i = end + 1
      continue
    }
    if (c === '@') {
      const m = /^@(\w+)\[([^\]]*)\]/.exec(text.slice(i))
      if (!m) throw new ConditionSyntaxError(`bad attribute at ${i}`)
      out.push({ t: 'attr', source: m[1]!, attribute: m[2]! })
      i += m[0].length
      continue
    }
    const m = /^[A-Za-z]+/.exec(text.slice(i))
    if (!m) throw new ConditionSyntaxError(`unexpected '${c}' at ${i}`)
    out.push({ t: 'word', v: m[0] })
    i += m[0].length
  }
  return out
}

/** Parses a condition; throws ConditionSyntaxError. */
export function parseCondition(text: string): Node {
  const tokens = tokenize(text)
  let pos = 0
  const peek = () => tokens[pos]
  const isPunct = (v: string) => {
    const t = peek()
    return t?.t === 'punct' && t.v === v
  }
  const isWord = (v: string) => {
    const t = peek()
    return t?.t === 'word' && t.v.toUpperCase() === v
  }
  const expect = (v: string) => {
    if (!isPunct(v)) throw new ConditionSyntaxError(`expected '${v}'`)
    pos++
  }
  const values = (): string[] => {
    const t = peek()
    if (t?.t === 'string') {
      pos++
      return [t.v]
    }
    expect('{')
    const list: string[] = []
    for (;;) {
      const s = peek()
      if (s?.t !== 'string') throw new ConditionSyntaxError('expected a string')
      list.push(s.v)
      pos++
      if (isPunct(',')) {
        pos++
        continue
      }
      expect('}')
      return list
    }
  }
  const primary = (): Node => {
    if (isPunct('!') || isWord('NOT')) {
      pos++
      return { kind: 'not', operand: primary() }
    }
    if (isPunct('(')) {
      pos++
      const e = or()
      expect(')')
      return e
    }
    const t = peek()
    if (t?.t === 'word' && t.v === 'ActionMatches') {
      pos++
      return { kind: 'action', patterns: values() }
    }
    if (t?.t === 'attr') {
      pos++
      const op = peek()
      if (op?.t !== 'word' || !OPERATORS.has(op.v)) throw new ConditionSyntaxError('expected an operator')
      pos++
      return { kind: 'compare', source: t.source, attribute: t.attribute, operator: op.v, values: values() }
    }
    throw new ConditionSyntaxError('expected an expression')
  }
  const and = (): Node => {
    let left = primary()
    while (isWord('AND')) {
      pos++
      left = { kind: 'and', left, right: primary() }
    }
    return left
  }
  const or = (): Node => {
    let left = and()
    while (isWord('OR')) {
      pos++
      left = { kind: 'or', left, right: and() }
    }
    return left
  }
  const tree = or()
  if (pos !== tokens.length) throw new ConditionSyntaxError('unexpected text after the expression')
  return tree
}

/** `*` matches any text; case-insensitive as action ids are. */
const wildcard = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  ).test(value)

function compare(operator: string, actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false
  const ic = operator.endsWith('IgnoreCase')
  const a = ic ? actual.toLowerCase() : actual
  const e = ic ? expected.toLowerCase() : expected
  const base = operator.replace('IgnoreCase', '')
  switch (base) {
    case 'StringEquals':
      return a === e
    case 'StringNotEquals':
      return a !== e
    case 'StringStartsWith':
      return a.startsWith(e)
    case 'StringNotStartsWith':
      return !a.startsWith(e)
    case 'StringLike':
      return wildcard(expected, actual)
    case 'StringNotLike':
      return !wildcard(expected, actual)
    default:
      return false
  }
}

function evaluate(node: Node, ctx: ConditionContext): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, ctx) && evaluate(node.right, ctx)
    case 'or':
      return evaluate(node.left, ctx) || evaluate(node.right, ctx)
    case 'not':
      return !evaluate(node.operand, ctx)
    case 'action':
      return node.patterns.some((p) => wildcard(p, ctx.action))
    case 'compare': {
      const known =
        node.source === 'Request' && node.attribute.toLowerCase() === REPOSITORY_NAME_ATTRIBUTE.toLowerCase()
      const actual = known ? ctx.repository : undefined
      // Negated operators over a missing attribute are false too: nothing to compare.
      return node.values.some((v) => compare(node.operator, actual, v))
    }
  }
}

/** Does the condition hold? A condition that does not parse never holds. */
export function conditionHolds(condition: string, ctx: ConditionContext): boolean {
  try {
    return evaluate(parseCondition(condition), ctx)
  } catch (err) {
    if (err instanceof ConditionSyntaxError) return false
    throw err
  }
}
