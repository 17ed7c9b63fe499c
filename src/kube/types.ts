/**
 * Wire types more than one Kubernetes-speaking slice shares (k8s.io/api authentication/v1 and
 * authorization/v1 types.go).
 */

/** metav1.ObjectMeta in its JSON form (timestamps as RFC 3339 strings; null where Go marshals a zero Time). */
export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string | null
  deletionTimestamp?: string
  deletionGracePeriodSeconds?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: unknown[]
  finalizers?: string[]
  managedFields?: unknown[]
  [field: string]: unknown
}

/** authentication.k8s.io/v1 UserInfo, as authenticators produce it (groups always a list). */
export interface UserInfo {
  username: string
  uid?: string
  groups: string[]
  extra?: Record<string, string[]>
}

/** authorization.k8s.io/v1 ResourceRule (SelfSubjectRulesReview). */
export interface ResourceRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
}

/** authorization.k8s.io/v1 NonResourceRule (SelfSubjectRulesReview). */
export interface NonResourceRule {
  verbs: string[]
  nonResourceURLs?: string[]
}

/** SelfSubjectRulesReview status: `resourceRules`, `nonResourceRules` and `incomplete` are required on the wire. */
export interface SubjectRulesReviewStatus {
  resourceRules: ResourceRule[]
  nonResourceRules: NonResourceRule[]
  incomplete: boolean
  evaluationError?: string
}
