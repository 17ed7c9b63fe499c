/**
 * Wire types of the authorization.k8s.io review kinds (SubjectAccessReview, LocalSubjectAccessReview,
 * SelfSubjectAccessReview, SelfSubjectRulesReview) in versions v1 and v1beta1, with Kubernetes' JSON
 * field names. The only difference between the versions is the groups field of a spec: `groups` in v1,
 * `group` in v1beta1 (k8s.io/api authorization/v1beta1 types.go; v1: authorization/v1 types.go).
 */
import type { ObjectMeta, SubjectRulesReviewStatus } from '../types.js'

export const AUTHORIZATION_GROUP = 'authorization.k8s.io'
export const REVIEW_VERSIONS = ['v1', 'v1beta1'] as const
export type ReviewVersion = (typeof REVIEW_VERSIONS)[number]
export type ReviewApiVersion = `authorization.k8s.io/${ReviewVersion}`

export const REVIEW_KINDS = [
  'SubjectAccessReview',
  'LocalSubjectAccessReview',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
] as const
export type ReviewKind = (typeof REVIEW_KINDS)[number]

/** The metadata of a review (validation requires it to be empty). */
export type ReviewObjectMeta = ObjectMeta

export interface FieldSelectorRequirement {
  key: string
  operator: string
  values?: string[]
}

export interface LabelSelectorRequirement {
  key: string
  operator: string
  values?: string[]
}

export interface FieldSelectorAttributes {
  rawSelector?: string
  requirements?: FieldSelectorRequirement[]
}

export interface LabelSelectorAttributes {
  rawSelector?: string
  requirements?: LabelSelectorRequirement[]
}

export interface ResourceAttributes {
  namespace?: string
  verb?: string
  group?: string
  version?: string
  resource?: string
  subresource?: string
  name?: string
  fieldSelector?: FieldSelectorAttributes
  labelSelector?: LabelSelectorAttributes
}

export interface NonResourceAttributes {
  path?: string
  verb?: string
}

/**
 * A SubjectAccessReview spec with v1 field names. Every parsed review is normalised to this shape,
 * whatever version it arrived in; `toWireReview` converts back.
 */
export interface SubjectAccessReviewSpec {
  resourceAttributes?: ResourceAttributes
  nonResourceAttributes?: NonResourceAttributes
  user?: string
  groups?: string[]
  extra?: Record<string, string[]>
  uid?: string
}

/** The v1beta1 wire spelling of the same spec. */
export interface SubjectAccessReviewSpecV1beta1 extends Omit<SubjectAccessReviewSpec, 'groups'> {
  group?: string[]
}

export interface SelfSubjectAccessReviewSpec {
  resourceAttributes?: ResourceAttributes
  nonResourceAttributes?: NonResourceAttributes
}

export interface SelfSubjectRulesReviewSpec {
  namespace?: string
}

/** `allowed` is always serialised; `denied`, `reason` and `evaluationError` are omitempty. */
export interface SubjectAccessReviewStatus {
  allowed: boolean
  denied?: boolean
  reason?: string
  evaluationError?: string
}

interface WireObject<K extends ReviewKind, S, T> {
  apiVersion: ReviewApiVersion
  kind: K
  metadata: ReviewObjectMeta
  spec: S
  status?: T
}

export type SubjectAccessReview = WireObject<
  'SubjectAccessReview',
  SubjectAccessReviewSpec | SubjectAccessReviewSpecV1beta1,
  SubjectAccessReviewStatus
>
export type LocalSubjectAccessReview = WireObject<
  'LocalSubjectAccessReview',
  SubjectAccessReviewSpec | SubjectAccessReviewSpecV1beta1,
  SubjectAccessReviewStatus
>
export type SelfSubjectAccessReview = WireObject<
  'SelfSubjectAccessReview',
  SelfSubjectAccessReviewSpec,
  SubjectAccessReviewStatus
>
export type SelfSubjectRulesReview = WireObject<
  'SelfSubjectRulesReview',
  SelfSubjectRulesReviewSpec,
  SubjectRulesReviewStatus
>
