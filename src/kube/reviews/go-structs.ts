/**
 * Go's `%#v` of the internal structs the review validation hands field.Invalid, to reproduce the
 * value part of its messages (strings go through `%q`, see ../go-format.ts). Kubernetes
 * 1.32's field.ErrorBody prints a nil pointer as the string "null" (so `"null"`, quoted) and a struct
 * that has no String() method with `%#v`.
 */
import { goQuote } from '../go-format.js'
import type { NonResourceAttributes, ReviewObjectMeta } from './types.js'

/** `%#v` of the internal authorization.NonResourceAttributes. */
export function goNonResourceAttributes(a: NonResourceAttributes): string {
  return `authorization.NonResourceAttributes{Path:${goQuote(a.path ?? '')}, Verb:${goQuote(a.verb ?? '')}}`
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** time.Time's GoString, for the UTC times a decoded RFC 3339 timestamp becomes. */
function goTime(value: string | null | undefined): string {
  const d = value ? new Date(value) : undefined
  if (!d || Number.isNaN(d.getTime())) return 'time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)'
  const parts = [d.getUTCFullYear(), `time.${MONTHS[d.getUTCMonth()]!}`, d.getUTCDate(), d.getUTCHours()]
  return `time.Date(${parts.join(', ')}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, ${d.getUTCMilliseconds() * 1e6}, time.UTC)`
}

function goStringMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)'
  const keys = Object.keys(m).sort()
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k]!)}`).join(', ')}}`
}

function goSlice(type: string, items: unknown[] | undefined, render: (x: unknown) => string): string {
  if (!items) return `[]${type}(nil)`
  return `[]${type}{${items.map(render).join(', ')}}`
}

/**
 * `%#v` of metav1.ObjectMeta (1.32 field list). Nested pointers print as addresses in Go; a fixed
 * placeholder address stands in for them, and list entries of ownerReferences/managedFields are elided.
 */
export function goObjectMeta(m: ReviewObjectMeta): string {
  const fields = [
    `Name:${goQuote(m.name ?? '')}`,
    `GenerateName:${goQuote(m.generateName ?? '')}`,
    `Namespace:${goQuote(m.namespace ?? '')}`,
    `SelfLink:""`,
    `UID:${goQuote(m.uid ?? '')}`,
    `ResourceVersion:${goQuote(m.resourceVersion ?? '')}`,
    `Generation:${m.generation ?? 0}`,
    `CreationTimestamp:${goTime(m.creationTimestamp)}`,
    `DeletionTimestamp:${m.deletionTimestamp ? '(*v1.Time)(0xc000010000)' : '<nil>'}`,
    `DeletionGracePeriodSeconds:${m.deletionGracePeriodSeconds === undefined ? '(*int64)(nil)' : '(*int64)(0xc000010008)'}`,
    `Labels:${goStringMap(m.labels)}`,
    `Annotations:${goStringMap(m.annotations)}`,
    `OwnerReferences:${goSlice('v1.OwnerReference', m.ownerReferences, () => 'v1.OwnerReference{…}')}`,
    `Finalizers:${goSlice('string', m.finalizers, (x) => goQuote(String(x)))}`,
    `ManagedFields:${goSlice('v1.ManagedFieldsEntry', m.managedFields, () => 'v1.ManagedFieldsEntry{…}')}`,
  ]
  return `v1.ObjectMeta{${fields.join(', ')}}`
}
