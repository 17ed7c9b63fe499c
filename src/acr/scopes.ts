/**
 * Docker token scopes (`repository:<name>:<actions>`, `registry:catalog:*`) and the ACR actions they
 * carry: `pull`, `push`, `delete`, `metadata_read`, `metadata_write`, and `*` for the catalog. Parsing
 * accepts what clients send (repeated fields, space-separated lists, names with `/`); malformed
 * entries are dropped as the token service ignores them.
 */

export const REPOSITORY_ACTIONS = ['pull', 'push', 'delete', 'metadata_read', 'metadata_write'] as const
export type RepositoryAction = (typeof REPOSITORY_ACTIONS)[number]

export interface AccessEntry {
  type: 'repository' | 'registry'
  name: string
  actions: string[]
}

/** Parses one scope string; undefined when it is not `<type>:<name>:<actions>` of a known type. */
export function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first <= 0 || last === first) return undefined
  const type = scope.slice(0, first)
  const name = scope.slice(first + 1, last)
  const actions = scope
    .slice(last + 1)
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '')
  if (name === '' || actions.length === 0) return undefined
  // `*` on a repository (skopeo's delete asks `repository:<n>:*`) stands for every repository action.
  if (type === 'repository')
    return {
      type,
      name,
      actions: [...new Set(actions.flatMap((a) => (a === '*' ? [...REPOSITORY_ACTIONS] : [a])))],
    }
  if (type === 'registry' && name === 'catalog') return { type, name, actions: [...new Set(actions)] }
  return undefined
}

/** Every scope in the request: repeated `scope` fields, each possibly space-separated. */
export function parseScopes(values: string | string[] | undefined): AccessEntry[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values]
  const out: AccessEntry[] = []
  for (const v of list)
    for (const s of v.split(' ').filter((x) => x !== '')) {
      const e = parseScope(s)
      if (!e) continue
      const same = out.find((x) => x.type === e.type && x.name === e.name)
      if (same) same.actions = [...new Set([...same.actions, ...e.actions])]
      else out.push(e)
    }
  return out
}

export const formatScope = (e: AccessEntry): string => `${e.type}:${e.name}:${e.actions.join(',')}`

/** Does a token's `access` list allow `action` on `name`? */
export function accessAllows(
  access: readonly AccessEntry[],
  type: AccessEntry['type'],
  name: string,
  action: string,
): boolean {
  return access.some(
    (e) => e.type === type && e.name === name && (e.actions.includes(action) || e.actions.includes('*')),
  )
}
