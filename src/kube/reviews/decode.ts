/**
 * Decodes a parsed JSON value into a review's typed fields with Go encoding/json semantics, as
 * kube-apiserver does (sigs.k8s.io/json, case-sensitive keys): `null` leaves a field at its zero value,
 * a value of the wrong JSON type is an UnmarshalTypeError, unknown keys are ignored and reported as
 * strict-decoding warnings (`unknown field "spec.foo"`). Only known fields are walked, so the depth of
 * an attacker's document never matters.
 */

type JsonType = 'string' | 'number' | 'bool' | 'array' | 'object'

export type Shape =
  | { t: 'string' }
  | { t: 'bool' }
  | { t: 'int64' }
  | { t: 'time' }
  /** Decoded as-is without checks (fields the simulator never interprets). */
  | { t: 'any' }
  | { t: 'slice'; of: Shape; goType: string }
  | { t: 'map'; of: Shape; goType: string }
  | { t: 'struct'; name: string; pkg: string; fields: Record<string, Shape> }

/** The first UnmarshalTypeError (or time parse error) met, in encoding/json's wording. */
export class GoDecodeError extends Error {}

function jsonType(v: unknown): JsonType {
  if (typeof v === 'string') return 'string'
  if (typeof v === 'number') return 'number'
  if (typeof v === 'boolean') return 'bool'
  return Array.isArray(v) ? 'array' : 'object'
}

export function goTypeName(shape: Shape, version: string): string {
  switch (shape.t) {
    case 'string':
      return 'string'
    case 'bool':
      return 'bool'
    case 'int64':
      return 'int64'
    case 'time':
      return 'v1.Time'
    case 'any':
      return 'interface {}'
    case 'slice':
    case 'map':
      return shape.goType.replace('$v', version)
    case 'struct':
      return `${shape.pkg === 'meta' ? 'v1' : version}.${shape.name}`
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

interface Ctx {
  version: string
  warnings: string[]
  /** JSON path for warnings (`spec.resourceAttributes.fieldSelector.requirements[0]`). */
  path: string
  /** Dotted struct-field path without indices, as encoding/json names it in errors. */
  fieldPath: string
  structName: string
}

function typeError(v: unknown, shape: Shape, ctx: Ctx): GoDecodeError {
  const t = jsonType(v)
  const what = t === 'number' && !Number.isInteger(v) ? `number ${String(v)}` : t
  const where = ctx.fieldPath ? `Go struct field ${ctx.structName}.${ctx.fieldPath}` : 'Go value'
  return new GoDecodeError(
    `json: cannot unmarshal ${what} into ${where} of type ${goTypeName(shape, ctx.version)}`,
  )
}

/** Returns the decoded value, or undefined for JSON null (Go's zero value). */
export function decodeValue(v: unknown, shape: Shape, ctx: Ctx): unknown {
  if (v === null || v === undefined) return undefined
  switch (shape.t) {
    case 'any':
      return v
    case 'string':
      if (typeof v !== 'string') throw typeError(v, shape, ctx)
      return v
    case 'bool':
      if (typeof v !== 'boolean') throw typeError(v, shape, ctx)
      return v
    case 'int64':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(v, shape, ctx)
      return v
    case 'time':
      if (typeof v !== 'string') throw typeError(v, shape, ctx)
      if (!RFC3339.test(v) || Number.isNaN(Date.parse(v)))
        throw new GoDecodeError(
          `parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(v)} as "2006"`,
        )
      return v
    case 'slice':
      if (!Array.isArray(v)) throw typeError(v, shape, ctx)
      return v.map(
        (item, i) => decodeValue(item, shape.of, { ...ctx, path: `${ctx.path}[${i}]` }) ?? zero(shape.of),
      )
    case 'map': {
      if (jsonType(v) !== 'object') throw typeError(v, shape, ctx)
      const out: Record<string, unknown> = {}
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        const value = decodeValue(item, shape.of, { ...ctx, path: `${ctx.path}.${k}` }) ?? zero(shape.of)
        // defineProperty: a key named `__proto__` must stay a key, not replace the prototype.
        Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true })
      }
      return out
    }
    case 'struct':
      return decodeStruct(v, shape, ctx)
  }
}

function zero(shape: Shape): unknown {
  if (shape.t === 'string') return ''
  if (shape.t === 'bool') return false
  if (shape.t === 'int64') return 0
  if (shape.t === 'struct') return {}
  return undefined
}

function decodeStruct(v: unknown, shape: Extract<Shape, { t: 'struct' }>, ctx: Ctx): Record<string, unknown> {
  if (jsonType(v) !== 'object') throw typeError(v, shape, ctx)
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    const field = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined
    const path = ctx.path ? `${ctx.path}.${key}` : key
    if (!field) {
      ctx.warnings.push(`unknown field ${JSON.stringify(path)}`)
      continue
    }
    const fieldPath = ctx.fieldPath ? `${ctx.fieldPath}.${key}` : key
    const decoded = decodeValue(value, field, { ...ctx, path, fieldPath, structName: shape.name })
    if (decoded !== undefined) out[key] = decoded
  }
  return out
}

/** Decodes a whole object; `warnings` collects unknown fields. Throws GoDecodeError. */
export function decodeObject(
  value: unknown,
  shape: Extract<Shape, { t: 'struct' }>,
  version: string,
  warnings: string[],
): Record<string, unknown> {
  return decodeStruct(value, shape, { version, warnings, path: '', fieldPath: '', structName: shape.name })
}
