/**
 * Review responses on the wire, in the version the caller asked for: the spec echoed back (v1beta1
 * spells groups `group`), metadata as Go serialises an empty ObjectMeta (`creationTimestamp: null`),
 * and a status whose `allowed` is always present while `denied`, `reason` and `evaluationError` are
 * omitempty. Keys come in Go struct order so bodies diff cleanly against real ones.
 */
import {
  type ParsedAccessReview,
  type ParsedRulesReview,
  AUTHORIZATION_GROUP,
  type FieldSelectorAttributes,
  type LabelSelectorAttributes,
  type LocalSubjectAccessReview,
  type NonResourceAttributes,
  type ResourceAttributes,
  type ReviewObjectMeta,
  type ReviewVersion,
  type SelfSubjectAccessReview,
  type SelfSubjectRulesReview,
  type SubjectAccessReview,
  type SubjectAccessReviewSpec,
  type SubjectAccessReviewStatus,
  type SubjectRulesReviewStatus,
} from '../../kube/index.js'

/** Any authorizer's answer; `denied` only counts when true. */
export interface AccessDecision {
  allowed: boolean
  denied?: boolean | undefined
  reason?: string | undefined
  evaluationError?: string | undefined
}

/** SubjectAccessReviewStatus with Go's omitempty rules. */
export function toWireStatus(d: AccessDecision): SubjectAccessReviewStatus {
  return {
    allowed: d.allowed,
    ...(d.denied && { denied: true }),
    ...(d.reason && { reason: d.reason }),
    ...(d.evaluationError && { evaluationError: d.evaluationError }),
  }
}

/** Copies the listed keys in order, dropping empty strings, empty lists and undefined (omitempty). */
function omitEmpty<T extends object>(value: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {}
  for (const k of keys) {
    const v = value[k]
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v) && v.length === 0) continue
    out[k] = v
  }
  return out
}

function wireSelector<T extends FieldSelectorAttributes | LabelSelectorAttributes>(s: T): T {
  const out = omitEmpty(s, ['rawSelector']) as T
  if (s.requirements && s.requirements.length > 0)
    out.requirements = s.requirements.map((r) => ({
      key: r.key,
      operator: r.operator,
      ...(r.values && r.values.length > 0 && { values: r.values }),
    }))
  return out
}

function wireResourceAttributes(ra: ResourceAttributes): ResourceAttributes {
  // The selectors are pointers in Go: present (even empty) means serialised.
  return {
    ...omitEmpty(ra, ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name']),
    ...(ra.fieldSelector && { fieldSelector: wireSelector(ra.fieldSelector) }),
    ...(ra.labelSelector && { labelSelector: wireSelector(ra.labelSelector) }),
  }
}

function wireNonResourceAttributes(nra: NonResourceAttributes): NonResourceAttributes {
  return omitEmpty(nra, ['path', 'verb'])
}

/** The spec in `version`'s spelling. */
export function toWireSpec(spec: SubjectAccessReviewSpec, version: ReviewVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (spec.resourceAttributes) out.resourceAttributes = wireResourceAttributes(spec.resourceAttributes)
  if (spec.nonResourceAttributes)
    out.nonResourceAttributes = wireNonResourceAttributes(spec.nonResourceAttributes)
  if (spec.user) out.user = spec.user
  if (spec.groups && spec.groups.length > 0) out[version === 'v1beta1' ? 'group' : 'groups'] = spec.groups
  if (spec.extra && Object.keys(spec.extra).length > 0) out.extra = spec.extra
  if (spec.uid) out.uid = spec.uid
  return out
}

function wireMetadata(meta: ReviewObjectMeta): ReviewObjectMeta {
  return {
    ...omitEmpty(meta, ['name', 'generateName', 'namespace', 'uid', 'resourceVersion']),
    creationTimestamp: null,
  }
}

type AccessReviewWire = SubjectAccessReview | LocalSubjectAccessReview | SelfSubjectAccessReview

/**
 * A SubjectAccessReview, LocalSubjectAccessReview or SelfSubjectAccessReview answer.
 *
 * @example
 * toWireReview(parsed, { allowed: false, denied: true, reason: 'no' }) // answers in parsed.version
 */
export function toWireReview(
  review: ParsedAccessReview,
  decision: AccessDecision,
  version: ReviewVersion = review.version,
): AccessReviewWire {
  const spec =
    review.kind === 'SelfSubjectAccessReview'
      ? toWireSpec({ ...pickAttributes(review.spec) }, version)
      : toWireSpec(review.spec, version)
  return {
    kind: review.kind,
    apiVersion: `${AUTHORIZATION_GROUP}/${version}`,
    metadata: wireMetadata(review.metadata),
    spec,
    status: toWireStatus(decision),
  }
}

function pickAttributes(spec: SubjectAccessReviewSpec): SubjectAccessReviewSpec {
  return {
    ...(spec.resourceAttributes && { resourceAttributes: spec.resourceAttributes }),
    ...(spec.nonResourceAttributes && { nonResourceAttributes: spec.nonResourceAttributes }),
  }
}

/** A SelfSubjectRulesReview answer; the three list/flag fields are always present. */
export function toWireRulesReview(
  review: ParsedRulesReview,
  status: SubjectRulesReviewStatus,
  version: ReviewVersion = review.version,
): SelfSubjectRulesReview {
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: `${AUTHORIZATION_GROUP}/${version}`,
    metadata: wireMetadata(review.metadata),
    spec: review.spec.namespace ? { namespace: review.spec.namespace } : {},
    status: {
      resourceRules: status.resourceRules.map((r) => ({
        verbs: r.verbs,
        ...omitEmpty(r, ['apiGroups', 'resources', 'resourceNames']),
      })),
      nonResourceRules: status.nonResourceRules.map((r) => ({
        verbs: r.verbs,
        ...omitEmpty(r, ['nonResourceURLs']),
      })),
      incomplete: status.incomplete,
      ...(status.evaluationError && { evaluationError: status.evaluationError }),
    },
  }
}
