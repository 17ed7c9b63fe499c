/**
 * A custom resource against its structural schema, the way apiextensions-apiserver treats it:
 * unknown fields are pruned (and reported, so fieldValidation Strict can refuse them), nulls in
 * non-nullable fields are dropped, metadata is ObjectMeta (decoded like a built-in kind's), and values
 * of the wrong type are validation errors — 422 `spec.type: Invalid value: "string": spec.type in body
 * must be of type integer: "string"` — rather than the 400 decode errors of built-in kinds.
 */
import { typeInvalid, type FieldError, type SchemaModel } from '../../kube/index.js'
import { conform } from '../schema/conform.js'
import type { JsonSchema } from './definition.js'

/** A kind with nothing but `metadata` set decodes it exactly as every built-in kind does. */
const METADATA_CARRIER = 'k8s.io.api.core.v1.ConfigMap'

export interface CustomConformResult {
  value: Record<string, unknown>
  unknownFields: string[]
  /** Schema validation failures (FieldValueTypeInvalid), in document order. */
  errors: FieldError[]
  /** A metadata value that cannot decode as ObjectMeta (400, as for any kind). */
  typeError?: string
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** go-openapi's name for a JSON value's type (integers decode as int64 in unstructured JSON). */
function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  if (typeof v === 'boolean') return 'boolean'
  return typeof v === 'object' ? 'object' : 'string'
}

function matches(type: NonNullable<JsonSchema['type']>, v: unknown): boolean {
  const actual = typeName(v)
  return actual === type || (type === 'number' && actual === 'integer')
}

const wrongType = (field: string, actual: string, expected: string): FieldError =>
  typeInvalid(
    field,
    JSON.stringify(actual),
    `${field} in body must be of type ${expected}: ${JSON.stringify(actual)}`,
  )

export function conformCustom(
  model: SchemaModel,
  schema: JsonSchema,
  input: Record<string, unknown>,
): CustomConformResult {
  const unknownFields: string[] = []
  const errors: FieldError[] = []
  let typeError: string | undefined

  function objectMeta(v: unknown, path: string): unknown {
    // The schema's `metadata: {type: object}` speaks first; an object then decodes as ObjectMeta.
    if (!isMap(v)) {
      errors.push(wrongType(path, typeName(v), 'object'))
      return v
    }
    const r = conform(model, METADATA_CARRIER, { metadata: v })
    if (r.typeError) typeError ??= r.typeError
    for (const f of r.unknownFields) unknownFields.push(`${path}${f.slice('metadata'.length)}`)
    return r.value.metadata
  }

  function value(s: JsonSchema, v: unknown, path: string): unknown {
    if (v === null && s.nullable) return v
    if (s.type && !matches(s.type, v)) {
      errors.push(wrongType(path, typeName(v), s.type))
      return v
    }
    if (Array.isArray(v)) return s.items ? v.map((e, i) => element(s.items!, e, `${path}[${i}]`)) : v
    if (v === null) return v
    if (!isMap(v) || s['x-kubernetes-preserve-unknown-fields']) return v
    return object(s, v, path)
  }

  // Array items are validated, never pruned: a null item is a type error unless nullable.
  const element = value

  function object(s: JsonSchema, v: Record<string, unknown>, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const embedded = s['x-kubernetes-embedded-resource'] === true
    const at = (k: string) => (path ? `${path}.${k}` : k)
    // Unstructured objects are Go maps: encoded, and validated here, in key order.
    for (const [k, child] of Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      const props = s.properties?.[k]
      if (embedded && (k === 'apiVersion' || k === 'kind') && !props) {
        out[k] = child
        continue
      }
      if (embedded && k === 'metadata') {
        if (child !== null) out[k] = objectMeta(child, at(k))
        continue
      }
      const childSchema =
        props ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined)
      if (!childSchema && s.additionalProperties !== true) {
        unknownFields.push(at(k))
        continue
      }
      if (child === null && !childSchema?.nullable) continue
      out[k] = childSchema ? value(childSchema, child, at(k)) : child
    }
    return out
  }

  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(input)) {
    if (k === 'apiVersion' || k === 'kind') out[k] = v
    else if (k === 'metadata') out[k] = v === null ? undefined : objectMeta(v, 'metadata')
    else {
      const s = schema.properties?.[k]
      if (!s) unknownFields.push(k)
      else if (v !== null || s.nullable) out[k] = value(s, v, k)
    }
  }
  if (out.metadata === undefined) delete out.metadata
  return { value: out, unknownFields, errors, ...(typeError !== undefined && { typeError }) }
}
