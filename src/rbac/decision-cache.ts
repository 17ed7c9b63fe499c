/**
 * The compiled state decisions use (see decide.ts), kept in each snapshot's cache: per scope, the
 * bindings with their roles' rule tables, subject keys and grants (built by scope-tables.ts), and the
 * chains built from them (chains.ts). Declared apart from both builders and from the snapshot that
 * holds it, so each of them can name it without importing the others.
 */
import type { IndexedBinding } from './normalize.js'
import type { RuleTable } from './rule-table.js'
import type { PolicyRule, RbacDecision, Subject } from './types.js'

/** The keys under which a binding's subjects can match: user names (incl. ServiceAccounts) and groups. */
export interface SubjectKeys {
  users: string[]
  groups: string[]
}

/**
 * What reporting an allow by one binding needs, in one object: a decision that ends on a chain link
 * reads this and nothing else of the (large, cold) snapshot.
 */
export interface Grant {
  binding: IndexedBinding
  rules: readonly PolicyRule[]
  kind: IndexedBinding['kind']
  name: string
  namespace: string
  roleKind: string
  roleName: string
  subjectCount: number
  firstSubject: Subject
  /**
   * Per subject of the binding: the user name (a ServiceAccount's included) or group it matches,
   * undefined when it matches no one, and whether it is a group — so that finding the subject to
   * report builds no string.
   */
  subjectKeys: (string | undefined)[]
  subjectIsGroup: boolean[]
  /** `RBAC: allowed by …` by subject index, filled on first use. */
  reasons: (string | undefined)[]
}

export interface ScopeBinding extends SubjectKeys {
  binding: IndexedBinding
  table: RuleTable
  grant: Grant
}

export interface FailingBinding extends SubjectKeys {
  binding: IndexedBinding
  message: string
}

export interface ScopeTables {
  /** Key classes (bits 0–15) held by the tables of bindings that can apply to someone. */
  mask: number
  /** Resolvable bindings with at least one subject key and a non-empty table, in visiting order. */
  bindings: ScopeBinding[]
  /** Those whose tables hold nonResourceURL patterns ending in `*` (checked per request). */
  prefixBindings: ScopeBinding[]
  /** Those whose tables hold rules too wide to expand (checked per request). */
  scanBindings: ScopeBinding[]
  /** Bindings whose role does not resolve, in visiting order. */
  failing: FailingBinding[]
  /**
   * Chains by request key number (DecisionCache.keys): one array read per key, where a tree of maps per
   * scope would cost a few cold maps at every visit of a namespace.
   */
  chains: (KeyChains | undefined)[]
}

export interface DecisionCache {
  ruleTables: Map<readonly PolicyRule[], RuleTable>
  /** By namespace; "" = the ClusterRoleBindings. */
  scopes: Map<string, ScopeTables>
  /**
   * Request keys numbered across all scopes: by key class (0–15), then by the class's non-wildcard
   * tokens in the order verb, group (or URL), resource — nested maps, so a decision builds no key
   * string, a class whose tokens are all `*` (cluster-admin's) needs no lookup at all, and the few
   * maps stay hot, being shared by every scope.
   */
  keys: (KeyTrie | number | undefined)[]
  keyCount: number
  /** Chain keys and entries held across all scopes (for MAX_CHAIN_ENTRIES). */
  chainEntries: number
}

export const newDecisionCache = (): DecisionCache => ({
  ruleTables: new Map(),
  scopes: new Map(),
  keys: [],
  keyCount: 0,
  chainEntries: 0,
})

/** One rule of a chain: binding ordinal, rule index, resourceNames (undefined = any), and the next. */
export interface ChainLink {
  ordinal: number
  ruleIndex: number
  names: readonly string[] | undefined
  rule: PolicyRule
  grant: Grant
  next: ChainLink | undefined
  /** The Allow decisions for this rule, by the index of the subject reported, once built. */
  allowed: (RbacDecision | undefined)[] | undefined
}

/** `KeyChains.info` flag: the first link has resourceNames (the chain must be walked for the name). */
export const RESTRICTED = 1
/**
 * `KeyChains.info` flag: the chain's name is the key of the first link's binding's first subject, so
 * that subject is the one reported for whoever the chain was reached through (always so when the
 * binding has a single subject).
 */
export const FIRST_SUBJECT = 2

/**
 * The chains of one request key in one scope, numbered (user chains first). A name is found by its
 * signature in a table of the set's user or group names, behind a filter for large sets (both
 * name-filter.ts), or in a map for small ones (a name can be both a user's and a group's). Per chain
 * number, the first link's ordinal and rule index and two flags sit side by side in `info`, so
 * comparing a chain costs one read of contiguous memory, and a link is followed only for the winner or when the first rule is
 * restricted by resourceNames. (A decision on a large cluster touches many chain sets once each:
 * the fewer objects and cache lines per set, the cheaper.)
 */
export interface KeyChains {
  // In the order a visit reads them (V8 lays an object's fields out in the order they are created).
  /** Chains 0…userChains−1 are user chains, the rest group chains. */
  userChains: number
  /**
   * Where in `info` the name tables (name-filter.ts) of the user and of the group chains begin, and
   * their slot counts − 1 (-1: no table, the maps are probed instead)…
   */
  userTableMask: number
  userTableAt: number
  /** …and the name filters in front of them, and their sizes in bits (0: no filter). */
  userFilterBits: number
  userFilterAt: number
  groupTableMask: number
  groupTableAt: number
  groupFilterBits: number
  groupFilterAt: number
  /**
   * Per chain n: at 2n the first link's binding ordinal; at 2n + 1 its rule index << 2 | flags. Then
   * the name tables and filters: one array, so a visit reads one typed array object (V8 keeps each
   * typed array's header apart from its data), not five.
   */
  info: Int32Array
  /**
   * Per chain n, the user name or group it is for (user chains first); the group chains in visiting
   * order of their first links (to search a few of them in a user's groups, or walk them in order:
   * decide.ts).
   */
  names: string[]
  /** Name → chain number, users and groups apart (a name can be both); filled only for a side without a table. */
  users: Map<string, number>
  groups: Map<string, number>
  heads: ChainLink[]
  /** Per chain with FIRST_SUBJECT: the Allow decision its first link gives, once built. */
  allowed: (RbacDecision | undefined)[]
}

export type KeyTrie = Map<string, KeyTrie | number>
