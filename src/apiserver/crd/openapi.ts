/**
 * How kube-apiserver publishes a CRD in its OpenAPI documents: the structural schema with
 * `metadata` pointing at ObjectMeta and the group-version-kind extension, a `<Kind>List` schema, and
 * for Swagger 2.0 the v2 conversion (no `nullable`: a nullable field loses its type, so clients that
 * validate against v2 accept the null).
 */
import type { ResourceDef } from '../registry.js'
import type { JsonSchema } from './definition.js'

type Schema = Record<string, unknown>
type Dialect = 'v2' | 'v3'

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.'
const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources'
const KIND_DOC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'
const METADATA_DOC =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
const LIST_METADATA_DOC =
  'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'

const ref = (dialect: Dialect, name: string) =>
  dialect === 'v3' ? `#/components/schemas/${name}` : `#/definitions/${name}`

function metaRef(dialect: Dialect, type: 'ObjectMeta' | 'ListMeta', description: string): Schema {
  const $ref = ref(dialect, `${META}${type}`)
  return dialect === 'v3' ? { allOf: [{ $ref }], description } : { $ref, description }
}

function toV2(s: JsonSchema): Schema {
  const { nullable, properties, items, additionalProperties, ...rest } = s
  const out: Schema = { ...rest }
  if (nullable) delete out.type
  if (properties)
    out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toV2(v)]))
  if (items) out.items = toV2(items)
  if (additionalProperties !== undefined)
    out.additionalProperties =
      typeof additionalProperties === 'object' ? toV2(additionalProperties) : additionalProperties
  return out
}

/** The published schema of a custom resource (`list`: its List kind, whose items point at `itemRef`). */
export function customResourceSchema(
  def: ResourceDef,
  list: boolean,
  dialect: Dialect,
  itemRef: string,
): Schema {
  const custom = def.custom!
  const gvk = { group: def.group, kind: list ? custom.listKind : def.kind, version: def.version }
  if (list)
    return {
      description: `${custom.listKind} is a list of ${def.kind}`,
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { description: API_VERSION_DOC, type: 'string' },
        items: {
          description: `List of ${def.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
          type: 'array',
          items: { $ref: itemRef },
        },
        kind: { description: KIND_DOC, type: 'string' },
        metadata: metaRef(dialect, 'ListMeta', LIST_METADATA_DOC),
      },
      'x-kubernetes-group-version-kind': [gvk],
    }
  const base = structuredClone(custom.schema)
  const converted: Schema = dialect === 'v3' ? (base as Schema) : toV2(base)
  const properties = { ...((converted.properties as Record<string, Schema> | undefined) ?? {}) }
  properties.apiVersion = { description: API_VERSION_DOC, type: 'string' }
  properties.kind = { description: KIND_DOC, type: 'string' }
  properties.metadata = metaRef(dialect, 'ObjectMeta', METADATA_DOC)
  return {
    ...converted,
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1))),
    'x-kubernetes-group-version-kind': [gvk],
  }
}
