/**
 * Turns a request body into the object a write handler works on, the way the create/update handlers
 * decode: content type → JSON form, apiVersion/kind checked against the endpoint, the value made to
 * conform to the kind (wrong JSON types are 400), and unknown fields handled per `fieldValidation`
 * (Strict → 400 `strict decoding error: unknown field "…"`, Warn → `Warning: 299` headers, Ignore).
 */
import { conformCustom } from '../crd/structural.js'
import {
  BadRequest,
  Invalid,
  UnsupportedMediaType,
  type FieldError,
  type SchemaModel,
} from '../../kube/index.js'
import { checkTypeMeta } from '../rest/write.js'
import type { ResourceDef } from '../registry.js'
import { conform } from '../schema/conform.js'
import type { KubeObject } from '../types.js'
import { mediaTypeOf } from '../../http/index.js'
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
  const input = value as Record<string, unknown>
  const r = def.custom ? conformCustom(model, def.custom.schema, input) : conform(model, def.proto, input)
  const cannot = `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}`
  if (r.typeError) throw new BadRequest(`${cannot}: ${r.typeError}`)
  if (r.unknownFields.length && validation === 'Strict')
    throw new BadRequest(
      `${cannot}: strict decoding error: ${r.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ')}`,
    )
  // A custom resource is decoded unstructured: wrong types fail its schema validation (422), not decoding.
  const schemaErrors = 'errors' in r ? (r.errors as FieldError[]) : []
  if (schemaErrors.length) {
    const meta = (r.value.metadata ?? {}) as { name?: unknown }
    throw new Invalid(
      { group: def.group, kind: def.kind },
      typeof meta.name === 'string' ? meta.name : '',
      schemaErrors,
    )
  }
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
  // Custom resources have no protobuf encoding: kube-apiserver accepts only JSON and YAML for them.
  if (def.custom && mediaTypeOf(contentType) === 'application/vnd.kubernetes.protobuf')
    throw new UnsupportedMediaType(['application/json', 'application/yaml'])
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
