/**
 * The Kubernetes RBAC engine's public surface, for the API server and the CLI. See docs/rbac.md.
 *
 * @example
 * const objects = createMemoryRbacObjects(kubernetesSeedObjects(scenario.kubernetes))
 * const rbac = createRbacAuthorizer(objects)
 * rbac.authorize({ user: { name: 'alice', groups: ['system:authenticated'] },
 *                  resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'dev' } })
 */
export { createRbacAuthorizer, type RbacAuthorizer } from './authorizer.js'
export { createMemoryRbacObjects, type MemoryRbacObjects, type RbacObjects } from './object-source.js'
export { aggregateClusterRoleObjects, type AggregationOutcome } from './aggregation.js'
export { loadBootstrapPolicy } from './bootstrap.js'
export { ruleAllows } from './rule-match.js'
export { impersonatedUser, splitServiceAccountUsername } from './impersonation.js'
export { isRbacObject, validateRbacObject, validateKubernetesRbacObjects } from './validate.js'
export { formatRulesTable } from './rules-table.js'
export {
  demoKubernetes,
  kubernetesScenarioProblems,
  kubernetesScenarioSchema,
  kubernetesSeedObjects,
  type KubernetesManifest,
  type KubernetesScenario,
} from './scenario.js'
export type { WhyResult, WhyCandidate, Lack, LackKind } from './why.js'
export type { WhoCanResult, WhoCanEntry } from './who-can.js'
export {
  RBAC_API_VERSION,
  RBAC_GROUP,
  RBAC_KINDS,
  type AccessRequest,
  type AuthorizationRequest,
  type BindingRef,
  type ClusterRole,
  type ClusterRoleBinding,
  type NonResourceAttributes,
  type PolicyRule,
  type RbacDecision,
  type RbacKind,
  type RbacMatch,
  type RbacObject,
  type ResourceAttributes,
  type Role,
  type RoleBinding,
  type RoleRef,
  type Subject,
  type SubjectRulesReviewStatus,
  type UserInfo,
} from './types.js'
export { ManifestError } from './manifests.js'
export { loadOfflineCluster, type OfflineCluster } from './offline.js'
export { resolveResource } from './resource-names.js'
export { printWhoCan, printWhy } from './text-output.js'
