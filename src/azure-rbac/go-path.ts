/**
 * Go's `path.Join` and `path.Clean`. guard builds data-action ids, scopes and cache keys with
 * path.Join, so `..`, doubled and trailing slashes in SAR fields behave here as they do in guard.
 */

/** path.Clean: lexical cleanup; "" becomes ".", a rooted path never climbs above "/". */
export function goPathClean(p: string): string {
  if (p === '') return '.'
  const rooted = p.startsWith('/')
  const out: string[] = []
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!rooted) out.push('..')
      continue
    }
    out.push(part)
  }
  const joined = out.join('/')
  if (rooted) return `/${joined}`
  return joined === '' ? '.' : joined
}

/** path.Join: empty elements are skipped; the result is cleaned; all-empty gives "". */
export function goPathJoin(...elems: string[]): string {
  const parts = elems.filter((e) => e !== '')
  return parts.length === 0 ? '' : goPathClean(parts.join('/'))
}
