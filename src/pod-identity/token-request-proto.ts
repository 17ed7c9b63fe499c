/**
 * A TokenRequest sent as Kubernetes protobuf (kubectl ≥ 1.32 `create token`): the `k8s\0` magic, a
 * runtime.Unknown envelope naming apiVersion/kind, and in `raw` the authentication.k8s.io/v1
 * TokenRequest message (k8s.io/api authentication/v1 generated.proto, in src/kube/proto). Decoded and
 * encoded with protobufjs over those definitions; anything undecodable is a ProtoError.
 */
import type protobuf from 'protobufjs'
import { PROTOBUF_MAGIC, loadKubeProtos } from '../kube/index.js'

export class ProtoError extends Error {}

const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown'
const TOKEN_REQUEST = 'k8s.io.api.authentication.v1.TokenRequest'

// The definitions never change while the process runs: parse them once, on first use.
let definitions: protobuf.Root | undefined
const typeOf = (name: string) => (definitions ??= loadKubeProtos()).lookupType(name)

interface Envelope {
  typeMeta?: { apiVersion?: string; kind?: string }
  raw?: Uint8Array
}

interface WireTokenRequest {
  metadata?: { name?: string; namespace?: string }
  spec?: {
    audiences?: string[]
    expirationSeconds?: number
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string }
  }
}

export interface DecodedTokenRequest {
  typeMeta: { apiVersion: string; kind: string }
  value: Record<string, unknown>
}

function decodeMessage<T>(typeName: string, bytes: Uint8Array): T {
  const type = typeOf(typeName)
  try {
    return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as T
  } catch (err) {
    throw new ProtoError((err as Error).message)
  }
}

export function decodeTokenRequestProto(body: Buffer): DecodedTokenRequest {
  if (body.length < 4 || !body.subarray(0, 4).equals(PROTOBUF_MAGIC))
    throw new ProtoError('missing protobuf magic')
  const envelope = decodeMessage<Envelope>(UNKNOWN, body.subarray(4))
  const tr = decodeMessage<WireTokenRequest>(TOKEN_REQUEST, envelope.raw ?? new Uint8Array())
  // Only the fields the TokenRequest endpoint reads: name and namespace of the metadata, the spec.
  const value: Record<string, unknown> = {}
  if (tr.metadata) {
    const { name, namespace } = tr.metadata
    value.metadata = { ...(name !== undefined && { name }), ...(namespace !== undefined && { namespace }) }
  }
  if (tr.spec) {
    const { audiences, boundObjectRef, expirationSeconds } = tr.spec
    value.spec = {
      ...(audiences?.length && { audiences }),
      ...(boundObjectRef && { boundObjectRef }),
      ...(expirationSeconds !== undefined && { expirationSeconds }),
    }
  }
  return {
    typeMeta: { apiVersion: envelope.typeMeta?.apiVersion ?? '', kind: envelope.typeMeta?.kind ?? '' },
    value,
  }
}

/** Encodes a TokenRequest the way kubectl does (tests and tools; the server answers JSON). */
export function encodeTokenRequestProto(tr: {
  name?: string
  namespace?: string
  audiences?: string[]
  expirationSeconds?: number
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string }
}): Buffer {
  const { name, namespace, audiences, expirationSeconds, boundObjectRef } = tr
  const tokenRequest = typeOf(TOKEN_REQUEST)
  const raw = tokenRequest
    .encode(
      tokenRequest.fromObject({
        metadata: { ...(name !== undefined && { name }), ...(namespace !== undefined && { namespace }) },
        spec: {
          ...(audiences && { audiences }),
          ...(boundObjectRef && { boundObjectRef }),
          ...(expirationSeconds !== undefined && { expirationSeconds }),
        },
        status: {},
      }),
    )
    .finish()
  const unknown = typeOf(UNKNOWN)
  const envelope = unknown.encode(
    unknown.fromObject({
      typeMeta: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' },
      raw,
      contentEncoding: '',
      contentType: '',
    }),
  )
  return Buffer.concat([PROTOBUF_MAGIC, envelope.finish()])
}
