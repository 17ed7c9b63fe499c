/**
 * Request bodies: read with the API server's size limit (3 MiB like kube-apiserver's
 * MaxRequestBodyBytes), then decoded by content type — JSON, YAML or Kubernetes protobuf — into the
 * object's JSON form. Anything else is 415; anything undecodable is 400.
 */
import type { IncomingMessage } from 'node:http'
import { parse as parseYaml } from 'yaml'
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

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) return Promise.reject(new RequestEntityTooLarge(limit))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    req.on('data', (c: Buffer) => {
      if (failed) return
      size += c.length
      if (size > limit) {
        failed = true
        chunks.length = 0
        reject(new RequestEntityTooLarge(limit))
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks))
    })
    req.on('error', (err) => {
      if (!failed) reject(err)
    })
  })
}

export const mediaTypeOf = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase()

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
