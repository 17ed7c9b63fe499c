/**
 * Authorize's walk without the walk. Kubernetes' rbac.go visits, in order, every binding that
 * applies to the user and every rule of its role until one allows, collecting resolution errors on the
 * way, so its cost grows with the bindings that apply. Here the answer is looked up instead:
 *
 * - each role's rules are compiled once per snapshot into a table by (verb, group, resource) key
 *   (rule-table.ts);
 * - per scope (the ClusterRoleBindings, or one namespace's RoleBindings) and per request key, a chain
 *   is built on first use for every user name and group the scope's bindings grant that key to: the
 *   rules allowing it, in visiting order, up to the first without resourceNames (scope-tables.ts);
 * - a decision looks up, for each key class the request could match, its user name and each of its
 *   groups in those chains and keeps the lowest (binding ordinal, rule index) — the rule where the
 *   walk would stop.
 *
 * A decision thus costs about one lookup per group per key class present, as the subject index alone
 * did, however many bindings apply. (An asker with many groups, most of them bound, may instead walk a
 * chain set's group chains in visiting order until the first it holds: see walkGroupChains.) Building
 * a chain set costs one pass over the scope's bindings (the cost of one reference walk), once per
 * request key per snapshot.
 *
 * Errors: the walk reports the resolution error of every applicable binding it visits before the
 * first allow (all of them when nothing allows), in visiting order — the failing bindings of the scope
 * that apply to the user and come before the winner.
 */
import { requestNamespace } from './rule-match.js'
import { chainsFor } from './chains.js'
import {
  RESTRICTED,
  type ChainLink,
  type KeyChains,
  type ScopeBinding,
  type ScopeTables,
} from './decision-cache.js'
import { findName, mayHold, nameSignature } from './name-filter.js'
import { scopeTables } from './scope-tables.js'
import type { RbacSnapshot } from './snapshot.js'
import { appliesTo } from './subjects.js'
import {
  improveFromTable,
  middleToken,
  prepareRequest,
  resourceToken,
  verbToken,
  type Best,
  type PreparedRequest,
} from './table-lookup.js'
import type { AccessRequest, UserInfo } from './types.js'

/**
 * Below this many group chains for a key, the chains' groups are searched in the user's groups rather
 * than each user group being looked up (a 250-group user meeting only `system:masters`).
 */
const FEW_GROUP_CHAINS = 4

/**
 * An asker with more groups than this probes them SAMPLED_GROUPS at a time, up to MAX_SAMPLED, and
 * after each batch decides whether to walk the group chains instead (see walkGroupChains).
 */
const MANY_GROUPS = 32
const SAMPLED_GROUPS = 16
const MAX_SAMPLED = 64
/**
 * Chains found in the sample before the walk is tried: at least two (one could be chance, a single
 * bound group among unbound ones) and at least one per batch probed, i.e. the asker holds a good
 * share of the set's groups.
 */
const WALK_EVIDENCE = 2
/**
 * Chains the walk tests before it gives up and the remaining groups are probed. A step is one
 * `includes` over the asker's groups (~1–1.5 ns a group on the build machine), a probe ~20 ns a
 * group (signature, bitmap and, for those that pass, a cold Map probe): twelve steps cost at most
 * about what probing the rest would.
 */
const MAX_WALK_STEPS = 12

/**
 * Who asks (the groups never undefined), with the signatures (name-filter.ts) of the user name and
 * of groups[0…signed), each computed once per decision, when a chain set is first probed for it.
 */
interface Asker {
  user: UserInfo
  groups: readonly string[]
  userSignature: number | undefined
  signatures: Int32Array
  signed: number
}

/**
 * The askers' group signatures, one buffer reused by every decision (decisions run one at a time
 * and keep nothing of it).
 */
let signatureBuffer = new Int32Array(256)

function newAsker(user: UserInfo): Asker {
  const groups = user.groups ?? []
  if (groups.length > signatureBuffer.length) signatureBuffer = new Int32Array(groups.length * 2)
  return { user, groups, userSignature: undefined, signatures: signatureBuffer, signed: 0 }
}

/** Makes the signatures of groups[0…to) available. */
function signGroups(asker: Asker, to: number): Int32Array {
  const signatures = asker.signatures
  for (let i = asker.signed; i < to; i++) signatures[i] = nameSignature(asker.groups[i]!)
  if (to > asker.signed) asker.signed = to
  return signatures
}

