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

/** False when no name of the filter has this signature (so the name is certainly not among them). */
export function mayHold(filter: Int32Array, signature: number): boolean {
  if (filter.length === 0) return true
  const bit = signature & ((filter.length << 5) - 1)
  return (filter[bit >>> 5]! & (1 << (bit & 31))) !== 0
}

/** False only when `name` is certainly not one of the filter's names (NO_FILTER: never false). */
export const passes = (filter: Int32Array, name: string): boolean =>
  filter.length === 0 || mayHold(filter, nameSignature(name))
