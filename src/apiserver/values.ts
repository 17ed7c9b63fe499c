/**
 * Small readers for untyped JSON values (objects as Kubernetes sends them), shared by the kind
 * defaulting, validation and printing code.
 */
export type Obj = Record<string, unknown>

/** The value as an object, or `{}`. */
export const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
/** The value as an array of objects, or `[]`. */
export const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : [])
/** The value if it is a string, else ''. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '')
/** A scalar as Go's %v would print it (numbers, booleans, strings); other values as JSON. */
export const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : v === undefined || v === null
        ? ''
        : JSON.stringify(v)
