/**
 * OpenAPI component schemas (v3 `components.schemas` and v2 `definitions`) generated from the schema
 * model, i.e. from the upstream protobuf definitions and their merge markers. Every property of every
 * served kind is described, with the x-kubernetes-patch-strategy / -patch-merge-key / -list-type /
 * -list-map-keys / -map-type extensions that `kubectl apply` reads to compute strategic merge patches.
 */
import { customResourceSchema } from '../crd/openapi.js'
import type { ResourceDef } from '../registry.js'
import { type FieldModel, type SchemaModel } from '../../kube/index.js'

export type Dialect = 'v2' | 'v3'
type Schema = Record<string, unknown>

/** `k8s.io.api.core.v1.Pod` → `io.k8s.api.core.v1.Pod` (the OpenAPI definition names). */
export const definitionName = (fullName: string) => fullName.replace(/^k8s\.io\./, 'io.k8s.')

export const refTo = (dialect: Dialect, fullName: string) =>
  dialect === 'v3'
    ? `#/components/schemas/${definitionName(fullName)}`
    : `#/definitions/${definitionName(fullName)}`

const SPECIAL_NAMES: Record<string, string> = {
  time: 'k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  microtime: 'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  duration: 'k8s.io.apimachinery.pkg.apis.meta.v1.Duration',
  quantity: 'k8s.io.apimachinery.pkg.api.resource.Quantity',
  intorstring: 'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  raw: 'k8s.io.apimachinery.pkg.runtime.RawExtension',
  fields: 'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
}

/** Schemas of the special types, which are not plain messages on the JSON side. */
function specialSchema(kind: string, dialect: Dialect): Schema {
  switch (kind) {
    case 'time':
      return {
        type: 'string',
        format: 'date-time',
        description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.',
      }
    case 'microtime':
      return {
        type: 'string',
        format: 'date-time',
        description: 'MicroTime is version of Time with microsecond level precision.',
      }
    case 'duration':
      return { type: 'string', description: 'Duration is a wrapper around time.Duration.' }
    case 'quantity':
      return dialect === 'v3'
        ? {
            oneOf: [{ type: 'string' }, { type: 'number' }],
            description: 'Quantity is a fixed-point representation of a number.',
          }
        : { type: 'string', description: 'Quantity is a fixed-point representation of a number.' }
    case 'intorstring':
      return dialect === 'v3'
        ? {
            'x-kubernetes-int-or-string': true,
            anyOf: [{ type: 'integer' }, { type: 'string' }],
            description: 'IntOrString is a type that can hold an int32 or a string.',
          }
        : {
            type: 'string',
            format: 'int-or-string',
            description: 'IntOrString is a type that can hold an int32 or a string.',
          }
    case 'raw':
      return { type: 'object', description: 'RawExtension is used to hold extensions in external versions.' }
    default:
      return {
        type: 'object',
        description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.',
      }
  }
}

function scalar(kind: string): Schema {
  switch (kind) {
    case 'int32':
      return { type: 'integer', format: 'int32' }
    case 'int64':
      return { type: 'integer', format: 'int64' }
    case 'double':
      return { type: 'number', format: 'double' }
    case 'bool':
      return { type: 'boolean' }
    case 'bytes':
      return { type: 'string', format: 'byte' }
    default:
      return { type: 'string' }
  }
}

export interface SchemaSet {
  /** Adds a message (and everything it references) and returns its definition name. */
  add(fullName: string, gvk?: { group: string; version: string; kind: string }): string
  schemas: Record<string, Schema>
}

/** `custom`: the served custom resources, whose schemas come from their CRDs instead of the model. */
export function createSchemaSet(
  model: SchemaModel,
  dialect: Dialect,
  custom: readonly ResourceDef[] = [],
): SchemaSet {
  const schemas: Record<string, Schema> = {}
  const customByName = new Map<string, { def: ResourceDef; list: boolean }>(
    custom.flatMap((d) => [
      [d.proto, { def: d, list: false }],
      [`${d.proto}List`, { def: d, list: true }],
    ]),
  )
  const ref = (fullName: string): Schema => ({ $ref: refTo(dialect, fullName) })

  function elementSchema(f: FieldModel): Schema {
    if (f.kind === 'message') {
      add(f.type!)
      return dialect === 'v3' ? { allOf: [ref(f.type!)], default: {} } : ref(f.type!)
    }
    if (f.kind === 'stringlist') return { type: 'array', items: { type: 'string', default: '' } }
    const special = SPECIAL_NAMES[f.kind]
    if (special) {
      add(special)
      return dialect === 'v3' ? { allOf: [ref(special)] } : ref(special)
    }
    return scalar(f.kind)
  }

  function property(f: FieldModel): Schema {
    const ext: Schema = {
      ...(f.patchMergeKey && { 'x-kubernetes-patch-merge-key': f.patchMergeKey }),
      ...(f.patchStrategy && { 'x-kubernetes-patch-strategy': f.patchStrategy }),
      ...(f.listType && { 'x-kubernetes-list-type': f.listType }),
      ...(f.listMapKeys && { 'x-kubernetes-list-map-keys': f.listMapKeys }),
      ...(f.mapType && { 'x-kubernetes-map-type': f.mapType }),
    }
    if (f.map) return { type: 'object', additionalProperties: elementSchema(f), ...ext }
    if (f.repeated) return { type: 'array', items: elementSchema(f), ...ext }
    return { ...elementSchema(f), ...ext }
  }

  function add(fullName: string, gvk?: { group: string; version: string; kind: string }): string {
    const name = definitionName(fullName)
    const c = customByName.get(fullName)
    if (c) {
      if (!schemas[name]) {
        add(`k8s.io.apimachinery.pkg.apis.meta.v1.${c.list ? 'ListMeta' : 'ObjectMeta'}`)
        schemas[name] = customResourceSchema(c.def, c.list, dialect, refTo(dialect, c.def.proto))
      }
      return name
    }
    const special = Object.entries(SPECIAL_NAMES).find(([, n]) => n === fullName)
    if (special) {
      schemas[name] ??= specialSchema(special[0], dialect)
      return name
    }
    if (schemas[name]) {
      if (gvk) schemas[name]['x-kubernetes-group-version-kind'] = [gvk]
      return name
    }
    const m = model.message(fullName)
    const properties: Record<string, Schema> = {}
    schemas[name] = { type: 'object', properties }
    if (gvk || fullName.endsWith('List')) {
      properties.apiVersion = {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      }
      properties.kind = {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents.',
      }
    }
    for (const [n, f] of m.fields) properties[n] = property(f)
    if (gvk) schemas[name]['x-kubernetes-group-version-kind'] = [gvk]
    return name
  }

  return { add, schemas }
}
