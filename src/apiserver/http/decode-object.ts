/**
 * Turns a request body into the object a write handler works on, the way the create/update handlers
 * decode: content type → JSON form, apiVersion/kind checked against the endpoint, the value made to
 * conform to the kind (wrong JSON types are 400), and unknown fields handled per `fieldValidation`
 * (Strict → 400 `strict decoding error: unknown field "…"`, Warn → `Warning: 299` headers, Ignore).
 */
import { BadRequest } from '../errors.js'
import { checkTypeMeta } from '../rest/write.js'
import type { ResourceDef } from '../registry.js'
import { conform } from '../schema/conform.js'
import type { SchemaModel } from '../schema/model.js'
import type { KubeObject } from '../types.js'
import { decodeBody } from './body.js'

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore'

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation') ?? ''
  if (v === '') return 'Warn'
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v
  throw new BadRequest(
    `fieldValidation: invalid value ${JSON.stringify(v)}: must be one of "Ignore", "Warn" or "Strict"`,
  )
}

const NOT_AN_OBJECT =
  'couldn\'t get version/kind; json parse error: json: cannot unmarshal %s into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'

const jsonType = (v: unknown) =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v

export interface Decoded {
  object: KubeObject
  warnings: string[]
}

/** Conforms an already-parsed JSON value to the kind (shared by bodies and patch results). */
export function conformObject(
  model: SchemaModel,
  def: ResourceDef,
  value: unknown,
  validation: FieldValidation,
  checkType = true,
): Decoded {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest(NOT_AN_OBJECT.replace('%s', jsonType(value)))
  if (checkType) checkTypeMeta(def, value as KubeObject)
  const r = conform(model, def.proto, value as Record<string, unknown>)
  const cannot = `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}`
  if (r.typeError) throw new BadRequest(`${cannot}: ${r.typeError}`)
  if (r.unknownFields.length && validation === 'Strict')
    throw new BadRequest(
      `${cannot}: strict decoding error: ${r.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ')}`,
    )
  const warnings =
    validation === 'Warn' ? r.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`) : []
  const object = r.value as KubeObject
  object.metadata = object.metadata ?? {}
  return { object, warnings }
}

export function decodeObjectBody(
  model: SchemaModel,
  def: ResourceDef,
  contentType: string | undefined,
  body: Buffer,
  validation: FieldValidation,
): Decoded {
  const decoded = decodeBody(model, contentType, body, def.proto)
  let value = decoded.value
  if (decoded.typeMeta && typeof value === 'object' && value !== null) {
    // The protobuf envelope names the type; it is checked like an inline apiVersion/kind.
    const { apiVersion, kind } = decoded.typeMeta
    value = { ...(apiVersion && { apiVersion }), ...(kind && { kind }), ...value }
  }
  return conformObject(model, def, value, validation)
}

/** `Warning: 299 - "<text>"` header values. */
export const warningHeaders = (warnings: string[]) => warnings.map((w) => `299 - ${JSON.stringify(w)}`)
