/**
 * The OpenAPI v2 document in gnostic's protobuf form
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`), which kubectl 1.27 and 1.28 read
 * before `apply` (schema validation and the fieldValidation check). Converted from the Swagger JSON
 * document; vendor extensions travel as YAML text, as gnostic stores them.
 */
import type protobuf from 'protobufjs'
import { stringify as toYaml } from 'yaml'
import { text } from '../values.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

const extensions = (o: Obj) =>
  Object.entries(o)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, v]) => ({ name, value: { yaml: toYaml(v) } }))

function schema(s: Obj): Obj {
  const out: Obj = {}
  if (typeof s.$ref === 'string') out._ref = s.$ref
  for (const k of ['format', 'title', 'description'] as const) if (typeof s[k] === 'string') out[k] = s[k]
  if (s.default !== undefined) out.default = { yaml: toYaml(s.default) }
  if (Array.isArray(s.required)) out.required = s.required
  if (typeof s.additionalProperties === 'boolean')
    out.additional_properties = { boolean: s.additionalProperties }
  else if (isObj(s.additionalProperties))
    out.additional_properties = { schema: schema(s.additionalProperties) }
  if (typeof s.type === 'string') out.type = { value: [s.type] }
  if (isObj(s.items)) out.items = { schema: [schema(s.items)] }
  if (Array.isArray(s.allOf)) out.all_of = (s.allOf as Obj[]).map(schema)
  if (isObj(s.properties))
    out.properties = {
      additional_properties: Object.entries(s.properties).map(([name, v]) => ({
        name,
        value: schema(v as Obj),
      })),
    }
  const ext = extensions(s)
  if (ext.length) out.vendor_extension = ext
  return out
}

function parameter(p: Obj): Obj {
  if (typeof p.$ref === 'string') return { json_reference: { _ref: p.$ref } }
  if (p.in === 'body')
    return {
      parameter: {
        body_parameter: {
          name: p.name,
          in: p.in,
          required: p.required === true,
          ...(typeof p.description === 'string' && { description: p.description }),
          schema: schema(p.schema as Obj),
        },
      },
    }
  const sub = {
    name: p.name,
    in: p.in,
    ...(typeof p.description === 'string' && { description: p.description }),
    ...(typeof p.type === 'string' && { type: p.type }),
    ...(p.uniqueItems === true && { unique_items: true }),
    ...(p.required === true && { required: true }),
  }
  return {
    parameter: {
      non_body_parameter:
        p.in === 'path' ? { path_parameter_sub_schema: sub } : { query_parameter_sub_schema: sub },
    },
  }
}

function operation(o: Obj): Obj {
  return {
    ...(Array.isArray(o.tags) && { tags: o.tags }),
    ...(typeof o.description === 'string' && { description: o.description }),
    ...(typeof o.operationId === 'string' && { operation_id: o.operationId }),
    ...(Array.isArray(o.consumes) && { consumes: o.consumes }),
    ...(Array.isArray(o.parameters) && { parameters: (o.parameters as Obj[]).map(parameter) }),
    responses: {
      response_code: Object.entries(isObj(o.responses) ? o.responses : {}).map(([name, r]) => ({
        name,
        value: {
          response: {
            description: text((r as Obj).description),
            ...(isObj((r as Obj).schema) && { schema: { schema: schema((r as Obj).schema as Obj) } }),
          },
        },
      })),
    },
    vendor_extension: extensions(o),
  }
}

/** Encodes a Swagger 2.0 JSON document (as built by openApiV2Document) as an openapi.v2.Document. */
export function encodeOpenApiV2(root: protobuf.Root, doc: Obj): Uint8Array {
  const Document = root.lookupType('openapi.v2.Document')
  const paths = Object.entries(isObj(doc.paths) ? doc.paths : {}).map(([name, item]) => {
    const value: Obj = {}
    for (const [k, v] of Object.entries(item as Obj)) {
      if (k === 'parameters') value.parameters = (v as Obj[]).map(parameter)
      else if (['get', 'put', 'post', 'delete', 'patch'].includes(k)) value[k] = operation(v as Obj)
    }
    return { name, value }
  })
  const message = Document.fromObject({
    swagger: doc.swagger,
    info: doc.info,
    paths: { path: paths },
    definitions: {
      additional_properties: Object.entries(isObj(doc.definitions) ? doc.definitions : {}).map(
        ([name, s]) => ({ name, value: schema(s as Obj) }),
      ),
    },
    security: [{ additional_properties: [{ name: 'BearerToken', value: { value: [] } }] }],
    security_definitions: {
      additional_properties: [
        {
          name: 'BearerToken',
          value: {
            api_key_security: {
              type: 'apiKey',
              name: 'authorization',
              in: 'header',
              description: 'Bearer Token authentication',
            },
          },
        },
      ],
    },
  })
  return Document.encode(message).finish()
}
