/**
 * A JSON-side type model of the served kinds, derived from the upstream protobuf definitions: each
 * message's JSON fields (with embedded `json:",inline"` structs flattened), their value kinds, and
 * the list/map merge semantics from the +patchStrategy/+patchMergeKey/+listType/+listMapKey markers.
 * Protobuf decoding, unknown-field validation, the strategic merge patch and the OpenAPI documents
 * all read this one model.
 */
import type protobuf from 'protobufjs'

export type ValueKind =
  | 'string'
  | 'int32'
  | 'int64'
  | 'bool'
  | 'bytes'
  | 'double'
  | 'message'
  | 'time'
  | 'microtime'
  | 'duration'
  | 'quantity'
  | 'intorstring'
  | 'raw'
  | 'fields'
  | 'stringlist'

export interface FieldModel {
  /** JSON name (= protobuf field name in k8s generated protos). */
  name: string
  kind: ValueKind
  /** Message full name (no leading dot) when kind is 'message'. */
  type?: string
  repeated: boolean
  /** map<string, V>: the key is always a string in Kubernetes types. */
  map: boolean
  patchStrategy?: string
  patchMergeKey?: string
  listType?: string
  listMapKeys?: string[]
  mapType?: string
}

export interface MessageModel {
  fullName: string
  /** Short name, as Go names the struct (used in `json: cannot unmarshal … Go struct field X.path`). */
  name: string
  /** JSON fields, inline structs flattened. */
  fields: Map<string, FieldModel>
  /** Protobuf fields as declared, for decoding (inline ones included, unflattened). */
  protoFields: protobuf.Field[]
}

const SPECIAL: Record<string, ValueKind> = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'microtime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'duration',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'intorstring',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'raw',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'fields',
  // `type ExtraValue []string`: a message on the wire, a plain list in JSON.
  'k8s.io.api.authentication.v1.ExtraValue': 'stringlist',
  'k8s.io.api.authorization.v1.ExtraValue': 'stringlist',
}

const SCALARS: Record<string, ValueKind> = {
  string: 'string',
  bool: 'bool',
  bytes: 'bytes',
  int32: 'int32',
  uint32: 'int32',
  sint32: 'int32',
  int64: 'int64',
  uint64: 'int64',
  sint64: 'int64',
  double: 'double',
  float: 'double',
}

export interface SchemaModel {
  root: protobuf.Root
  message(fullName: string): MessageModel
  /** The value kind and message type of a protobuf field. */
  fieldKind(field: protobuf.Field): { kind: ValueKind; type?: string }
  isInline(field: protobuf.Field): boolean
}

const fullNameOf = (t: protobuf.ReflectionObject) => t.fullName.replace(/^\./, '')

function markers(comment: string | null): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const line of (comment ?? '').split('\n')) {
    const m = /^\s*\+([A-Za-z-]+)(?:=(.*))?$/.exec(line)
    if (m) (out[m[1]!] ??= []).push((m[2] ?? '').trim())
  }
  return out
}

/** `source`: the definitions, or a function that loads them on first use (start-up need not pay for them). */
export function createSchemaModel(source: protobuf.Root | (() => protobuf.Root)): SchemaModel {
  const cache = new Map<string, MessageModel>()
  let loaded = typeof source === 'function' ? undefined : source
  const rootOf = () => (loaded ??= (source as () => protobuf.Root)())

  function fieldKind(field: protobuf.Field): { kind: ValueKind; type?: string } {
    const rt = field.resolvedType
    if (rt) {
      const fn = fullNameOf(rt)
      return SPECIAL[fn] ? { kind: SPECIAL[fn] } : { kind: 'message', type: fn }
    }
    return { kind: SCALARS[field.type] ?? 'string' }
  }

  const isInline = (field: protobuf.Field) => markers(field.comment)['json-inline'] !== undefined

  function message(fullName: string): MessageModel {
    const hit = cache.get(fullName)
    if (hit) return hit
    const type = rootOf().lookupType(fullName)
    const model: MessageModel = {
      fullName,
      name: type.name,
      fields: new Map(),
      protoFields: type.fieldsArray,
    }
    cache.set(fullName, model)
    for (const f of type.fieldsArray) {
      const { kind, type: msgType } = fieldKind(f)
      if (isInline(f) && msgType) {
        for (const [n, inner] of message(msgType).fields) model.fields.set(n, inner)
        continue
      }
      const m = markers(f.comment)
      const field: FieldModel = {
        name: f.name,
        kind,
        ...(msgType && { type: msgType }),
        repeated: f.repeated,
        map: f.map,
        ...(m.patchStrategy && { patchStrategy: m.patchStrategy[0] }),
        ...(m.patchMergeKey && { patchMergeKey: m.patchMergeKey[0] }),
        ...(m.listType && { listType: m.listType[0] }),
        ...(m.listMapKey && { listMapKeys: m.listMapKey }),
        ...(m.mapType && { mapType: m.mapType[0] }),
      }
      model.fields.set(f.name, field)
    }
    return model
  }

  return {
    get root() {
      return rootOf()
    },
    message,
    fieldKind,
    isInline,
  }
}
