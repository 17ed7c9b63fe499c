/**
 * Kubernetes 1.32 validation of the review kinds, rule for rule and message for message:
 * kubernetes/kubernetes `pkg/apis/authorization/validation/validation.go` (the 1.31–1.33 revision with
 * selector checks) and apimachinery `meta/v1/validation` for selector requirements (unknown operators
 * allowed, as the review endpoints ask). Values render as 1.32's field.ErrorBody prints them.
 */
import { forbidden, invalidRaw as invalid, required, type FieldError } from '../field.js'
import { goQuote } from '../go-format.js'
import { labelValue, qualifiedName } from '../names.js'
import { goNonResourceAttributes, goObjectMeta } from './go-structs.js'
import type {
  FieldSelectorAttributes,
  LabelSelectorAttributes,
  ResourceAttributes,
  ReviewObjectMeta,
  SelfSubjectAccessReviewSpec,
  SubjectAccessReviewSpec,
} from './types.js'

/** 1.32's ErrorBody turns a nil pointer into the string "null", which %q then quotes. */
const NULL = '"null"'

function selectorErrors(
  selector: FieldSelectorAttributes | LabelSelectorAttributes | undefined,
  path: string,
  labels: boolean,
): FieldError[] {
  if (!selector) return []
  const errs: FieldError[] = []
  const raw = selector.rawSelector ?? ''
  const reqs = selector.requirements ?? []
  if (raw.length > 0 && reqs.length > 0)
    errs.push(
      invalid(`${path}.rawSelector`, goQuote(raw), 'may not specified at the same time as requirements'),
    )
  if (raw.length === 0 && reqs.length === 0)
    errs.push(
      required(`${path}.requirements`, `when ${path} is specified, requirements or rawSelector is required`),
    )
  reqs.forEach((r, i) => {
    const at = `${path}.requirements[${i}]`
    const values = r.values ?? []
    if (!labels && !r.key) errs.push(required(`${at}.key`, 'must be specified'))
    if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0)
      errs.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"))
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values.length > 0)
      errs.push(
        forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
      )
    if (labels) {
      for (const m of qualifiedName(r.key ?? '')) errs.push(invalid(`${at}.key`, goQuote(r.key ?? ''), m))
      values.forEach((v, j) => {
        for (const m of labelValue(v)) errs.push(invalid(`${at}.values[${j}]`, goQuote(v), m))
      })
    }
  })
  return errs
}

function resourceAttributesErrors(ra: ResourceAttributes | undefined): FieldError[] {
  if (!ra) return []
  return [
    ...selectorErrors(ra.fieldSelector, 'spec.resourceAttributes.fieldSelector', false),
    ...selectorErrors(ra.labelSelector, 'spec.resourceAttributes.labelSelector', true),
  ]
}

function attributeKindErrors(spec: SelfSubjectAccessReviewSpec): FieldError[] {
  const errs: FieldError[] = []
  if (spec.resourceAttributes && spec.nonResourceAttributes)
    errs.push(
      invalid(
        'spec.nonResourceAttributes',
        goNonResourceAttributes(spec.nonResourceAttributes),
        'cannot be specified in combination with resourceAttributes',
      ),
    )
  if (!spec.resourceAttributes && !spec.nonResourceAttributes)
    errs.push(
      invalid(
        'spec.resourceAttributes',
        NULL,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    )
  return errs
}

/** ValidateSubjectAccessReviewSpec. */
export function subjectAccessReviewSpecErrors(spec: SubjectAccessReviewSpec): FieldError[] {
  const errs = attributeKindErrors(spec)
  if (!spec.user && (spec.groups ?? []).length === 0)
    errs.push(
      invalid('spec.user', goQuote(spec.user ?? ''), 'at least one of user or group must be specified'),
    )
  return [...errs, ...resourceAttributesErrors(spec.resourceAttributes)]
}

/** ValidateSelfSubjectAccessReviewSpec. */
export function selfSubjectAccessReviewSpecErrors(spec: SelfSubjectAccessReviewSpec): FieldError[] {
  return [...attributeKindErrors(spec), ...resourceAttributesErrors(spec.resourceAttributes)]
}

function isEmptyMeta(meta: ReviewObjectMeta, ignoreNamespace: boolean): boolean {
  // ManagedFields are cleared before the comparison, exactly like the Go code's shallow copy.
  return Object.entries(meta as Record<string, unknown>).every(([k, v]) => {
    if (k === 'managedFields' || (ignoreNamespace && k === 'namespace')) return true
    // Semantic.DeepEqual treats empty and nil maps and slices alike.
    if (v === undefined || v === null || v === '' || v === 0) return true
    if (Array.isArray(v)) return v.length === 0
    return typeof v === 'object' && Object.keys(v).length === 0
  })
}

/** The metadata rule of SubjectAccessReview and SelfSubjectAccessReview. */
export function metadataErrors(meta: ReviewObjectMeta): FieldError[] {
  return isEmptyMeta(meta, false) ? [] : [invalid('metadata', goObjectMeta(meta), 'must be empty')]
}

/** ValidateLocalSubjectAccessReview without the spec rules (call subjectAccessReviewSpecErrors first). */
export function localReviewErrors(meta: ReviewObjectMeta, spec: SubjectAccessReviewSpec): FieldError[] {
  const errs: FieldError[] = []
  if (!isEmptyMeta(meta, true))
    errs.push(invalid('metadata', goObjectMeta(meta), 'must be empty except for namespace'))
  const ns = spec.resourceAttributes?.namespace ?? ''
  if (spec.resourceAttributes && ns !== (meta.namespace ?? ''))
    errs.push(invalid('spec.resourceAttributes.namespace', goQuote(ns), 'must match metadata.namespace'))
  if (spec.nonResourceAttributes)
    errs.push(
      invalid(
        'spec.nonResourceAttributes',
        goNonResourceAttributes(spec.nonResourceAttributes),
        'disallowed on this kind of request',
      ),
    )
  return errs
}
