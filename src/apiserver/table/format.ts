/**
 * Building blocks of the server-side tables: column definitions (kube's NAME and AGE descriptions)
 * and the label/selector formatting of labels.FormatLabels and LabelSelector.String().
 */
import type { KubeObject } from '../types.js'
import { arr, obj, str } from '../values.js'

export interface ColumnDefinition {
  name: string
  type: string
  format: string
  description: string
  priority: number
}

export type Cell = string | number | boolean

export const col = (
  name: string,
  description: string,
  extra: Partial<ColumnDefinition> = {},
): ColumnDefinition => ({
  name,
  type: 'string',
  format: '',
  description,
  priority: 0,
  ...extra,
})

export const NAME = col(
  'Name',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  { format: 'name' },
)
export const AGE = col(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
)

export interface TablePrinter {
  columns: ColumnDefinition[]
  cells(o: KubeObject, now: number): (Cell | null)[]
}

/** labels.FormatLabels / selector String(): `a=b,c=d`, `<none>` when empty. */
export function formatLabels(m: unknown): string {
  const entries = Object.entries(obj(m))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${String(v)}`)
  return entries.length ? entries.join(',') : '<none>'
}

export function formatSelector(sel: unknown): string {
  const s = obj(sel)
  const parts = Object.entries(obj(s.matchLabels))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${String(v)}`)
  for (const e of arr(s.matchExpressions)) {
    const vals = (Array.isArray(e.values) ? (e.values as string[]) : []).slice().sort().join(',')
    switch (e.operator) {
      case 'In':
        parts.push(`${str(e.key)} in (${vals})`)
        break
      case 'NotIn':
        parts.push(`${str(e.key)} notin (${vals})`)
        break
      case 'Exists':
        parts.push(str(e.key))
        break
      case 'DoesNotExist':
        parts.push(`!${str(e.key)}`)
        break
    }
  }
  return parts.length ? parts.join(',') : '<none>'
}
