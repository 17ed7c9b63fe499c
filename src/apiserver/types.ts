/**
 * Wire and domain types shared by the API server slice: Kubernetes objects as plain JSON, the
 * authenticated user, the authorization attributes kube-apiserver derives from a request, and the
 * decisions its authorizers return.
 */
import type { ObjectMeta, SubjectRulesReviewStatus, UserInfo } from '../kube/index.js'

export type { NonResourceRule, ObjectMeta, ResourceRule, UserInfo } from '../kube/index.js'
/** SelfSubjectRulesReview status, as the rule resolver returns it. */
export type RulesResult = SubjectRulesReviewStatus

/** A Kubernetes object in its JSON form. */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  [field: string]: unknown
}

/** What an authenticator made of a request's credentials. */
export interface Authenticated {
  user: UserInfo
  /** `x509`, `token-file`, `webhook`, `anonymous`, … — for the trace, never the wire. */
  method: string
}

/** Result of `deps.authenticateToken`. */
export type TokenAuthResult =
  | {
      authenticated: true
      user: UserInfo
      /** Audiences the token is valid for (TokenReview status.audiences); empty = the server's own. */
      audiences?: string[]
      /** Extra facts for the trace (cache hit, webhook latency, Graph calls). */
      detail?: Record<string, unknown>
    }
  | { authenticated: false; error?: string; detail?: Record<string, unknown> }

export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | (string & {})

/** authorizer.Attributes: what kube-apiserver hands to its authorizers. */
export interface AuthorizationAttributes {
  user: UserInfo
  verb: Verb
  resourceRequest: boolean
  /** Non-resource requests: the URL path. */
  path: string
  namespace: string
  apiGroup: string
  apiVersion: string
  resource: string
  subresource: string
  name: string
  /** Parsed selector requirements (AuthorizeWithSelectors), when the request has them. */
  fieldSelector?: SelectorRequirement[]
  labelSelector?: SelectorRequirement[]
}

export interface SelectorRequirement {
  key: string
  operator: string
  values?: string[]
}

export type Decision = 'Allow' | 'Deny' | 'NoOpinion'

export interface AuthorizationResult {
  decision: Decision
  reason: string
  /** Resolution errors (SubjectAccessReview status.evaluationError). */
  evaluationError?: string
  /** Extra facts for the trace: which authorizer decided, cache hits, … */
  detail?: Record<string, unknown>
}
