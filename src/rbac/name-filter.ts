/**
 * A filter in front of a chain set's name maps (see chains.ts and decide.ts): a bitmap of cheap
 * signatures of every name the set has a chain for, so that an asker's group that holds no chain for
 * the request key is almost always dropped without a `Map` probe.
 *
 * Why: a probe of a `Map<string, …>` with a name from the request touches the map's bucket, its entry
 * and the key string it compares against — on a 10,000-binding cluster these maps are large and
 * cold, and a requester with 250 groups probes every one of them. A signature reads at most eight
 * characters at fixed places of the name (both ends and the middle, so GUIDs, UPNs and `team-x-…`
 * names all spread) and the bitmap is a few hundred bytes. A name that passes (a true member, or a
 * false positive: about 1 in 16 of the others) is then probed as before, so the answers are exactly
 * those of the maps alone.
 */

/** About 16 bits per name keeps false positives near 1 in 16 with one bit per name. */
const BITS_PER_NAME = 16
const MIN_BITS = 256
/**
 * Below this many names a map is small and hot in the cache, and a probe costs about what a
 * signature does: such maps get no filter (the small cluster's chain sets, a few bindings' names).
 */
export const MIN_FILTERED_NAMES = 32
/** The filter of a map too small to need one: every name passes. */
export const NO_FILTER: Int32Array = new Int32Array(0)

/**
 * A 32-bit signature of a name from its length and up to eight characters at fixed positions.
 * Names that differ only elsewhere share it (they are then told apart by the map probe).
 */
export function nameSignature(s: string): number {
  const n = s.length
  let h = Math.imul(n, 0x9e3779b1)
  if (n === 0) return h
  const m = n >> 1
  h = Math.imul(h ^ s.charCodeAt(n - 1), 0x85ebca6b)
  h = Math.imul(h ^ s.charCodeAt(0), 0xc2b2ae35)
  h = Math.imul(h ^ s.charCodeAt(m), 0x27d4eb2f)
  if (n > 3) {
    h = Math.imul(h ^ s.charCodeAt(n - 2), 0x165667b1)
    h = Math.imul(h ^ s.charCodeAt(n - 3), 0x9e3779b1)
    h = Math.imul(h ^ s.charCodeAt(1), 0x85ebca6b)
    h = Math.imul(h ^ s.charCodeAt(m - 1), 0xc2b2ae35)
    if (n > 8) h = Math.imul(h ^ s.charCodeAt(n - 4), 0x27d4eb2f)
  }
  return h ^ (h >>> 15)
}

/**
 * The bitmap (32 bits a word) of the signatures of `names`; its size in bits is a power of two.
 * NO_FILTER when there are fewer than MIN_FILTERED_NAMES.
 */
export function buildNameFilter(names: Iterable<string>, count: number): Int32Array {
  if (count < MIN_FILTERED_NAMES) return NO_FILTER
  let bits = MIN_BITS
  while (bits < count * BITS_PER_NAME) bits *= 2
  const filter = new Int32Array(bits >>> 5)
  const mask = bits - 1
  for (const name of names) {
    const bit = nameSignature(name) & mask
    filter[bit >>> 5]! |= 1 << (bit & 31)
  }
  return filter
}

/**
 * False when no name of the filter (`bits` bits from `data[at]`, a copy of a buildNameFilter result;
 * 0 bits: NO_FILTER) has this signature, so the name is certainly not among them.
 */
export function mayHold(data: Int32Array, at: number, bits: number, signature: number): boolean {
  if (bits === 0) return true
  const bit = signature & (bits - 1)
  return (data[at + (bit >>> 5)]! & (1 << (bit & 31))) !== 0
}

/**
 * Below this many names a chain set's `Map` is small and hot, and a probe (V8 keeps a string's hash
 * in the string) costs less than computing a signature: such sets get no table.
 */
export const MIN_TABLE_NAMES = 8
/** A name table's insertions may pass this many slots, or this many names of the same signature… */
const MAX_PROBE_STEPS = 32
const MAX_ALIKE = 3
/** …else the set gets no table; nor does a set too small to need one (its Map is probed instead). */
export const NO_TABLE: Int32Array = new Int32Array(0)

/**
 * A chain set's name lookup, for sets of MIN_TABLE_NAMES names or more: an open-addressing table of
 * (signature, chain number + 1) pairs in one Int32Array, at most half full, the names themselves kept
 * apart (`names[n]`, the chain's name).
 *
 * Why not a `Map<string, number>`: V8 finds a string key by walking the bucket's chain and comparing
 * each entry's key by content, which reads every candidate key's string header — on a 10,000-binding
 * cluster thousands of cold objects, and most probes are for names the set does not hold. Here a
 * probe reads a slot or two of one array; a stored name is read only when its signature equals the
 * probe's (the name itself, or a rare collision), so the answers are exactly those of a map.
 */
export function buildNameTable(names: readonly string[], from: number, to: number): Int32Array {
  if (to - from < MIN_TABLE_NAMES) return NO_TABLE
  let slots = 2
  while (slots < 2 * (to - from)) slots *= 2
  const table = new Int32Array(2 * slots)
  const mask = slots - 1
  for (let n = from; n < to; n++) {
    const signature = nameSignature(names[n]!)
    let i = signature & mask
    let steps = 0
    let alike = 0
    while (table[2 * i + 1] !== 0) {
      if (table[2 * i] === signature) alike++
      // Names that differ only where the signature does not look (UPNs of one domain can) would make
      // probes long and compare strings: such a set keeps its map.
      if (++steps > MAX_PROBE_STEPS || alike > MAX_ALIKE) return NO_TABLE
      i = (i + 1) & mask
    }
    table[2 * i] = signature
    table[2 * i + 1] = n + 1
  }
  return table
}

/**
 * The chain number of `name` (whose signature is `signature`) in a name table copied to `data[at]`,
 * `mask` its slot count − 1, or -1 when it has none.
 */
export function findName(
  data: Int32Array,
  at: number,
  mask: number,
  names: readonly string[],
  signature: number,
  name: string,
): number {
  for (let i = signature & mask; ; i = (i + 1) & mask) {
    const stored = data[at + 2 * i + 1]!
    if (stored === 0) return -1
    if (data[at + 2 * i] === signature && names[stored - 1] === name) return stored - 1
  }
}
