/**
 * Decodes a TokenRequest sent as Kubernetes protobuf (kubectl ≥ 1.32 `create token`): the `k8s\0`
 * magic, a runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw}, and in `raw` the TokenRequest
 * {1 metadata {1 name, 3 namespace}, 2 spec {1 audiences*, 3 boundObjectRef {1 kind, 2 apiVersion,
 * 3 name, 4 uid}, 4 expirationSeconds}} (k8s.io/api authentication/v1 generated.proto).
 * Unknown fields are skipped by wire type; anything truncated or mistyped is a ProtoError.
 */

export class ProtoError extends Error {}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00])

type Field = { no: number; wire: number; value: bigint | Buffer }

function readVarint(buf: Buffer, pos: { i: number }): bigint {
  let result = 0n
  let shift = 0n
  for (let n = 0; n < 10; n++) {
    if (pos.i >= buf.length) throw new ProtoError('unexpected end of varint')
    const b = buf[pos.i++]!
    result |= BigInt(b & 0x7f) << shift
    if ((b & 0x80) === 0) return result
    shift += 7n
  }
  throw new ProtoError('varint too long')
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = []
  const pos = { i: 0 }
  while (pos.i < buf.length) {
    const tag = readVarint(buf, pos)
    const no = Number(tag >> 3n)
    const wire = Number(tag & 7n)
    if (no === 0) throw new ProtoError('field number 0')
    if (wire === 0) out.push({ no, wire, value: readVarint(buf, pos) })
    else if (wire === 2) {
      const len = Number(readVarint(buf, pos))
      if (len < 0 || pos.i + len > buf.length) throw new ProtoError('length out of range')
      out.push({ no, wire, value: buf.subarray(pos.i, pos.i + len) })
      pos.i += len
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4
      if (pos.i + size > buf.length) throw new ProtoError('fixed field out of range')
      pos.i += size
    } else throw new ProtoError(`unsupported wire type ${wire}`)
  }
  return out
}

const bytesOf = (f: Field): Buffer => {
  if (f.wire !== 2 || !Buffer.isBuffer(f.value)) throw new ProtoError(`field ${f.no} is not length-delimited`)
  return f.value
}
const str = (f: Field) => bytesOf(f).toString('utf8')

export interface DecodedTokenRequest {
  typeMeta: { apiVersion: string; kind: string }
  value: Record<string, unknown>
}

export function decodeTokenRequestProto(body: Buffer): DecodedTokenRequest {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new ProtoError('missing protobuf magic')
  const typeMeta = { apiVersion: '', kind: '' }
  let raw: Buffer = Buffer.alloc(0)
  for (const f of fields(body.subarray(4))) {
    if (f.no === 1)
      for (const t of fields(bytesOf(f))) {
        if (t.no === 1) typeMeta.apiVersion = str(t)
        if (t.no === 2) typeMeta.kind = str(t)
      }
    if (f.no === 2) raw = bytesOf(f)
  }
  const value: Record<string, unknown> = {}
  for (const f of fields(raw)) {
    if (f.no === 1) {
      const meta: Record<string, string> = {}
      for (const m of fields(bytesOf(f))) {
        if (m.no === 1) meta.name = str(m)
        if (m.no === 3) meta.namespace = str(m)
      }
      value.metadata = meta
    }
    if (f.no === 2) {
      const spec: Record<string, unknown> = {}
      const audiences: string[] = []
      for (const s of fields(bytesOf(f))) {
        if (s.no === 1) audiences.push(str(s))
        if (s.no === 3) {
          const ref: Record<string, string> = {}
          for (const r of fields(bytesOf(s))) {
            const k = ['', 'kind', 'apiVersion', 'name', 'uid'][r.no]
            if (k) ref[k] = str(r)
          }
          spec.boundObjectRef = ref
        }
        if (s.no === 4) {
          if (s.wire !== 0) throw new ProtoError('expirationSeconds is not a varint')
          spec.expirationSeconds = Number(BigInt.asIntN(64, s.value as bigint))
        }
      }
      if (audiences.length > 0) spec.audiences = audiences
      value.spec = spec
    }
  }
  return { typeMeta, value }
}

/** Encodes a TokenRequest the way kubectl does (tests and tools; the server answers JSON). */
export function encodeTokenRequestProto(tr: {
  name?: string
  namespace?: string
  audiences?: string[]
  expirationSeconds?: number
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string }
}): Buffer {
  const varint = (n: bigint) => {
    const out: number[] = []
    let v = BigInt.asUintN(64, n)
    do {
      let b = Number(v & 0x7fn)
      v >>= 7n
      if (v > 0n) b |= 0x80
      out.push(b)
    } while (v > 0n)
    return Buffer.from(out)
  }
  const ld = (no: number, payload: Buffer) =>
    Buffer.concat([varint(BigInt((no << 3) | 2)), varint(BigInt(payload.length)), payload])
  const s = (no: number, v: string | undefined) =>
    v === undefined ? Buffer.alloc(0) : ld(no, Buffer.from(v))
  const meta = Buffer.concat([s(1, tr.name), s(3, tr.namespace)])
  const ref = tr.boundObjectRef
  const spec = Buffer.concat([
    ...(tr.audiences ?? []).map((a) => s(1, a)),
    ref
      ? ld(3, Buffer.concat([s(1, ref.kind), s(2, ref.apiVersion), s(3, ref.name), s(4, ref.uid)]))
      : Buffer.alloc(0),
    tr.expirationSeconds === undefined
      ? Buffer.alloc(0)
      : Buffer.concat([varint(BigInt(4 << 3)), varint(BigInt(tr.expirationSeconds))]),
  ])
  const raw = Buffer.concat([ld(1, meta), ld(2, spec), ld(3, Buffer.alloc(0))])
  const typeMeta = Buffer.concat([s(1, 'authentication.k8s.io/v1'), s(2, 'TokenRequest')])
  return Buffer.concat([MAGIC, ld(1, typeMeta), ld(2, raw), s(3, ''), s(4, '')])
}
