/**
 * Words every problem ajv's validators (validators.generated.js: the schemas of schema.ts compiled ahead of
 * time, see scripts/config-validators.ts) report the same way, from the schema itself:
 * `webhook.cacheTtlSeconds: must be an integer ≥ 0 (got -1)`. resolveConfig and the config file loader both
 * report through here, so a value one accepts the other accepts too.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'

type Node = {
  type?: string
  minimum?: number
  exclusiveMinimum?: number
  maximum?: number
  examples?: readonly string[]
  enum?: readonly string[]
  items?: Node
  properties?: Record<string, unknown>
}

/** What a value at this schema node must be, in words. */
function expectation(s: Node): string {
  switch (s.type) {
    case 'integer': {
      if (s.minimum !== undefined && s.maximum !== undefined)
        return `an integer between ${s.minimum} and ${s.maximum}`
      if (s.exclusiveMinimum !== undefined) return `an integer > ${s.exclusiveMinimum}`
      return s.minimum !== undefined ? `an integer ≥ ${s.minimum}` : 'an integer'
    }
    case 'boolean':
      return 'true or false'
    case 'string':
      return s.examples ? `a string like ${s.examples[0]}` : 'a non-empty string'
    case 'array':
      return s.items?.enum
        ? `a list of ${s.items.enum.join(', ')}`
        : `a list of ${s.items ? expectation(s.items).replace(/^an? /, '') + 's' : 'values'}`
    case 'object':
      return 'a mapping of options'
    default:
      return s.enum ? `one of ${s.enum.join(', ')}` : 'valid'
  }
}

const dotted = (pointer: string) =>
  pointer
    .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
    .replace(/\.\[/g, '[')

function shown(v: unknown): string {
  if (typeof v === 'number') return String(v)
  const s = JSON.stringify(v)
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s
}

/** The valid key a typo most likely meant: a case-insensitive prefix, or at most a third of it edited. */
function closest(key: string, valid: string[]): string | undefined {
  const k = key.toLowerCase()
  const distance = (a: string, b: string) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j)
    for (let i = 1; i <= a.length; i++) {
      const next = [i]
      for (let j = 1; j <= b.length; j++)
        next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      row = next
    }
    return row[b.length]!
  }
  const scored = valid
    .map((v) => ({
      v,
      d: v.toLowerCase().startsWith(k) || k.startsWith(v.toLowerCase()) ? 0 : distance(k, v.toLowerCase()),
    }))
    .sort((a, b) => a.d - b.d)
  const best = scored[0]
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.v : undefined
}

function describe(e: ErrorObject): { path: string; text: string } {
  const path = dotted(e.instancePath)
  if (e.keyword === 'additionalProperties') {
    const key = String(e.params.additionalProperty)
    const valid = Object.keys((e.parentSchema as Node).properties ?? {}).filter((k) => k !== '$schema')
    const guess = closest(key, valid)
    return {
      path: path ? `${path}.${key}` : key,
      text: `unknown option${guess ? ` (did you mean ${guess}?)` : ''}; valid here: ${valid.join(', ')}`,
    }
  }
  // Word the problem from the schema node that holds the value: its type and range, not ajv's keyword.
  return {
    path: path || '(root)',
    text: `must be ${expectation(e.parentSchema as Node)} (got ${shown(e.data)})`,
  }
}

/** Every problem with `value`, one line each (`path: problem`), in document order; [] when valid. */
export function schemaProblems(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return []
  const seen = new Set<string>()
  const out: string[] = []
  for (const e of validate.errors ?? []) {
    const { path, text } = describe(e)
    const line = `${path}: ${text}`
    // One line per path: a list item that fails reports itself, not also the list.
    if (seen.has(path)) continue
    seen.add(path)
    out.push(line)
  }
  return out
}
