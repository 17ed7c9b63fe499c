/**
 * The `$filter` clauses the Azure CLI sends when it looks directory objects up by name (`az ad group
 * show -g <name>`, `az ad group list --display-name`, `az role assignment create --assignee <upn|appId>`):
 *
 *   <property> eq '<value>'                              e.g. userPrincipalName eq 'bob@contoso.com'
 *   startswith(<property>,'<value>')
 *   servicePrincipalNames/any(c:c eq '<value>')          (any lambda over a string collection)
 *   clauses joined with `and`
 *
 * String comparisons ignore case, as the directory's do. Anything else is refused as Graph refuses what
 * it cannot evaluate (docs/graph.md): an unknown property with Request_UnsupportedQuery, a clause that
 * does not parse with BadRequest "Invalid filter clause".
 */
import { BadRequest, RequestUnsupportedQuery } from './errors.js'

/** A predicate over an object's rendered properties. */
export type Filter = (properties: Record<string, unknown>) => boolean

const STRING = `'((?:[^']|'')*)'`
const NAME = '([A-Za-z][A-Za-z0-9]*)'
const EQ = new RegExp(`^${NAME}\\s+eq\\s+${STRING}$`)
const STARTS = new RegExp(`^startswith\\(\\s*${NAME}\\s*,\\s*${STRING}\\s*\\)$`, 'i')
const ANY = new RegExp(`^${NAME}/any\\(\\s*(\\w+)\\s*:\\s*(\\w+)\\s+eq\\s+${STRING}\\s*\\)$`)

const unquote = (s: string) => s.replace(/''/g, "'").toLowerCase()

/** Splits on ` and ` outside quoted strings (a stray quote stays, and fails its clause). */
function clauses(raw: string): string[] {
  const out = ['']
  for (const token of raw.match(/'(?:[^']|'')*'|\s+and\s+|[^'\s]+|\s+|'/gi) ?? []) {
    if (/^\s+and\s+$/i.test(token)) out.push('')
    else out[out.length - 1] += token
  }
  return out.map((c) => c.trim())
}

/**
 * The filter for `raw` over objects of a type with these filterable properties (`typeName` as Graph
 * names the resource in its error: `User`, `Group`, `ServicePrincipal`).
 */
export function parseFilter(raw: string, filterable: readonly string[], typeName: string): Filter {
  const known = new Map(filterable.map((p) => [p.toLowerCase(), p]))
  const property = (name: string) => {
    const p = known.get(name.toLowerCase())
    if (!p)
      throw new RequestUnsupportedQuery(
        `Unsupported or invalid query filter clause specified for property '${name}' of resource '${typeName}'.`,
      )
    return p
  }
  const text = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined)
  const parts: Filter[] = clauses(raw).map((c) => {
    let m = EQ.exec(c)
    if (m) {
      const p = property(m[1]!)
      const want = unquote(m[2]!)
      return (o) => text(o[p]) === want
    }
    m = STARTS.exec(c)
    if (m) {
      const p = property(m[1]!)
      const want = unquote(m[2]!)
      return (o) => text(o[p])?.startsWith(want) ?? false
    }
    m = ANY.exec(c)
    if (m && m[2] === m[3]) {
      const p = property(m[1]!)
      const want = unquote(m[4]!)
      return (o) => Array.isArray(o[p]) && (o[p] as unknown[]).some((x) => text(x) === want)
    }
    throw new BadRequest('Invalid filter clause')
  })
  return (o) => parts.every((f) => f(o))
}
