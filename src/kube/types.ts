/**
 * Wire types more than one Kubernetes-speaking slice shares (k8s.io/api authentication/v1 and
 * authorization/v1 types.go).
 */

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
