/**
 * ARM scopes: parsing, the chain of ancestors an assignment is inherited through (management group ⊃
 * subscription ⊃ resource group ⊃ resource ⊃ child resource, e.g. a cluster's `namespaces/<ns>`), and
 * the ids of AKS clusters. ARM ids compare case-insensitively.
 */
import { isGuid } from '../kernel/ids.js'

export type ScopeKind = 'root' | 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource'

export interface ParsedScope {
  kind: ScopeKind
  /** The scope without a trailing slash, casing as given. */
  id: string
  subscriptionId?: string
  managementGroupId?: string
  /** Every ancestor including itself, most general first (without management groups or root). */
  chain: string[]
}

const MG_PREFIX = '/providers/microsoft.management/managementgroups/'
const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b

export const normaliseScope = (scope: string): string => scope.replace(/\/+$/, '').toLowerCase() || '/'

/** Parses a scope; undefined when it is not a well-formed ARM scope. */
export function parseScope(scope: string): ParsedScope | undefined {
  if (scope === '/') return { kind: 'root', id: '/', chain: [] }
  const id = scope.replace(/\/$/, '')
  if (!id.startsWith('/')) return undefined
  const parts = id.slice(1).split('/')
  if (parts.some((p) => p.trim() === '' || p !== p.trim())) return undefined
  if (id.toLowerCase().startsWith(MG_PREFIX)) {
    if (parts.length !== 4) return undefined
    return { kind: 'managementGroup', id, managementGroupId: parts[3]!, chain: [] }
  }
  if (!eq(parts[0], 'subscriptions') || parts.length < 2 || !isGuid(parts[1]!)) return undefined
  const chain = [`/${parts.slice(0, 2).join('/')}`]
  let i = 2
  let kind: ScopeKind = 'subscription'
  if (eq(parts[i], 'resourcegroups')) {
    if (parts.length < i + 2) return undefined
    chain.push(`/${parts.slice(0, i + 2).join('/')}`)
    kind = 'resourceGroup'
    i += 2
  }
  if (i < parts.length) {
    // providers/<namespace>/<type>/<name>[/<type>/<name>]…
    if (!eq(parts[i], 'providers') || parts.length < i + 4 || (parts.length - i - 2) % 2 !== 0)
      return undefined
    for (let j = i + 4; j <= parts.length; j += 2) chain.push(`/${parts.slice(0, j).join('/')}`)
    kind = 'resource'
  }
  return { kind, id, subscriptionId: parts[1]!, chain }
}

/** The hierarchy above subscriptions: which management group each subscription sits in. */
export interface ScopeHierarchy {
  /** Management group of a subscription (lowercase id → group id), if any. */
  managementGroupOf(subscriptionId: string): string | undefined
  /** Parent of a management group, if any. */
  parentOf(managementGroupId: string): string | undefined
}

export const flatHierarchy: ScopeHierarchy = { managementGroupOf: () => undefined, parentOf: () => undefined }

/** Normalised scopes whose assignments apply at `scope`: root, management groups, then the chain. */
export function inheritedScopes(scope: string, hierarchy: ScopeHierarchy = flatHierarchy): string[] {
  const parsed = parseScope(scope)
  if (!parsed) return []
  const groups: string[] = []
  let mg =
    parsed.managementGroupId ?? (parsed.subscriptionId && hierarchy.managementGroupOf(parsed.subscriptionId))
  const seen = new Set<string>()
  while (mg && !seen.has(mg.toLowerCase())) {
    seen.add(mg.toLowerCase())
    groups.unshift(`/providers/Microsoft.Management/managementGroups/${mg}`)
    mg = hierarchy.parentOf(mg)
  }
  return ['/', ...groups, ...parsed.chain].map(normaliseScope)
}

/** Is `inner` the same scope as `outer` or below it (path-wise)? */
export function isWithin(inner: string, outer: string): boolean {
  const a = normaliseScope(inner)
  const b = normaliseScope(outer)
  return b === '/' || a === b || a.startsWith(`${b}/`)
}

export const managedClusterId = (subscriptionId: string, resourceGroup: string, name: string): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`
