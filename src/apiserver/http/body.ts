/**
 * Request bodies: read with the API server's size limit (3 MiB like kube-apiserver's
 * MaxRequestBodyBytes), then decoded by content type — JSON, YAML or Kubernetes protobuf — into the
 * object's JSON form. Anything else is 415; anything undecodable is 400.
 */
import type { IncomingMessage } from 'node:http'
import { parse as parseYaml } from 'yaml'
import { BodyTooLarge, mediaTypeOf, readRequestBody } from '../../http/index.js'
import {
  BadRequest,
  RequestEntityTooLarge,
  UnsupportedMediaType,
  decodeEnvelope,
  decodeObject,
  ProtobufDecodeError,
  type SchemaModel,
} from '../../kube/index.js'
import { assertJsonDepth, assertValueDepth, depthSafeMessage } from '../json-depth.js'

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024

export const OBJECT_MEDIA_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
]

/** Reads a body as kube-apiserver's limitedReadBody does: bytes as sent (Content-Encoding is not looked at). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await readRequestBody(req, { limit, contentEncoding: 'ignore' })
  } catch (err) {
    throw err instanceof BodyTooLarge ? new RequestEntityTooLarge(limit) : err
  }
}

export interface DecodedBody {
  value: unknown
  /** The apiVersion/kind a protobuf envelope named (JSON bodies carry them inline). */
  typeMeta?: { apiVersion: string; kind: string }
}

/**
 * Decodes an object body. `protoType` is the message the endpoint expects: the envelope's kind must
 * be that type (its raw bytes are decoded as such).
 */
export function decodeBody(
  model: SchemaModel,
  contentType: string | undefined,
  body: Buffer,
  protoType: string,
): DecodedBody {
  const type = mediaTypeOf(contentType)
  switch (type) {
    case 'application/json':
    case '':
      try {
        const text = body.toString('utf8')
        assertJsonDepth(text)
        return { value: JSON.parse(text) as unknown }
      } catch (err) {
        throw new BadRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`)
      }
    case 'application/yaml':
      try {
        const value = parseYaml(body.toString('utf8'), { maxAliasCount: 100 }) as unknown
        assertValueDepth(value)
        return { value }
      } catch (err) {
        throw new BadRequest(`error converting YAML to JSON: ${depthSafeMessage(err)}`)
      }
    case 'application/vnd.kubernetes.protobuf':
      try {
        const env = decodeEnvelope(model, body)
        const value = decodeObject(model, protoType, env.raw)
        return { value, typeMeta: { apiVersion: env.apiVersion, kind: env.kind } }
      } catch (err) {
        if (err instanceof ProtobufDecodeError) throw new BadRequest(err.message)
        throw err
      }
    default:
      throw new UnsupportedMediaType(OBJECT_MEDIA_TYPES)
  }
}
