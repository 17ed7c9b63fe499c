/**
 * PATCH bodies by content type: JSON patch (RFC 6902, via fast-json-patch), JSON merge patch
 * (RFC 7386), strategic merge patch, and server-side apply (approximated as a strategic merge of the
 * applied configuration, see docs/apiserver.md). Errors are the Status errors kube-apiserver answers.
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch'
import { parse as parseYaml } from 'yaml'
import { mediaTypeOf } from '../../http/index.js'
import { BadRequest, UnprocessableEntity, UnsupportedMediaType, type SchemaModel } from '../../kube/index.js'
import { assertJsonDepth, assertValueDepth, depthSafeMessage } from '../json-depth.js'
import { PatchError, strategicMerge, type Json, type JsonMap } from './strategic.js'

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const

export type PatchType = (typeof PATCH_TYPES)[number]

/** Custom resources have no strategic merge: their patch types (apiextensions-apiserver). */
const CUSTOM_PATCH_TYPES: PatchType[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
]

export function patchTypeOf(contentType: string | undefined, custom = false): PatchType {
  const base = mediaTypeOf(contentType)
  const accepted = custom ? CUSTOM_PATCH_TYPES : PATCH_TYPES
  const hit = accepted.find((t) => t === base)
  if (!hit) throw new UnsupportedMediaType([...accepted])
  return hit
}

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v)

function parseJson(body: Buffer): unknown {
  try {
    const text = body.toString('utf8')
    assertJsonDepth(text)
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new BadRequest(`error decoding patch: ${(err as Error).message}`)
  }
}

/** RFC 7386. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return patch
  const out: JsonMap = isMap(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k] ?? null, v)
  }
  return out
}

/**
 * Applies the patch to `original` (the object's JSON with apiVersion/kind) and returns the result.
 * `typeName` undefined: a custom resource, whose apply merges maps and replaces lists (atomic lists,
 * the structural-schema default).
 */
export function applyPatch(
  model: SchemaModel,
  typeName: string | undefined,
  type: PatchType,
  original: JsonMap,
  body: Buffer,
): JsonMap {
  switch (type) {
    case 'application/json-patch+json': {
      const ops = parseJson(body)
      if (!Array.isArray(ops))
        throw new BadRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch')
      let result: unknown
      try {
        result = fastJsonPatch.applyPatch(
          structuredClone(original),
          ops as Operation[],
          true,
          false,
        ).newDocument
      } catch (err) {
        const e = err as { name?: string; message?: string }
        const text = (e.message ?? String(err)).split('\n')[0]!
        if (e.name === 'TEST_OPERATION_FAILED')
          throw new UnprocessableEntity('the server rejected our request due to an error in our request')
        throw new UnprocessableEntity(text)
      }
      if (!isMap(result)) throw new UnprocessableEntity('the patched document is not an object')
      return result
    }
    case 'application/merge-patch+json': {
      const patch = parseJson(body)
      if (!isMap(patch))
        throw new BadRequest('json: cannot unmarshal array into Go value of type map[string]interface {}')
      return mergePatch(original, patch) as JsonMap
    }
    case 'application/strategic-merge-patch+json':
    case 'application/apply-patch+yaml': {
      let patch: unknown
      if (type === 'application/apply-patch+yaml') {
        try {
          patch = parseYaml(body.toString('utf8'), { maxAliasCount: 100 }) as unknown
          assertValueDepth(patch)
        } catch (err) {
          throw new BadRequest(`error decoding YAML: ${depthSafeMessage(err)}`)
        }
      } else patch = parseJson(body)
      if (!isMap(patch))
        throw new BadRequest('json: cannot unmarshal array into Go value of type map[string]interface {}')
      if (typeName === undefined) return mergePatch(original, patch) as JsonMap
      try {
        return strategicMerge(model, typeName, original, patch)
      } catch (err) {
        if (err instanceof PatchError) throw new BadRequest(err.message)
        throw err
      }
    }
  }
}
