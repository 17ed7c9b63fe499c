/**
 * The Kubernetes RBAC engine over an object source: decisions with Kubernetes' rbac.go's exact
 * semantics and reasons, SelfSubjectRulesReview rules, and two explanations real clusters do not give
 * (`why`, `whoCan`). The indexed snapshot is rebuilt only when the source's version changes.
 */
import { authorize, rulesFor } from './evaluate.js'
import type { RbacObjects } from './object-source.js'
import { buildSnapshot, type RbacSnapshot } from './snapshot.js'
import type {
  AccessRequest,
  AuthorizationRequest,
  ClusterRole,
  RbacDecision,
  SubjectRulesReviewStatus,
  UserInfo,
} from './types.js'
import { explain, type WhyResult } from './why.js'
import { whoCan, type WhoCanResult } from './who-can.js'

export interface RbacAuthorizer {
  /** The RBAC authorizer's decision: Allow or NoOpinion (never Deny), with its exact reason. */
  authorize(request: AuthorizationRequest): RbacDecision
  /** What SelfSubjectRulesReview returns for the user in `namespace` (incomplete is always false). */
  rulesFor(user: UserInfo, namespace: string): SubjectRulesReviewStatus
  /** The decision plus, when not allowed, the closest bindings and what each lacks. */
  why(request: AuthorizationRequest, options?: { limit?: number }): WhyResult
  /** Every subject RBAC would allow to make the request, with the binding that grants it. */
  whoCan(request: AccessRequest): WhoCanResult
  /** A ClusterRole as the aggregation controller would have written it (aggregated rules filled in). */
  effectiveClusterRole(name: string): ClusterRole | undefined
  /** Aggregation problems (invalid clusterRoleSelectors) of the current objects. */
  problems(): string[]
  /** The current indexed snapshot (for diagnostics and tests). */
  snapshot(): RbacSnapshot
}

/**
 * @example
 * const rbac = createRbacAuthorizer(createMemoryRbacObjects(loadBootstrapPolicy()))
 * rbac.authorize({ user: { name: 'u', groups: ['system:authenticated'] }, nonResourceAttributes: { verb: 'get', path: '/version' } })
 * // → { decision: 'Allow', reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"', … }
 */
export function createRbacAuthorizer(source: RbacObjects): RbacAuthorizer {
  let cached: RbacSnapshot | undefined
  const snapshot = (): RbacSnapshot => {
    const version = source.version()
    if (cached?.version !== version) cached = buildSnapshot(source, version)
    return cached
  }
  return {
    authorize: (request) => authorize(snapshot(), request),
    rulesFor: (user, namespace) => rulesFor(snapshot(), user, namespace),
    why: (request, options) => explain(snapshot(), request, options?.limit),
    whoCan: (request) => whoCan(snapshot(), request),
    effectiveClusterRole(name) {
      const role = snapshot().clusterRoles.get(name)
      if (!role) return undefined
      const raw = source
        .list('ClusterRole')
        .findLast((o) => (o as ClusterRole | undefined)?.metadata?.name === name)
      return { ...(raw as ClusterRole), rules: structuredClone(role.rules) }
    },
    problems: () => [...snapshot().problems],
    snapshot,
  }
}
