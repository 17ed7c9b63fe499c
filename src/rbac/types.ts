/**
 * Wire types of rbac.authorization.k8s.io/v1 (k8s.io/api rbac/v1 types.go), with field names exactly as
 * Kubernetes serialises them, plus the request and decision shapes of the RBAC engine.
 */

export const RBAC_GROUP = 'rbac.authorization.k8s.io'
export const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1'

export type RbacKind = 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding'
export const RBAC_KINDS: readonly RbacKind[] = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']

export interface ObjectMeta {
  name: string
  namespace?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  [field: string]: unknown
}

export interface PolicyRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

export interface LabelSelectorRequirement {
  key: string
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
  values?: string[]
}

export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: LabelSelectorRequirement[]
}

export interface AggregationRule {
  clusterRoleSelectors?: LabelSelector[]
}

export interface Role {
  apiVersion: typeof RBAC_API_VERSION
  kind: 'Role'
  metadata: ObjectMeta & { namespace: string }
  rules?: PolicyRule[] | null
}

export interface ClusterRole {
  apiVersion: typeof RBAC_API_VERSION
  kind: 'ClusterRole'
  metadata: ObjectMeta
  /** Filled (and overwritten) by the aggregation controller when `aggregationRule` is set. */
  rules?: PolicyRule[] | null
  aggregationRule?: AggregationRule
}

export interface Subject {
  /** `User`, `Group` or `ServiceAccount`; any other kind never matches. */
  kind: string
  name: string
  /** ServiceAccount only; in a RoleBinding it defaults to the binding's namespace. */
  namespace?: string
  /** `rbac.authorization.k8s.io` for User/Group, `""` for ServiceAccount. Not checked when authorizing. */
  apiGroup?: string
}

export interface RoleRef {
  apiGroup: string
  kind: string
  name: string
}

export interface RoleBinding {
  apiVersion: typeof RBAC_API_VERSION
  kind: 'RoleBinding'
  metadata: ObjectMeta & { namespace: string }
  roleRef: RoleRef
  subjects?: Subject[] | null
}

export interface ClusterRoleBinding {
  apiVersion: typeof RBAC_API_VERSION
  kind: 'ClusterRoleBinding'
  metadata: ObjectMeta
  roleRef: RoleRef
  subjects?: Subject[] | null
}

export type RbacObject = Role | ClusterRole | RoleBinding | ClusterRoleBinding

// ------------------------------------------------------------------ requests

/** The authenticated user, as the authorizer sees it (user.Info). RBAC derives no groups itself. */
export interface UserInfo {
  name: string
  groups?: readonly string[]
  uid?: string
  extra?: Readonly<Record<string, readonly string[]>>
}

/** SubjectAccessReview `resourceAttributes` ("" or absent = none / all). */
export interface ResourceAttributes {
  verb: string
  namespace?: string
  group?: string
  version?: string
  resource?: string
  subresource?: string
  name?: string
}

/** SubjectAccessReview `nonResourceAttributes`. */
export interface NonResourceAttributes {
  verb: string
  path: string
}

/** What is asked, without who asks: exactly one of the two attribute kinds (resource wins if both). */
export type AccessRequest =
  | { resourceAttributes: ResourceAttributes; nonResourceAttributes?: undefined }
  | { nonResourceAttributes: NonResourceAttributes; resourceAttributes?: undefined }

export type AuthorizationRequest = AccessRequest & { user: UserInfo }

// ------------------------------------------------------------------ results

export interface BindingRef {
  kind: 'ClusterRoleBinding' | 'RoleBinding'
  name: string
  /** RoleBindings only. */
  namespace?: string
}

export interface RoleRefInfo {
  kind: string
  name: string
}

/** What granted an allowed request. */
export interface RbacMatch {
  binding: BindingRef
  role: RoleRefInfo
  rule: PolicyRule
  /** Index of the rule in the role's effective (post-aggregation) rules. */
  ruleIndex: number
  /** The first subject of the binding that matched the user (the one the reason names). */
  subject: Subject
}

/**
 * Decisions (and the objects inside them) may be shared between calls that reach the same answer:
 * treat them as read-only.
 */
export interface RbacDecision {
  /** RBAC never denies: anything not allowed is NoOpinion, so the next authorizer may decide. */
  decision: 'Allow' | 'NoOpinion'
  /** `RBAC: allowed by …`, or for NoOpinion "" or `RBAC: <aggregated resolution errors>`. */
  reason: string
  /**
   * Never set by `authorize` (Kubernetes' rbac.go returns a nil error; resolution errors go into
   * `reason`). Present for API symmetry with SubjectAccessReview status.
   */
  evaluationError?: string
  matched?: RbacMatch
}

export type { SubjectRulesReviewStatus } from '../kube/index.js'
