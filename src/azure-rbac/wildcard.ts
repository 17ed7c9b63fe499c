/**
 * Azure RBAC action patterns: `*` matches any run of characters, `/` included, and comparison ignores
 * case (Microsoft Learn role-definitions). Besides plain matching, requests that themselves contain `*`
 * (a wildcard SubjectAccessReview) need set reasoning: a permission pattern *covers* a requested
 * pattern when it matches every action the request could stand for, and a notDataActions pattern
 * *intersects* it when it excludes at least one of them.
 */

/** Longest wildcard request the exact intersection check handles; longer ones are treated as hit. */
const MAX_INTERSECT_LENGTH = 4096

/**
 * Does `pattern` match `text`? Greedy matching with one backtrack point, linear in practice. A `*` in
 * `text` is an ordinary character that only a `*` in the pattern can absorb, which makes this also
 * the exact "covers" test for a wildcard request (see `covers`).
 */
export function matchesAction(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase()
  const t = text.toLowerCase()
  let i = 0
  let j = 0
  let star = -1
  let mark = 0
  while (j < t.length) {
    if (i < p.length && p[i] !== '*' && p[i] === t[j]) {
      i++
      j++
    } else if (i < p.length && p[i] === '*') {
      star = i++
      mark = j
    } else if (star >= 0) {
      i = star + 1
      j = ++mark
    } else return false
  }
  while (i < p.length && p[i] === '*') i++
  return i === p.length
}

/**
 * Does `pattern` match every action `request` (which may contain `*`) stands for? Exact: substitute
 * fresh characters for the request's stars; only the pattern's stars can absorb them.
 */
export const covers = (pattern: string, request: string): boolean => matchesAction(pattern, request)

/** Is there an action matched by both patterns? Over-long wildcard requests answer true (safe side). */
export function intersects(a: string, b: string): boolean {
  if (!b.includes('*')) return matchesAction(a, b)
  if (!a.includes('*')) return matchesAction(b, a)
  const n = a.toLowerCase()
  const r = b.toLowerCase()
  if (r.length > MAX_INTERSECT_LENGTH || n.length > MAX_INTERSECT_LENGTH) return true
  const width = r.length + 1
  // memo: 0 unknown, 1 false, 2 true; filled from the end so every lookup is already computed.
  const memo = new Uint8Array((n.length + 1) * width)
  for (let i = n.length; i >= 0; i--) {
    for (let j = r.length; j >= 0; j--) {
      const at = (x: number, y: number) => memo[x * width + y] === 2
      let ok: boolean
      if (i === n.length && j === r.length) ok = true
      else if (i < n.length && n[i] === '*') ok = at(i + 1, j) || (j < r.length && at(i, j + 1))
      else if (j < r.length && r[j] === '*') ok = at(i, j + 1) || (i < n.length && at(i + 1, j))
      else ok = i < n.length && j < r.length && n[i] === r[j] && at(i + 1, j + 1)
      memo[i * width + j] = ok ? 2 : 1
    }
  }
  return memo[0] === 2
}
