/**
 * The request side of rule tables: which key classes could hold a rule allowing the request, the key
 * of each class, and the first allowing rule of a table in visiting order. See rule-table.ts for how
 * rules are expanded into keys and classes.
 */
import { ruleAllows } from './rule-match.js'
import {
  nonResourceKey,
  PREFIX_BIT,
  resourceKey,
  SCAN_BIT,
  type RuleTable,
  type TableEntry,
} from './rule-table.js'
import type { ChainLink, KeyChains } from './decision-cache.js'
import type { AccessRequest } from './types.js'

const ALL = '*'

/**
 * A request prepared once per decision: its tokens, and the classes of keys a rule allowing it could
 * be stored under (so that only keys of classes a table or scope actually holds are looked up).
 */
export interface PreparedRequest {
  request: AccessRequest
  resource: boolean
  verb: string
  group: string
  /** `resource` or `resource/subresource` (resource requests). */
  combined: string
  /** Resource name (resource requests) or path (non-resource requests). */
  nameOrPath: string
  /** Bits of the key classes a matching rule could be stored under. */
  possible: number
  /**
   * The resource tokens of classes 8–11 (`*∕…`): the combined resource when it is itself `*∕…`, and
   * `*∕sub` for a request with a subresource (undefined when absent or the same as the first).
   */
  starSlash: string | undefined
  starSlashSub: string | undefined
}

/**
 * Which stored tokens can match, by class, following RuleAllows: a rule verb `*` or equal (a request
 * verb `*` can only meet `*`, which is stored under the wildcard class); likewise the group; a rule
 * resource `*` (class 4), a `*∕…` token (class 8) equal to `*∕sub` or to the combined resource, or
 * any other token (class 0) equal to the combined resource.
 */
export function prepareRequest(request: AccessRequest): PreparedRequest {
  const ra = request.resourceAttributes
  const nra = request.nonResourceAttributes
  const verb = (ra ? ra.verb : nra?.verb) ?? ''
  const verbClasses = verb === ALL ? 0b10 : 0b11 // bit 0: the verb itself; bit 1: `*`
  let possible = 0
  let group = ''
  let combined = ''
  let starSlash: string | undefined
  let starSlashSub: string | undefined
  if (ra) {
    group = ra.group ?? ''
    const sub = ra.subresource ?? ''
    combined = sub === '' ? (ra.resource ?? '') : `${ra.resource ?? ''}/${sub}`
    if (combined.startsWith('*/')) starSlash = combined
    if (sub !== '' && `*/${sub}` !== combined) starSlashSub = `*/${sub}`
    const groupClasses = group === ALL ? 0b10 : 0b11
    // Resource offsets 0 (the combined resource), 4 (`*`), 8 (`*∕…`).
    let resourceOffsets = 1 << 4
    if (combined !== ALL && starSlash === undefined) resourceOffsets |= 1 << 0
    if (starSlash !== undefined || starSlashSub !== undefined) resourceOffsets |= 1 << 8
    for (let v = 0; v < 2; v++)
      if (verbClasses & (1 << v))
        for (let g = 0; g < 2; g++) if (groupClasses & (1 << g)) possible |= resourceOffsets << (v + 2 * g)
  } else {
    const path = nra?.path ?? ''
    for (let v = 0; v < 2; v++)
      if (verbClasses & (1 << v)) {
        possible |= 1 << (12 + v + 2)
        if (path !== ALL) possible |= 1 << (12 + v)
      }
  }
  return {
    request,
    resource: !!ra,
    verb,
    group,
    combined,
    nameOrPath: (ra ? ra.name : nra?.path) ?? '',
    possible,
    starSlash,
    starSlashSub,
  }
}

/** The verb token of a key class (resource classes 0–11 and non-resource classes 12–15 alike). */
export const verbToken = (q: PreparedRequest, cls: number): string => (cls & 1 ? ALL : q.verb)

/** The group token (resource classes) or URL token (non-resource classes) of a key class. */
export const middleToken = (q: PreparedRequest, cls: number): string =>
  cls & 2 ? ALL : cls >= 12 ? q.nameOrPath : q.group

/** The resource token of a resource key class; for classes 8–11, `second` picks `*∕sub`. */
export function resourceToken(q: PreparedRequest, cls: number, second: boolean): string | undefined {
  if (cls < 4) return q.combined
  if (cls < 8) return ALL
  if (second) return q.starSlash === undefined ? undefined : q.starSlashSub
  return q.starSlash ?? q.starSlashSub
}

/** The best (lowest ordinal, then rule index) allowing rule found so far; ordinal Infinity = none. */
export interface Best {
  ordinal: number
  ruleIndex: number
  /** The chain link that holds it (set by the decision walk, not by `improveFromTable`)… */
  link: ChainLink | undefined
  /** …or, until the walk ends, the chains and chain number whose first link it is. */
  chains: KeyChains | undefined
  chain: number
}

/** Lowers `best` to the first entry of `entries` whose resourceNames admit `name`, if earlier. */
export function consider(best: Best, entries: readonly TableEntry[], base: number, name: string) {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    if (e.names !== undefined && !e.names.includes(name)) continue
    const ordinal = base + e.ordinal
    if (ordinal < best.ordinal || (ordinal === best.ordinal && e.ruleIndex < best.ruleIndex)) {
      best.ordinal = ordinal
      best.ruleIndex = e.ruleIndex
    }
    return
  }
}

const before = (best: Best, ordinal: number, ruleIndex: number): boolean =>
  ordinal < best.ordinal || (ordinal === best.ordinal && ruleIndex < best.ruleIndex)

/**
 * Lowers `best` to the table's first rule that allows the request, if that comes earlier. `base` is
 * added to the table's ordinals (a role's own table holds ordinal 0; a merged table the real ones).
 */
export function improveFromTable(table: RuleTable, base: number, q: PreparedRequest, best: Best): void {
  let classes = table.mask & q.possible
  if (classes !== 0) {
    const name = q.resource ? q.nameOrPath : ''
    while (classes !== 0) {
      const cls = 31 - Math.clz32(classes & -classes)
      classes &= classes - 1
      for (let second = 0; second < (cls >= 8 && cls < 12 ? 2 : 1); second++) {
        let entries: TableEntry[] | undefined
        if (q.resource) {
          const r = resourceToken(q, cls, second === 1)
          if (r !== undefined)
            entries = table.resource.get(resourceKey(verbToken(q, cls), middleToken(q, cls), r))
        } else entries = table.nonResource.get(nonResourceKey(verbToken(q, cls), middleToken(q, cls)))
        if (entries !== undefined) consider(best, entries, base, name)
      }
    }
  }
  if ((table.mask & PREFIX_BIT) !== 0 && !q.resource)
    for (const p of table.prefixes) {
      if (!before(best, base + p.ordinal, p.ruleIndex)) break
      if ((p.verb === q.verb || p.verb === ALL) && q.nameOrPath.startsWith(p.prefix)) {
        best.ordinal = base + p.ordinal
        best.ruleIndex = p.ruleIndex
        break
      }
    }
  if ((table.mask & SCAN_BIT) !== 0)
    for (const s of table.scan) {
      if (!before(best, base + s.ordinal, s.ruleIndex)) break
      if (ruleAllows(q.request, s.rule)) {
        best.ordinal = base + s.ordinal
        best.ruleIndex = s.ruleIndex
        break
      }
    }
}
