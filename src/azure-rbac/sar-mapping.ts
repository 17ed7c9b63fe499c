/**
 * guard's translation of a SubjectAccessReview into Azure terms (kubeguard/guard
 * `authz/providers/azure/rbac/checkaccessreqhelper.go`: getActionName, getResourceAndAction,
 * getDataActions, getScope, getResultCacheKey), reproduced with Go's path.Join so odd inputs map as
 * they do in guard. docs/azure-rbac.md has the table.
 */
import { type SubjectAccessReviewSpec } from '../kube/index.js'
import { goPathJoin } from './go-path.js'

export const CLUSTER_TYPE_PREFIXES = {
  aks: 'Microsoft.ContainerService/managedClusters',
  arc: 'Microsoft.Kubernetes/connectedClusters',
  fleet: 'Microsoft.ContainerService/fleets',
} as const
export type ClusterType = keyof typeof CLUSTER_TYPE_PREFIXES

/** getActionName: Kubernetes verb → the last part of the data action ("" for verbs Azure has none for). */
export function actionName(verb: string): string {
  switch (verb) {
    case 'get':
    case 'list':
    case 'watch':
      return 'read'
    case 'create':
    case 'patch':
    case 'update':
      return 'write'
    case 'delete':
    case 'deletecollection':
      return 'delete'
    case 'bind':
    case 'escalate':
    case 'use':
    case 'impersonate':
      return `${verb}/action`
    case '*':
      return '*'
    default:
      return ''
  }
}

/** getResourceAndAction: only pods/exec keeps its subresource; every other subresource maps to its parent. */
export function resourceAndAction(resource: string, subresource: string, verb: string): string {
  if (resource === 'pods' && subresource === 'exec') return goPathJoin(resource, subresource, 'action')
  return goPathJoin(resource, actionName(verb))
}

export interface MappedRequest {
  /** The data action as guard sends it (a wildcard SAR keeps its `*`). */
  actionId: string
  /**
   * What must be granted, as patterns: the action itself, or for group `*` both the core-group and
   * the named-group forms (a `*` in a pattern stands for any text).
   */
  patterns: string[]
  wildcard: boolean
}

/** getDataActions for one SAR; guard's wildcard branch (which needs discovery) is replaced by patterns. */
export function mapSarToDataAction(
  spec: SubjectAccessReviewSpec,
  clusterType: ClusterType = 'aks',
): MappedRequest {
  const prefix = CLUSTER_TYPE_PREFIXES[clusterType]
  const ra = spec.resourceAttributes
  if (ra) {
    const group = ra.group ?? ''
    const rest = resourceAndAction(ra.resource ?? '', ra.subresource ?? '', ra.verb ?? '')
    const actionId = goPathJoin(prefix, group, rest)
    const wildcard = ra.resource === '*' || group === '*' || ra.verb === '*'
    // Group `*` means the core group (no segment) as well as every named group.
    const patterns = group === '*' ? [goPathJoin(prefix, rest), actionId] : [actionId]
    return { actionId, patterns, wildcard: wildcard || actionId.includes('*') }
  }
  const nra = spec.nonResourceAttributes ?? {}
  const actionId = goPathJoin(prefix, nra.path ?? '', actionName(nra.verb ?? ''))
  return { actionId, patterns: [actionId], wildcard: actionId.includes('*') }
}

/** getScope: `<cluster>/namespaces/<ns>` for namespaced requests, the cluster id otherwise. */
export function scopeFor(spec: SubjectAccessReviewSpec, clusterResourceId: string): string {
  const ns = spec.resourceAttributes?.namespace ?? ''
  return ns ? goPathJoin(clusterResourceId, 'namespaces', ns) : clusterResourceId
}

/** getResultCacheKey (subresource type check off): user/ns/group/resource/action or user/path/action. */
export function guardCacheKey(spec: SubjectAccessReviewSpec): string {
  const user = spec.user ?? ''
  const ra = spec.resourceAttributes
  if (ra) {
    const dir = (s: string | undefined) => (s ? s : '-')
    return goPathJoin(
      user,
      dir(ra.namespace),
      dir(ra.group),
      resourceAndAction(ra.resource ?? '', ra.subresource ?? '', ra.verb ?? ''),
    )
  }
  const nra = spec.nonResourceAttributes
  return nra ? goPathJoin(user, nra.path ?? '', actionName(nra.verb ?? '')) : user
}

const DISCOVERY_PREFIXES = ['/api', '/openapi', '/version', '/healthz']

/** AllowNonResPathDiscoveryAccess: GET (any case) of /api*, /openapi*, /version*, /healthz*. */
export function isDiscoveryRequest(spec: SubjectAccessReviewSpec): boolean {
  const nra = spec.nonResourceAttributes
  if (!nra || (nra.verb ?? '').toLowerCase() !== 'get') return false
  const path = (nra.path ?? '').toLowerCase()
  return DISCOVERY_PREFIXES.some((p) => path.startsWith(p))
}