/** Lowers `best` to the first rule of chain `n` whose resourceNames admit `name`, if earlier. */
function considerChain(best: Best, chains: KeyChains, n: number, name: string): void {
  const packed = chains.info[2 * n + 1]!
  if ((packed & RESTRICTED) === 0) {
    // The common case: the first rule allows any name; no link is read unless it wins.
    const ordinal = chains.info[2 * n]!
    const ruleIndex = packed >> 2
    if (ordinal < best.ordinal || (ordinal === best.ordinal && ruleIndex < best.ruleIndex)) {
      best.ordinal = ordinal
      best.ruleIndex = ruleIndex
      best.chains = chains
      best.chain = n
      best.link = undefined
    }
    return
  }
  for (let e: ChainLink | undefined = chains.heads[n]; e !== undefined; e = e.next) {
    if (e.names !== undefined && !e.names.includes(name)) continue
    if (e.ordinal < best.ordinal || (e.ordinal === best.ordinal && e.ruleIndex < best.ruleIndex)) {
      best.ordinal = e.ordinal
      best.ruleIndex = e.ruleIndex
      best.link = e
    }
    return
  }
}

/**
 * rbac.go's own early exit, for an asker holding many of the set's groups: the group chains in
 * visiting order of their first links (chains.ts numbers them so), each tested with `includes`
 * on the asker's groups, until one comes no earlier than `best` — no later chain can improve on it.
 * When the asker holds a large share of the set's groups (a 250-group asker whose groups are the bound
 * ones) the first held chain comes within a few steps, where probing would look up all 250 groups.
 * False when it gave up after MAX_WALK_STEPS chains (the caller then probes the groups). The groups
 * before `probed` were looked up already, and their chains considered: only the rest are searched.
 */
function walkGroupChains(
  chains: KeyChains,
  groups: readonly string[],
  probed: number,
  name: string,
  best: Best,
): boolean {
  const names = chains.names
  const info = chains.info
  const first = chains.userChains
  for (let n = first; n < names.length; n++) {
    const ordinal = info[2 * n]!
    if (ordinal > best.ordinal || (ordinal === best.ordinal && info[2 * n + 1]! >> 2 >= best.ruleIndex))
      return true
    if (n - first === MAX_WALK_STEPS) return false
    if (groups.includes(names[n]!, probed)) considerChain(best, chains, n, name)
  }
  return true
}

/** Looks up `groups[from…to)` in the set's group table, through its filter; returns how many have a chain. */
function probeGroups(
  chains: KeyChains,
  asker: Asker,
  from: number,
  to: number,
  name: string,
  best: Best,
): number {
  const groups = asker.groups
  const mask = chains.groupTableMask
  let found = 0
  if (mask < 0) {
    const map = chains.groups
    for (let i = from; i < to; i++) {
      const n = map.get(groups[i]!)
      if (n !== undefined) {
        found++
        considerChain(best, chains, n, name)
      }
    }
    return found
  }
  const signatures = signGroups(asker, to)
  const info = chains.info
  const tableAt = chains.groupTableAt
  const filterAt = chains.groupFilterAt
  const filterBits = chains.groupFilterBits
  const names = chains.names
  for (let i = from; i < to; i++) {
    const signature = signatures[i]!
    if (!mayHold(info, filterAt, filterBits, signature)) continue
    const n = findName(info, tableAt, mask, names, signature, groups[i]!)
    if (n >= 0) {
      found++
      considerChain(best, chains, n, name)
    }
  }
  return found
}

function lookUp(chains: KeyChains, asker: Asker, q: PreparedRequest, best: Best) {
  const name = q.resource ? q.nameOrPath : ''
  if (chains.userChains > 0) {
    const user = asker.user.name
    if (chains.userTableMask < 0) {
      const n = chains.users.get(user)
      if (n !== undefined) considerChain(best, chains, n, name)
    } else {
      const signature = (asker.userSignature ??= nameSignature(user))
      if (mayHold(chains.info, chains.userFilterAt, chains.userFilterBits, signature)) {
        const n = findName(
          chains.info,
          chains.userTableAt,
          chains.userTableMask,
          chains.names,
          signature,
          user,
        )
        if (n >= 0) considerChain(best, chains, n, name)
      }
    }
  }
  const names = chains.names
  const first = chains.userChains
  const groupChains = names.length - first
  const groups = asker.groups
  if (groupChains === 0 || groups.length === 0) return
  if (groupChains < FEW_GROUP_CHAINS && groupChains < groups.length) {
    for (let n = first; n < names.length; n++)
      if (groups.includes(names[n]!)) considerChain(best, chains, n, name)
    return
  }
  if (groups.length <= MANY_GROUPS) {
    probeGroups(chains, asker, 0, groups.length, name, best)
    return
  }
  let found = 0
  let probed = 0
  while (probed < MAX_SAMPLED && probed < groups.length) {
    const to = Math.min(groups.length, probed + SAMPLED_GROUPS)
    found += probeGroups(chains, asker, probed, to, name, best)
    probed = to
    if (found >= WALK_EVIDENCE && found * SAMPLED_GROUPS >= probed) {
      if (walkGroupChains(chains, groups, probed, name, best)) return
      break
    }
  }
  probeGroups(chains, asker, probed, groups.length, name, best)
}

