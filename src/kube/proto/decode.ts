/**
 * Kubernetes protobuf request bodies: the `k8s\0` magic, a runtime.Unknown envelope naming the
 * apiVersion/kind, and the object message in `raw`. kubectl ≥ 1.32 sends these for typed-client
 * calls (create namespace/configmap, auth can-i, auth whoami…). The message is decoded with
 * protobufjs against the upstream definitions and turned into the object's JSON form, the way the
 * Go types would marshal it (Time → RFC 3339, IntOrString → number or string, bytes → base64, …).
 */
import type protobuf from 'protobufjs'
import { rfc3339 } from '../time.js'
import type { FieldModel, SchemaModel } from './model.js'

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00])

export class ProtobufDecodeError extends Error {}

export interface DecodedEnvelope {
  apiVersion: string
  kind: string
  raw: Uint8Array
}

export function decodeEnvelope(model: SchemaModel, body: Buffer): DecodedEnvelope {
  if (body.length < 4 || !body.subarray(0, 4).equals(PROTOBUF_MAGIC))
    throw new ProtobufDecodeError(
      `provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]`,
    )
  const Unknown = model.root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown')
  let env: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array }
  try {
    env = Unknown.toObject(Unknown.decode(body.subarray(4)), { defaults: false })
  } catch (err) {
    throw new ProtobufDecodeError(`unable to decode protobuf envelope: ${(err as Error).message}`)
  }
  return {
    apiVersion: env.typeMeta?.apiVersion ?? '',
    kind: env.typeMeta?.kind ?? '',
    raw: env.raw ?? new Uint8Array(),
  }
}

/** Fields whose zero value means something (Go pointers, or required numbers that validation reports). */
const KEEP_ZERO = new Set([
  'replicas',
  'immutable',
  'automountServiceAccountToken',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'progressDeadlineSeconds',
  'revisionHistoryLimit',
  'defaultMode',
  'mode',
  'optional',
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'privileged',
  'allowPrivilegeEscalation',
  'readOnlyRootFilesystem',
  'fsGroup',
  'shareProcessNamespace',
  'hostUsers',
  'enableServiceLinks',
  'priority',
  'setHostnameAsFQDN',
  'tolerationSeconds',
  'minDomains',
  'allocateLoadBalancerNodePorts',
  'timeoutSeconds',
  'expirationSeconds',
  'gracePeriodSeconds',
  'orphanDependents',
  'deletionGracePeriodSeconds',
  'controller',
  'blockOwnerDeletion',
  'port',
  'containerPort',
  'weight',
  'maxSkew',
  'exitCode',
  'restartCount',
  'ready',
  'allowed',
  'authenticated',
  'incomplete',
])

/** Decodes an object message to its JSON form. */
export function decodeObject(model: SchemaModel, typeName: string, raw: Uint8Array): Record<string, unknown> {
  const T = model.root.lookupType(typeName)
  let msg: protobuf.Message
  try {
    msg = T.decode(raw)
  } catch (err) {
    throw new ProtobufDecodeError(`unable to decode ${T.name}: ${(err as Error).message}`)
  }
  const plain = T.toObject(msg, { longs: Number, bytes: String, defaults: false }) as Record<string, unknown>
  return toJson(model, typeName, plain)
}

function toJson(
  model: SchemaModel,
  typeName: string,
  plain: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const type = model.root.lookupType(typeName)
  for (const f of type.fieldsArray) {
    const v = plain[f.name]
    if (v === undefined || v === null) continue
    const { kind, type: msgType } = model.fieldKind(f)
    if (model.isInline(f) && msgType) {
      Object.assign(out, toJson(model, msgType, v as Record<string, unknown>))
      continue
    }
    const field: Pick<FieldModel, 'kind' | 'type'> = { kind, ...(msgType && { type: msgType }) }
    if (f.map) {
      const entries = Object.entries(v as Record<string, unknown>).map(
        ([k, x]) => [k, value(model, field, x)] as const,
      )
      if (entries.length) out[f.name] = Object.fromEntries(entries)
    } else if (f.repeated) {
      const items = (v as unknown[]).map((x) => value(model, field, x))
      if (items.length) out[f.name] = items
    } else {
      const x = value(model, field, v)
      if (x === undefined) continue
      if ((x === '' || x === 0 || x === false) && !KEEP_ZERO.has(f.name)) continue
      out[f.name] = x
    }
  }
  return out
}

function value(model: SchemaModel, field: Pick<FieldModel, 'kind' | 'type'>, v: unknown): unknown {
  const o = v as Record<string, unknown>
  switch (field.kind) {
    case 'message':
      return toJson(model, field.type!, o)
    case 'time':
    case 'microtime':
      return timeString(Number(o.seconds ?? 0), Number(o.nanos ?? 0), field.kind === 'microtime')
    case 'duration':
      return goDuration(Number(o.duration ?? 0))
    case 'quantity':
      return typeof o.string === 'string' ? o.string : undefined
    case 'intorstring':
      return Number(o.type ?? 0) === 1 ? (o.strVal ?? '') : Number(o.intVal ?? 0)
    case 'raw':
      return jsonOrBase64(o.raw)
    case 'fields':
      return jsonOrBase64(o.Raw)
    case 'stringlist':
      return Array.isArray(o.items) ? o.items : []
    default:
      return v
  }
}

function jsonOrBase64(b64: unknown): unknown {
  if (typeof b64 !== 'string' || b64 === '') return undefined
  const text = Buffer.from(b64, 'base64').toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    return b64
  }
}

/** metav1.Time marshals as RFC 3339 in seconds, MicroTime with 6 fraction digits; zero is null. */
function timeString(seconds: number, nanos: number, micro: boolean): string | undefined {
  if (seconds === 0 && nanos === 0) return undefined
  const iso = rfc3339(seconds * 1000)
  return micro ? `${iso.slice(0, -1)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : iso
}

/** time.Duration.String(): 1h2m3.5s, 150ms, 0s. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s'
  const neg = ns < 0
  let n = Math.abs(ns)
  if (n < 1e9) {
    const unit = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6]
    return `${neg ? '-' : ''}${trimFloat(n / (unit[1] as number))}${unit[0] as string}`
  }
  const h = Math.floor(n / 3.6e12)
  n -= h * 3.6e12
  const m = Math.floor(n / 6e10)
  n -= m * 6e10
  const s = trimFloat(n / 1e9)
  return `${neg ? '-' : ''}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`
}

const trimFloat = (x: number) => String(Number(x.toFixed(9)))
