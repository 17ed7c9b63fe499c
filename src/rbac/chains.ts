/**
 * Chains (see decide.ts): for one request key in one scope, per user name and per group, the rules that
 * could allow such a request, in visiting order, up to the first one without resourceNames. Built on
 * first use from the scope's bindings and their roles' rule tables, kept in the snapshot's cache.
 */
import {
  RESTRICTED,
  FIRST_SUBJECT,
  type ChainLink,
  type DecisionCache,
  type KeyChains,
  type KeyTrie,
  type ScopeBinding,
  type ScopeTables,
} from './decision-cache.js'
import { buildNameFilter, buildNameTable, NO_TABLE } from './name-filter.js'
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
  const userChains = users.size
  const names = [...users.keys(), ...groups.keys()]
  const count = names.length
  // A group's chain is created (and the Map keeps insertion order) by the first binding in visiting
  // order that grants it the key, and all the groups of one binding get the same first link: so the
  // group chains are numbered in visiting order of their first links.
  const chains: KeyChains = {
    userChains,
    userTableMask: -1,
    userTableAt: 0,
    userFilterBits: 0,
    userFilterAt: 0,
    groupTableMask: -1,
    groupTableAt: 0,
    groupFilterBits: 0,
    groupFilterAt: 0,
    info: new Int32Array(0),
    names,
    users: new Map(),
    groups: new Map(),
    heads: [],
    allowed: new Array<undefined>(count).fill(undefined),
  }
  const userTable = buildNameTable(names, 0, userChains)
  const groupTable = buildNameTable(names, userChains, count)
  const userFilter = buildNameFilter(users.keys(), users.size)
  const groupFilter = buildNameFilter(groups.keys(), groups.size)
  let at = 2 * count
  const place = (part: Int32Array) => {
    const start = at
    at += part.length
    return start
  }
  chains.userTableAt = place(userTable)
  chains.userTableMask = userTable.length === 0 ? -1 : (userTable.length >>> 1) - 1
  chains.groupTableAt = place(groupTable)
  chains.groupTableMask = groupTable.length === 0 ? -1 : (groupTable.length >>> 1) - 1
  chains.userFilterAt = place(userFilter)
  chains.userFilterBits = userFilter.length << 5
  chains.groupFilterAt = place(groupFilter)
  chains.groupFilterBits = groupFilter.length << 5
  const info = (chains.info = new Int32Array(at))
  info.set(userTable, chains.userTableAt)
  info.set(groupTable, chains.groupTableAt)
  info.set(userFilter, chains.userFilterAt)
  info.set(groupFilter, chains.groupFilterAt)
  // The maps are filled only for a side without a table (decide.ts probes one or the other).
  const add = (target: Map<string, number> | undefined, building: Map<string, Building>, group: boolean) => {
    for (const [name, { head }] of building) {
      const n = chains.heads.length
      const grant = head.grant
      const first = grant.subjectKeys[0] === name && grant.subjectIsGroup[0] === group
      chains.heads.push(head)
      chains.info[2 * n] = head.ordinal
      chains.info[2 * n + 1] =
        (head.ruleIndex << 2) | (head.names === undefined ? 0 : RESTRICTED) | (first ? FIRST_SUBJECT : 0)
      target?.set(name, n)
    }
  }
  add(userTable === NO_TABLE ? chains.users : undefined, users, false)
  add(groupTable === NO_TABLE ? chains.groups : undefined, groups, true)
  return { chains, size }
}

function reserve(cache: DecisionCache, size: number): void {
  if (cache.chainEntries + size > MAX_CHAIN_ENTRIES) {
    for (const s of cache.scopes.values()) s.chains = []
    cache.keys = []
    cache.keyCount = 0
    cache.chainEntries = 0
  }
  cache.chainEntries += size
}

/** The number of a request key (see DecisionCache.keys), given one on first use. */
function keyNumber(cache: DecisionCache, cls: number, a?: string, b?: string, c?: string): number {
  let node = cache.keys[cls]
  if (a !== undefined) node = (node as KeyTrie | undefined)?.get(a)
  if (b !== undefined) node = (node as KeyTrie | undefined)?.get(b)
  if (c !== undefined) node = (node as KeyTrie | undefined)?.get(c)
  if (node !== undefined) return node as number
  const key = cache.keyCount++
  const path = [a, b, c].filter((t): t is string => t !== undefined)
  if (path.length === 0) cache.keys[cls] = key
  else {
    let map = (cache.keys[cls] ??= new Map()) as KeyTrie
    for (let i = 0; i < path.length - 1; i++) {
      let next = map.get(path[i]!) as KeyTrie | undefined
      if (!next) map.set(path[i]!, (next = new Map()))
      map = next
    }
    map.set(path[path.length - 1]!, key)
  }
  return key
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
  const found = scope.chains[keyNumber(cache, cls, a, b, c)]
  if (found !== undefined) return found
  const key =
    cls >= 12 ? nonResourceKey(a ?? ALL, b ?? ALL) : resourceKey(a ?? ALL, b ?? ALL, c ?? resource ?? ALL)
  const { chains, size } = buildChains(scope, key, cls < 12)
  reserve(cache, size)
  // Numbered again: reserve may have dropped every number.
  scope.chains[keyNumber(cache, cls, a, b, c)] = chains
  return chains
}
