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
   * Chains by key class (0–15), then by the class's non-wildcard tokens in the order verb, group (or
   * URL), resource: nested maps, so a decision builds no key string, and a class whose tokens are all
   * `*` (cluster-admin's) needs no lookup at all.
   */
  tries: (ChainTrie | KeyChains | undefined)[]
}

export interface DecisionCache {
  ruleTables: Map<readonly PolicyRule[], RuleTable>
  /** By namespace; "" = the ClusterRoleBindings. */
  scopes: Map<string, ScopeTables>
  /** Chain keys and entries held across all scopes (for MAX_CHAIN_ENTRIES). */
  chainEntries: number
}

export const newDecisionCache = (): DecisionCache => ({
  ruleTables: new Map(),
  scopes: new Map(),
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
 * The chains of one request key in one scope, numbered (user chains first). A name maps to its chain
 * number directly, users and groups apart (a name can be both); a filter of each map's names
 * (name-filter.ts) spares most probes of names that have no chain. Per chain number, the first link's
 * ordinal and rule index and two flags sit side by side in `info`, so comparing a chain costs one
 * read of contiguous memory, and a link is followed only for the winner or when the first rule is
 * restricted by resourceNames. (A decision on a large cluster touches many chain sets once each:
 * the fewer objects and cache lines per set, the cheaper.)
 */
export interface KeyChains {
  users: Map<string, number>
  groups: Map<string, number>
  userFilter: Int32Array
  groupFilter: Int32Array
  /**
   * The group chains again, as parallel arrays, in visiting order of their first links (to search a
   * few of them in a user's groups, or walk them in order: decide.ts).
   */
  groupNames: string[]
  groupChains: number[]
  heads: ChainLink[]
  /** Per chain n: at 2n the first link's binding ordinal; at 2n + 1 its rule index << 2 | flags. */
  info: Int32Array
  /** Per chain with FIRST_SUBJECT: the Allow decision its first link gives, once built. */
  allowed: (RbacDecision | undefined)[]
}

export type ChainTrie = Map<string, ChainTrie | KeyChains>