/** Bindings checked one by one (URL patterns, unexpanded rules): those that apply and come earlier. */
function visitSpecial(list: readonly ScopeBinding[], asker: Asker, q: PreparedRequest, best: Best) {
  for (const sb of list) {
    // Not `>=`: the chains may have found a later rule of this very binding.
    if (sb.binding.ordinal > best.ordinal) break
    if (appliesTo(asker.user, sb.binding) < 0) continue
    const { ordinal, ruleIndex } = best
    improveFromTable(sb.table, sb.binding.ordinal, q, best)
    if (best.ordinal !== ordinal || best.ruleIndex !== ruleIndex)
      best.link = {
        ordinal: best.ordinal,
        ruleIndex: best.ruleIndex,
        names: undefined,
        rule: sb.grant.rules[best.ruleIndex]!,
        grant: sb.grant,
        next: undefined,
        allowed: undefined,
      }
  }
}

function visitScope(
  snapshot: RbacSnapshot,
  scope: ScopeTables,
  asker: Asker,
  q: PreparedRequest,
  best: Best,
): void {
  let classes = scope.mask & q.possible
  while (classes !== 0) {
    const cls = 31 - Math.clz32(classes & -classes)
    classes &= classes - 1
    const verb = verbToken(q, cls)
    const middle = middleToken(q, cls)
    if (!q.resource) {
      lookUp(chainsFor(snapshot.cache, scope, cls, verb, middle, undefined), asker, q, best)
      continue
    }
    for (let second = 0; second < (cls >= 8 && cls < 12 ? 2 : 1); second++) {
      const resource = resourceToken(q, cls, second === 1)
      if (resource !== undefined)
        lookUp(chainsFor(snapshot.cache, scope, cls, verb, middle, resource), asker, q, best)
    }
  }
  if (!q.resource) visitSpecial(scope.prefixBindings, asker, q, best)
  visitSpecial(scope.scanBindings, asker, q, best)
}

const NO_ERRORS: readonly string[] = Object.freeze([])

/**
 * `errors` plus the scope's failing bindings that apply to the user and come before `limit`, in
 * visiting order. (Few scopes have failing bindings; the others share the frozen empty list.)
 */
function errorsBefore(
  scope: ScopeTables,
  user: UserInfo,
  limit: number,
  errors: readonly string[],
): readonly string[] {
  let out: string[] | undefined
  for (const f of scope.failing) {
    if (f.binding.ordinal >= limit) break
    if (appliesTo(user, f.binding) < 0) continue
    out ??= [...errors]
    out.push(f.message)
  }
  return out ?? errors
}

/**
 * ClusterRoleBindings first; the RoleBindings of the request namespace only when none allows. Leaves in
 * `best` the binding ordinal and rule index of the rule Kubernetes' walk (rbac.go) stops at (ordinal Infinity
 * when nothing allows), with its link or else its chain (the first link of `best.chains`, number
 * `best.chain`) and returns the resolution errors it meets before (all of them when
 * nothing allows), in visiting order.
 */
export function decide(
  snapshot: RbacSnapshot,
  user: UserInfo,
  request: AccessRequest,
  best: Best,
): readonly string[] {
  const q = prepareRequest(request)
  best.ordinal = Infinity
  best.ruleIndex = Infinity
  best.link = undefined
  best.chains = undefined
  best.chain = 0
  let errors = NO_ERRORS
  const asker = newAsker(user)
  const cluster = scopeTables(snapshot, '')
  if (cluster) {
    visitScope(snapshot, cluster, asker, q, best)
    if (cluster.failing.length > 0) errors = errorsBefore(cluster, user, best.ordinal, errors)
  }
  const namespace = requestNamespace(request)
  if (best.ordinal === Infinity && namespace !== '') {
    const scope = scopeTables(snapshot, namespace)
    if (scope) {
      visitScope(snapshot, scope, asker, q, best)
      if (scope.failing.length > 0) errors = errorsBefore(scope, user, best.ordinal, errors)
    }
  }
  return errors
}
