/**
 * Rules compiled into lookup tables, so that "which rule of these allows the request?" costs a few map
 * lookups instead of a walk over every rule. A rule is expanded into one entry per (verb, apiGroup,
 * resource) token it lists — tokens kept literally, `*` included — and a request looks up the tokens
 * that could match it: its verb or `*`, its group or `*`, its resource (`res` or `res/sub`), `*` or
 * `*∕sub`. The entries of a key are kept in visiting order (binding ordinal, then rule index), so the
 * first entry whose resourceNames admit the request is the rule Kubernetes' rbac.go would stop at.
 *
 * Every key carries a class (which of its tokens are wildcards); a table records the classes it holds,
 * so a request only builds and looks up keys of classes the table has — usually just the exact one.
 * Rules that would expand into too many keys are not expanded but checked with `ruleAllows` (`scan`).
 */
import type { PolicyRule } from './types.js'

/** One rule reachable through a key: binding ordinal (0 within a role's own table) and rule index. */
export interface TableEntry {
  ordinal: number
  ruleIndex: number
  /** A non-empty resourceNames list; undefined when the rule allows any name. */
  names: readonly string[] | undefined
}

export interface PrefixEntry {
  ordinal: number
  ruleIndex: number
  verb: string
  /** A nonResourceURL ending in `*`, with every trailing `*` removed. */
  prefix: string
}

export interface ScanEntry {
  ordinal: number
  ruleIndex: number
  rule: PolicyRule
}

export interface RuleTable {
  /** Which key classes and which of prefixes/scan are present (see `resourceClassBit` etc.). */
  mask: number
  resource: Map<string, TableEntry[]>
  nonResource: Map<string, TableEntry[]>
  /** In visiting order. */
  prefixes: PrefixEntry[]
  /** Rules too wide to expand, in visiting order. */
  scan: ScanEntry[]
  /** Number of keys (for the merge budget). */
  size: number
}

const ALL = '*'
/** Beyond this many keys a rule is checked by a scan instead (a role of 50 verbs × 50 groups × 50 resources must not cost memory). */
export const MAX_RULE_KEYS = 512

export const PREFIX_BIT = 1 << 16
export const SCAN_BIT = 1 << 17

/** Classes 0–11: verb `*` (1) + group `*` (2) + resource `*` (4) or `*∕…` (8). */
export function resourceClassBit(verb: string, group: string, resource: string): number {
  const resourceClass = resource === ALL ? 4 : resource.startsWith('*/') ? 8 : 0
  return 1 << ((verb === ALL ? 1 : 0) + (group === ALL ? 2 : 0) + resourceClass)
}

/** Classes 12–15: verb `*` (1) + URL `*` (2). */
export const nonResourceClassBit = (verb: string, url: string): number =>
  1 << (12 + (verb === ALL ? 1 : 0) + (url === ALL ? 2 : 0))

/** Length-prefixed, so no token content (even a NUL) can make two different triples share a key. */
export const resourceKey = (verb: string, group: string, resource: string): string =>
  `${verb.length}:${verb}${group.length}:${group}${resource}`

export const nonResourceKey = (verb: string, url: string): string => `${verb.length}:${verb}${url}`

const emptyTable = (): RuleTable => ({
  mask: 0,
  resource: new Map(),
  nonResource: new Map(),
  prefixes: [],
  scan: [],
  size: 0,
})

/**
 * Appends in visiting order. Once a key has an entry without resourceNames no later entry can ever be
 * the first allowing one, so it is not stored; a token repeated within one rule is stored once.
 */
function add(table: RuleTable, map: Map<string, TableEntry[]>, key: string, entry: TableEntry): void {
  const list = map.get(key)
  if (!list) {
    map.set(key, [entry])
    table.size++
    return
  }
  const last = list[list.length - 1]!
  if (last.names === undefined) return
  if (last.ordinal === entry.ordinal && last.ruleIndex === entry.ruleIndex) return
  list.push(entry)
}

const nonEmpty = (list: readonly string[] | undefined): readonly string[] | undefined =>
  list && list.length > 0 ? list : undefined

function addRule(table: RuleTable, ordinal: number, ruleIndex: number, rule: PolicyRule): void {
  const verbs = rule.verbs
  const groups = rule.apiGroups ?? []
  const resources = rule.resources ?? []
  const urls = rule.nonResourceURLs ?? []
  if (
    verbs.length * groups.length * resources.length > MAX_RULE_KEYS ||
    verbs.length * urls.length > MAX_RULE_KEYS
  ) {
    table.scan.push({ ordinal, ruleIndex, rule })
    table.mask |= SCAN_BIT
    return
  }
  const names = nonEmpty(rule.resourceNames)
  for (const verb of verbs) {
    for (const group of groups)
      for (const resource of resources) {
        add(table, table.resource, resourceKey(verb, group, resource), { ordinal, ruleIndex, names })
        table.mask |= resourceClassBit(verb, group, resource)
      }
    for (const url of urls) {
      if (url !== ALL && url.endsWith(ALL)) {
        table.prefixes.push({ ordinal, ruleIndex, verb, prefix: url.replace(/\*+$/, '') })
        table.mask |= PREFIX_BIT
      } else {
        // resourceNames play no part in non-resource matching.
        add(table, table.nonResource, nonResourceKey(verb, url), { ordinal, ruleIndex, names: undefined })
        table.mask |= nonResourceClassBit(verb, url)
      }
    }
  }
}

/** The table of one role's rules (ordinals 0). */
export function compileRules(rules: readonly PolicyRule[]): RuleTable {
  const table = emptyTable()
  for (let i = 0; i < rules.length; i++) addRule(table, 0, i, rules[i]!)
  return table
}
