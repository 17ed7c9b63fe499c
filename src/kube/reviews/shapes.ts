/**
 * Field layouts of the review kinds for the decoder (k8s.io/api authorization/v1 and v1beta1
 * types.go, metav1.ObjectMeta). v1beta1 differs only in the spec's groups key: `group`.
 */
import type { Shape } from './decode.js'
import type { ReviewKind, ReviewVersion } from './types.js'

type StructShape = Extract<Shape, { t: 'struct' }>

const str: Shape = { t: 'string' }
const bool: Shape = { t: 'bool' }
const strings: Shape = { t: 'slice', of: str, goType: '[]string' }
const stringMap: Shape = { t: 'map', of: str, goType: 'map[string]string' }
const authz = (name: string, fields: Record<string, Shape>): StructShape => ({
  t: 'struct',
  name,
  pkg: 'authz',
  fields,
})

const objectMeta: StructShape = {
  t: 'struct',
  name: 'ObjectMeta',
  pkg: 'meta',
  fields: {
    name: str,
    generateName: str,
    namespace: str,
    selfLink: str,
    uid: str,
    resourceVersion: str,
    generation: { t: 'int64' },
    creationTimestamp: { t: 'time' },
    deletionTimestamp: { t: 'time' },
    deletionGracePeriodSeconds: { t: 'int64' },
    labels: stringMap,
    annotations: stringMap,
    ownerReferences: { t: 'slice', of: { t: 'any' }, goType: '[]v1.OwnerReference' },
    finalizers: strings,
    managedFields: { t: 'slice', of: { t: 'any' }, goType: '[]v1.ManagedFieldsEntry' },
  },
}

const requirement = (name: string): StructShape => ({
  t: 'struct',
  name,
  pkg: 'meta',
  fields: { key: str, operator: str, values: strings },
})

const resourceAttributes = authz('ResourceAttributes', {
  namespace: str,
  verb: str,
  group: str,
  version: str,
  resource: str,
  subresource: str,
  name: str,
  fieldSelector: authz('FieldSelectorAttributes', {
    rawSelector: str,
    requirements: {
      t: 'slice',
      of: requirement('FieldSelectorRequirement'),
      goType: '[]v1.FieldSelectorRequirement',
    },
  }),
  labelSelector: authz('LabelSelectorAttributes', {
    rawSelector: str,
    requirements: {
      t: 'slice',
      of: requirement('LabelSelectorRequirement'),
      goType: '[]v1.LabelSelectorRequirement',
    },
  }),
})

const nonResourceAttributes = authz('NonResourceAttributes', { path: str, verb: str })

const accessStatus = authz('SubjectAccessReviewStatus', {
  allowed: bool,
  denied: bool,
  reason: str,
  evaluationError: str,
})

function sarSpec(version: ReviewVersion): StructShape {
  return authz('SubjectAccessReviewSpec', {
    resourceAttributes,
    nonResourceAttributes,
    user: str,
    [version === 'v1beta1' ? 'group' : 'groups']: strings,
    extra: {
      t: 'map',
      of: { t: 'slice', of: str, goType: '$v.ExtraValue' },
      goType: 'map[string]$v.ExtraValue',
    },
    uid: str,
  })
}

const rulesStatus = authz('SubjectRulesReviewStatus', {
  resourceRules: { t: 'slice', of: { t: 'any' }, goType: '[]$v.ResourceRule' },
  nonResourceRules: { t: 'slice', of: { t: 'any' }, goType: '[]$v.NonResourceRule' },
  incomplete: bool,
  evaluationError: str,
})

/** The top-level layout of `kind` in `version`. */
export function reviewShape(kind: ReviewKind, version: ReviewVersion): StructShape {
  const spec =
    kind === 'SelfSubjectRulesReview'
      ? authz('SelfSubjectRulesReviewSpec', { namespace: str })
      : kind === 'SelfSubjectAccessReview'
        ? authz('SelfSubjectAccessReviewSpec', { resourceAttributes, nonResourceAttributes })
        : sarSpec(version)
  return authz(kind, {
    apiVersion: str,
    kind: str,
    metadata: objectMeta,
    spec,
    status: kind === 'SelfSubjectRulesReview' ? rulesStatus : accessStatus,
  })
}
