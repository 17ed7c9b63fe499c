/**
 * Chains (see decide.ts): for one request key in one scope, per user name and per group, the rules that
 * could allow such a request, in visiting order, up to the first one without resourceNames. Built on
 * first use from the scope's bindings and their roles' rule tables, kept in the snapshot's cache.
 */
import {
  RESTRICTED,
  FIRST_SUBJECT,
  type ChainLink,
  type ChainTrie,
  type DecisionCache,
  type KeyChains,
  type ScopeBinding,
  type ScopeTables,
} from './decision-cache.js'
import { buildNameFilter } from './name-filter.js'
import { nonResourceKey, resourceKey, type TableEntry } from './rule-table.js'

/**
 * Past this many chain entries (plus one per request key) in one snapshot, every chain is dropped and
 * rebuilt on demand: memory stays bounded whatever requests arrive (e.g. random resource names).
 */
export const MAX_CHAIN_ENTRIES = 250_000

interface Building {
  head: ChainLink
  tail: ChainLink
}

/** Appends a binding's entries to a chain; nothing after a rule without resourceNames can matter. */
function extend(
  map: Map<string, Building>,
  key: string,
  entries: readonly TableEntry[],
  sb: ScopeBinding,
): number {
  const chain = map.get(key)
  if (chain && chain.tail.names === undefined) return 0
  let added = 0
  let tail = chain?.tail
  for (const e of entries) {
    const link: ChainLink = {
      ordinal: sb.binding.ordinal,
      ruleIndex: e.ruleIndex,
      names: e.names,
      rule: sb.grant.rules[e.ruleIndex]!,
      grant: sb.grant,
      next: undefined,
      allowed: undefined,
    }
    if (tail) tail.next = link
    else map.set(key, { head: link, tail: link })
    tail = link
    added++
    if (e.names === undefined) break
  }
  map.get(key)!.tail = tail!
  return added
}

function buildChains(
  scope: ScopeTables,
  key: string,
  resource: boolean,
): { chains: KeyChains; size: number } {
  const users = new Map<string, Building>()
  const groups = new Map<string, Building>()
  let size = 1
  for (const sb of scope.bindings) {
    const entries = (resource ? sb.table.resource : sb.table.nonResource).get(key)
    if (!entries) continue
    for (const u of sb.users) size += extend(users, u, entries, sb)
    for (const g of sb.groups) size += extend(groups, g, entries, sb)
  }
  const count = users.size + groups.size
  const chains: KeyChains = {
    users: new Map(),
    groups: new Map(),
    userFilter: buildNameFilter(users.keys(), users.size),
    groupFilter: buildNameFilter(groups.keys(), groups.size),
    // In visiting order of the first links: a group's chain is created (and the Map keeps insertion
    // order) by the first binding in visiting order that grants it the key, and all the groups of one
    // binding get the same first link.
    groupNames: [...groups.keys()],
    groupChains: [],
    heads: [],
    info: new Int32Array(2 * count),
    allowed: new Array<undefined>(count).fill(undefined),
  }
  const add = (target: Map<string, number>, building: Map<string, Building>, group: boolean) => {
    for (const [name, { head }] of building) {
      const n = chains.heads.length
      const grant = head.grant
      const first = grant.subjectKeys[0] === name && grant.subjectIsGroup[0] === group
      chains.heads.push(head)
      chains.info[2 * n] = head.ordinal
      chains.info[2 * n + 1] =
        (head.ruleIndex << 2) | (head.names === undefined ? 0 : RESTRICTED) | (first ? FIRST_SUBJECT : 0)
      target.set(name, n)
    }
  }
  add(chains.users, users, false)
  add(chains.groups, groups, true)
  for (const name of chains.groupNames) chains.groupChains.push(chains.groups.get(name)!)
  return { chains, size }
}

function reserve(cache: DecisionCache, size: number): void {
  if (cache.chainEntries + size > MAX_CHAIN_ENTRIES) {
    for (const s of cache.scopes.values()) s.tries = []
    cache.chainEntries = 0
  }
  cache.chainEntries += size
}

const ALL = '*'

/**
 * The chains of one request key in a scope, built on first use. `cls` is the key's class (see
 * rule-table.ts); `resource` is undefined for the non-resource classes 12–15, where `middle` is the URL.
 */
export function chainsFor(
  cache: DecisionCache,
  scope: ScopeTables,
  cls: number,
  verb: string,
  middle: string,
  resource: string | undefined,
): KeyChains {
  // The tokens the class leaves variable (a wildcard position always holds `*`).
  const a = cls & 1 ? undefined : verb
  const b = cls & 2 ? undefined : middle
  const c = cls >= 12 || (cls & 12) === 4 ? undefined : resource
  let node = scope.tries[cls]
  if (a !== undefined) node = (node as ChainTrie | undefined)?.get(a)
  if (b !== undefined) node = (node as ChainTrie | undefined)?.get(b)
  if (c !== undefined) node = (node as ChainTrie | undefined)?.get(c)
  if (node !== undefined) return node as KeyChains
  const key =
    cls >= 12 ? nonResourceKey(a ?? ALL, b ?? ALL) : resourceKey(a ?? ALL, b ?? ALL, c ?? resource ?? ALL)
  const { chains, size } = buildChains(scope, key, cls < 12)
  reserve(cache, size)
  const path = [a, b, c].filter((t): t is string => t !== undefined)
  if (path.length === 0) scope.tries[cls] = chains
  else {
    let map = (scope.tries[cls] ??= new Map()) as ChainTrie
    for (let i = 0; i < path.length - 1; i++) {
      let next = map.get(path[i]!) as ChainTrie | undefined
      if (!next) map.set(path[i]!, (next = new Map()))
      map = next
    }
    map.set(path[path.length - 1]!, chains)
  }
  return chains
}
