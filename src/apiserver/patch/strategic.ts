/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for the served kinds. Lists
 * merge by the field's patchMergeKey when its patchStrategy is `merge` (containers and env by name,
 * ports by containerPort, volumes by name, …), primitive `merge` lists take the union, other lists
 * are replaced. The patch directives are honoured: `$patch: replace|delete|merge`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` (which `kubectl apply` sends).
 * The merge metadata comes from the schema model, i.e. from the upstream type markers.
 */
import { type FieldModel, type MessageModel, type SchemaModel } from '../../kube/index.js'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type JsonMap = { [k: string]: Json }

export class PatchError extends Error {}

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v)
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/'
const SET_ORDER = '$setElementOrder/'

export function strategicMerge(
  model: SchemaModel,
  typeName: string,
  original: JsonMap,
  patch: JsonMap,
): JsonMap {
  return mergeMap(model, model.message(typeName), structuredClone(original), patch)
}

function childType(model: SchemaModel, f: FieldModel | undefined): MessageModel | undefined {
  return f?.kind === 'message' && f.type ? model.message(f.type) : undefined
}

function mergeMap(
  model: SchemaModel,
  schema: MessageModel | undefined,
  original: JsonMap,
  patch: JsonMap,
): JsonMap {
  const directive = patch.$patch
  if (directive === 'replace') return stripDirectives(withoutKey(patch, '$patch')) as JsonMap
  if (directive === 'delete') return {}
  if (directive !== undefined && directive !== 'merge')
    throw new PatchError(`Unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`)
  let out = original
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String))
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)))
  }
  const orders: [string, Json[]][] = []
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length)
      const drop = Array.isArray(value) ? value.map((v) => JSON.stringify(v)) : []
      if (Array.isArray(out[field])) out[field] = out[field].filter((v) => !drop.includes(JSON.stringify(v)))
      continue
    }
    if (key.startsWith(SET_ORDER)) {
      if (Array.isArray(value)) orders.push([key.slice(SET_ORDER.length), value])
      continue
    }
    if (value === null) {
      delete out[key]
      continue
    }
    const f = schema?.fields.get(key)
    const current = out[key]
    if (isMap(value) && f?.map) out[key] = mergePlainMap(model, f, isMap(current) ? current : {}, value)
    else if (isMap(value))
      out[key] = mergeMap(model, childType(model, f), isMap(current) ? current : {}, value)
    else if (Array.isArray(value))
      out[key] = mergeList(model, f, Array.isArray(current) ? current : [], value)
    else out[key] = value
  }
  for (const [field, order] of orders)
    if (Array.isArray(out[field])) out[field] = applyOrder(schema?.fields.get(field), out[field], order)
  return out
}

/** map<string, V> fields (labels, data, resources.limits): keys merge, null deletes. */
function mergePlainMap(model: SchemaModel, f: FieldModel, original: JsonMap, patch: JsonMap): JsonMap {
  if (patch.$patch === 'replace') return stripDirectives(withoutKey(patch, '$patch')) as JsonMap
  const out = { ...original }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue
    if (v === null) delete out[k]
    else if (isMap(v) && isMap(out[k]) && f.kind === 'message')
      out[k] = mergeMap(model, childType(model, f), out[k], v)
    else out[k] = stripDirectives(v)
  }
  return out
}

function mergeList(model: SchemaModel, f: FieldModel | undefined, original: Json[], patch: Json[]): Json[] {
  const strategy = (f?.patchStrategy ?? '').split(',')
  if (!strategy.includes('merge')) {
    // Replace: a `$patch: replace` marker element, if any, carries no data.
    return patch
      .filter((p) => !(isMap(p) && p.$patch === 'replace' && Object.keys(p).length === 1))
      .map(stripDirectives)
  }
  const key = f?.patchMergeKey
  if (!key || f?.kind !== 'message') {
    // A mergeable list of primitives: the union, in original order then new values.
    const seen = new Set(original.map((v) => JSON.stringify(v)))
    const out = [...original]
    for (const p of patch) if (!seen.has(JSON.stringify(p))) out.push(stripDirectives(p))
    return out
  }
  if (patch.some((p) => isMap(p) && p.$patch === 'replace'))
    return patch.filter((p) => !(isMap(p) && p.$patch === 'replace')).map(stripDirectives)
  const schema = childType(model, f)
  let out = [...original]
  for (const item of patch) {
    if (!isMap(item))
      throw new PatchError(
        `merging an object in json but data type is not struct, instead is: ${typeof item}`,
      )
    if (!(key in item))
      throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`)
    const id = JSON.stringify(item[key])
    const at = out.findIndex((o) => isMap(o) && JSON.stringify(o[key]) === id)
    if (item.$patch === 'delete') {
      out = out.filter((o) => !(isMap(o) && JSON.stringify(o[key]) === id))
      continue
    }
    if (at >= 0) out[at] = mergeMap(model, schema, structuredClone(out[at] as JsonMap), item)
    else out.push(mergeMap(model, schema, {}, item))
  }
  return out
}

/** `$setElementOrder`: the listed elements in that order, then the rest in their current order. */
function applyOrder(f: FieldModel | undefined, list: Json[], order: Json[]): Json[] {
  const key = f?.patchMergeKey
  const id = (v: Json) => JSON.stringify(key && isMap(v) ? v[key] : v)
  const wanted = order.map(id)
  const listed = wanted.flatMap((w) => list.filter((v) => id(v) === w))
  const rest = list.filter((v) => !wanted.includes(id(v)))
  return [...listed, ...rest]
}

function withoutKey(m: JsonMap, k: string): JsonMap {
  const { [k]: _drop, ...rest } = m
  return rest
}

/** Removes patch directives from a value that is copied into the object whole. */
export function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isMap(x) && x.$patch === 'delete')).map(stripDirectives)
  if (!isMap(v)) return v
  const out: JsonMap = {}
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER))
      continue
    if (x === null) continue
    out[k] = stripDirectives(x)
  }
  return out
}

export type { Json, JsonMap }
