/**
 * The user kube-apiserver's impersonation filter builds from `Impersonate-User` / `Impersonate-Group`
 * (kubectl `--as` / `--as-group`), so `rbac can-i --as bob` is asked as the API server would ask it:
 * a ServiceAccount username without groups gets its two ServiceAccount groups, and every impersonated
 * user gets `system:authenticated` (`system:unauthenticated` for system:anonymous) unless one is given.
 */
import { SA_PREFIX } from './subjects.js'
import type { UserInfo } from './types.js'

export const ANONYMOUS = 'system:anonymous'
export const AUTHENTICATED = 'system:authenticated'
export const UNAUTHENTICATED = 'system:unauthenticated'

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** serviceaccount.SplitUsername: namespace and name of a valid `system:serviceaccount:<ns>:<name>`. */
export function splitServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined
  const parts = username.slice(SA_PREFIX.length).split(':')
  if (parts.length !== 2) return undefined
  const [namespace, name] = parts as [string, string]
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) return undefined
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return undefined
  return { namespace, name }
}

/**
 * @example
 * impersonatedUser('system:serviceaccount:ci:builder')
 * // → { name: 'system:serviceaccount:ci:builder',
 * //     groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] }
 */
export function impersonatedUser(name: string, groups: readonly string[] = []): UserInfo {
  let result = [...groups]
  const sa = splitServiceAccountUsername(name)
  if (sa && result.length === 0) result = ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`]
  if (name !== ANONYMOUS) {
    if (!result.some((g) => g === AUTHENTICATED || g === UNAUTHENTICATED)) result.push(AUTHENTICATED)
  } else if (!result.includes(UNAUTHENTICATED)) result.push(UNAUTHENTICATED)
  return { name, groups: result }
}
