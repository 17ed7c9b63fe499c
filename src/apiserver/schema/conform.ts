/**
 * Makes a JSON object conform to its kind the way decoding into the Go type would: fields the type
 * does not have are reported (fieldValidation Strict rejects them, Warn warns, Ignore drops them) and
 * always dropped; values of the wrong JSON type fail like encoding/json does
 * (`json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`);
 * nulls are dropped (the Go zero value).
 */
import { type FieldModel, type SchemaModel, type ValueKind } from '../../kube/index.js'

export interface ConformResult {
  value: Record<string, unknown>
  unknownFields: string[]
  /** The first type error, as encoding/json words it. */
  typeError?: string
}

const GO_TYPES: Partial<Record<ValueKind, string>> = {
  string: 'string',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
  bytes: '[]uint8',
  double: 'float64',
  time: 'v1.Time',
  microtime: 'v1.MicroTime',
  duration: 'v1.Duration',
  quantity: 'resource.Quantity',
  intorstring: 'intstr.IntOrString',
  stringlist: 'v1.ExtraValue',
}

const jsonType = (v: unknown) =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v

export function conform(model: SchemaModel, typeName: string, input: Record<string, unknown>): ConformResult {
  const unknownFields: string[] = []
  let typeError: string | undefined
  const fail = (msg: string) => {
    typeError ??= msg
  }

  function goType(f: FieldModel, element = false): string {
    const base =
      f.kind === 'message' ? `v1.${model.message(f.type!).name}` : (GO_TYPES[f.kind] ?? 'interface {}')
    if (element) return base
    if (f.map) return `map[string]${base}`
    return f.repeated ? `[]${base}` : base
  }

  function message(
    typeFull: string,
    obj: Record<string, unknown>,
    path: string,
    goPath: string,
    top: boolean,
  ): Record<string, unknown> {
    const m = model.message(typeFull)
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(obj)) {
      if (top && (k === 'apiVersion' || k === 'kind')) {
        if (typeof v === 'string') out[k] = v
        else if (v !== null)
          fail(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${m.name}.${k} of type string`)
        continue
      }
      const f = m.fields.get(k)
      const p = path ? `${path}.${k}` : k
      if (!f) {
        unknownFields.push(p)
        continue
      }
      if (v === null) continue
      const gp = goPath ? `${goPath}.${k}` : k
      const x = field(f, v, p, gp, m.name)
      if (x !== undefined) out[k] = x
    }
    return out
  }

  function field(f: FieldModel, v: unknown, path: string, goPath: string, owner: string): unknown {
    const mismatch = (value: unknown, asType = goType(f)) =>
      fail(
        `json: cannot unmarshal ${describe(value)} into Go struct field ${owner}.${goPath} of type ${asType}`,
      )
    if (f.map) {
      if (typeof v !== 'object' || Array.isArray(v)) return mismatch(v)
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === null) {
          out[k] = f.kind === 'message' ? {} : zero(f.kind)
          continue
        }
        const y = single(f, x, `${path}[${k}]`, goPath, owner)
        if (y !== undefined) out[k] = y
      }
      return out
    }
    if (f.repeated) {
      if (!Array.isArray(v)) return mismatch(v)
      return v.map((x, i) =>
        x === null
          ? f.kind === 'message'
            ? {}
            : zero(f.kind)
          : single(f, x, `${path}[${i}]`, goPath, owner),
      )
    }
    return single(f, v, path, goPath, owner)
  }

  function single(f: FieldModel, v: unknown, path: string, goPath: string, owner: string): unknown {
    const bad = () => {
      fail(
        `json: cannot unmarshal ${describe(v)} into Go struct field ${owner}.${goPath} of type ${goType(f, true)}`,
      )
      return undefined
    }
    switch (f.kind) {
      case 'message':
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad()
        return message(f.type!, v as Record<string, unknown>, path, goPath, false)
      case 'string':
        return typeof v === 'string' ? v : bad()
      case 'bool':
        return typeof v === 'boolean' ? v : bad()
      case 'int32':
      case 'int64': {
        if (typeof v !== 'number' || !Number.isInteger(v)) return bad()
        const limit = f.kind === 'int32' ? 2 ** 31 : 2 ** 63
        return v >= -limit && v < limit ? v : bad()
      }
      case 'double':
        return typeof v === 'number' ? v : bad()
      case 'bytes':
        if (typeof v !== 'string') return bad()
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 === 1) {
          fail(`illegal base64 data at input byte ${firstBadBase64(v)}`)
          return undefined
        }
        return v
      case 'time':
      case 'microtime':
        if (typeof v !== 'string') return bad()
        if (Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) {
          fail(`parsing time "${v}" as "2006-01-02T15:04:05Z07:00": cannot parse "${v}" as "2006"`)
          return undefined
        }
        return v
      case 'quantity':
      case 'intorstring':
        if (typeof v === 'string') return v
        if (typeof v === 'number' && (f.kind === 'quantity' || Number.isInteger(v))) return v
        return bad()
      case 'duration':
        return typeof v === 'string' ? v : bad()
      case 'fields':
        return typeof v === 'object' && !Array.isArray(v) ? v : bad()
      case 'raw':
        return v
      case 'stringlist':
        return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : bad()
    }
  }

  const value = message(typeName, input, '', '', true)
  return { value, unknownFields, ...(typeError !== undefined && { typeError }) }
}

function zero(kind: ValueKind): unknown {
  return kind === 'bool' ? false : kind === 'int32' || kind === 'int64' || kind === 'double' ? 0 : ''
}

function describe(v: unknown): string {
  if (typeof v === 'number') return `number ${v}`
  return jsonType(v)
}

function firstBadBase64(v: string): number {
  const i = [...v].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c))
  return i === -1 ? v.length - 1 : i
}
