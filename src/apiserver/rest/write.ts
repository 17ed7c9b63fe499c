/**
 * The write half of the generic registry (k8s.io/apiserver/pkg/registry/generic/registry/store.go):
 * create, update (PUT, also of the status subresource) and the shared "prepare and validate" path,
 * with the checks kube-apiserver makes and the errors it answers.
 */
import { isDeepStrictEqual } from 'node:util'
import type { ServerContext } from '../context.js'
import { randomSuffix } from '../context.js'
import { AlreadyExists, BadRequest, Conflict, Invalid, NotFound } from '../../kube/index.js'
import { applyDefaults } from '../kinds/defaults.js'
import { runningPod } from '../kinds/status-sim.js'
import { validateKind } from '../kinds/validate-kinds.js'
import { validateObjectMeta, validateObjectMetaUpdate } from '../kinds/validate-meta.js'
import { apiVersionOf, type ResourceDef } from '../registry.js'
import type { KubeObject, ObjectMeta } from '../types.js'

export interface WriteOptions {
  dryRun?: boolean
}

const gr = (def: ResourceDef) => ({ group: def.group, resource: def.resource })
const NAMESPACES = { group: '', resource: 'namespaces', namespaced: false }

/** EnsureObjectNamespaceMatchesRequestNamespace. */
function placeInNamespace(def: ResourceDef, namespace: string, meta: ObjectMeta): ObjectMeta {
  const want = def.namespaced ? namespace : ''
  if (!meta.namespace || meta.namespace === want || !want) return { ...meta, namespace: want || undefined }
  throw new BadRequest(
    'the namespace of the provided object does not match the namespace sent on the request',
  )
}

/** The create handler's decode check: the object must be of this endpoint's group/version and kind. */
export function checkTypeMeta(def: ResourceDef, body: KubeObject): void {
  const want = apiVersionOf(def)
  if (body.apiVersion && body.apiVersion !== want)
    throw new BadRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`,
    )
  if (body.kind && body.kind !== def.kind)
    throw new BadRequest(
      `${body.kind} in version "${def.version}" cannot be handled as a ${def.kind}: the kind in the data (${body.kind}) does not match the expected kind (${def.kind})`,
    )
}

function requireNamespace(ctx: ServerContext, def: ResourceDef, namespace: string): void {
  if (def.namespaced && !ctx.store.get(NAMESPACES, '', namespace))
    throw new NotFound({ group: '', resource: 'namespaces' }, namespace)
}

function assertValid(def: ResourceDef, obj: KubeObject, old?: KubeObject): void {
  const errs = old ? validateObjectMetaUpdate(obj.metadata, old.metadata) : []
  errs.push(...validateObjectMeta(obj.metadata, def.nameRule, def.namespaced))
  errs.push(...validateKind(def.kind, obj, old))
  if (errs.length) throw new Invalid({ group: def.group, kind: def.kind }, obj.metadata.name ?? '', errs)
}

/** The stored form: no apiVersion/kind (list items carry none), metadata first, then the kind's field order. */
function storedForm(ctx: ServerContext, def: ResourceDef, obj: KubeObject): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = obj
  const out: KubeObject = { metadata }
  const order = def.custom
    ? Object.keys(def.custom.schema.properties ?? {})
    : ctx.model.message(def.proto).fields.keys()
  for (const k of order) if (k !== 'metadata' && rest[k] !== undefined) out[k] = rest[k]
  for (const [k, v] of Object.entries(rest)) if (!(k in out) && v !== undefined) out[k] = v
  return out
}

/** What the simulated scheduler and kubelet make of a new pod (the controllers run after the write). */
function simulate(ctx: ServerContext, def: ResourceDef, obj: KubeObject, old?: KubeObject): KubeObject {
  if (def.kind === 'Pod' && !old) return runningPod(obj, ctx.cluster)
  return obj
}

export function create(
  ctx: ServerContext,
  def: ResourceDef,
  namespace: string,
  body: KubeObject,
  opts: WriteOptions = {},
): KubeObject {
  checkTypeMeta(def, body)
  const meta = placeInNamespace(def, namespace, { ...body.metadata })
  if (!meta.name && meta.generateName) {
    do meta.name = `${meta.generateName}${randomSuffix(5)}`
    while (ctx.store.get(def, meta.namespace ?? '', meta.name))
  }
  requireNamespace(ctx, def, meta.namespace ?? '')
  const system: ObjectMeta = {
    ...meta,
    uid: ctx.newUid(),
    creationTimestamp: ctx.now(),
    ...(def.tracksGeneration && { generation: 1 }),
  }
  for (const k of [
    'resourceVersion',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'selfLink',
    'managedFields',
  ])
    delete system[k]
  let obj: KubeObject = { ...body, apiVersion: apiVersionOf(def), kind: def.kind, metadata: system }
  // PrepareForCreate: status is the system's to write, whatever the client sent — except a Node's:
  // "Nodes allow *all* fields, including status, to be set on create" (pkg/registry/core/node/strategy.go).
  if (def.kind !== 'Node' && def.subresources.some((s) => s.name === 'status')) delete obj.status
  obj = applyDefaults(def.kind, obj, ctx.defaulting, true)
  // Mutating admission runs after defaulting and before validation.
  if (def.kind === 'Pod' && ctx.admitPod)
    obj = ctx.admitPod(obj, obj.metadata.namespace ?? '', opts.dryRun ?? false)
  assertValid(def, obj)
  if (ctx.store.get(def, obj.metadata.namespace ?? '', obj.metadata.name ?? ''))
    throw new AlreadyExists(gr(def), obj.metadata.name ?? '')
  obj = storedForm(ctx, def, simulate(ctx, def, obj))
  if (opts.dryRun) return obj
  return ctx.store.put(def, obj, 'ADDED')
}

export interface UpdateResult {
  object: KubeObject
  created: boolean
}

/** PUT of the object (subresource '') or of its status ('status'). */
export function update(
  ctx: ServerContext,
  def: ResourceDef,
  namespace: string,
  name: string,
  body: KubeObject,
  subresource: string,
  opts: WriteOptions = {},
): UpdateResult {
  checkTypeMeta(def, body)
  if ((body.metadata.name ?? '') !== name)
    throw new BadRequest(
      `the name of the object (${body.metadata.name ?? ''}) does not match the name on the URL (${name})`,
    )
  const meta = placeInNamespace(def, namespace, { ...body.metadata, name })
  const old = ctx.store.get(def, namespace, name)
  if (!old) {
    if (def.allowCreateOnUpdate && !subresource)
      return { object: create(ctx, def, namespace, { ...body, metadata: meta }, opts), created: true }
    throw new NotFound(gr(def), name)
  }
  return { object: replace(ctx, def, old, { ...body, metadata: meta }, subresource, opts), created: false }
}

/** Writes `next` over `old` (update and patch share this). */
export function replace(
  ctx: ServerContext,
  def: ResourceDef,
  old: KubeObject,
  next: KubeObject,
  subresource: string,
  opts: WriteOptions = {},
): KubeObject {
  const name = old.metadata.name ?? ''
  const rv = next.metadata.resourceVersion
  if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw new Conflict(gr(def), name)
  if (next.metadata.uid !== undefined && next.metadata.uid !== '' && next.metadata.uid !== old.metadata.uid)
    throw new Conflict(
      gr(def),
      name,
      `Precondition failed: UID in precondition: ${next.metadata.uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
    )
  const hasStatus = def.subresources.some((s) => s.name === 'status')
  let obj: KubeObject =
    subresource === 'status'
      ? { ...old, status: next.status }
      : { ...next, apiVersion: apiVersionOf(def), kind: def.kind, ...(hasStatus && { status: old.status }) }
  if (hasStatus && subresource !== 'status' && old.status === undefined) delete obj.status
  obj.metadata = {
    ...(subresource === 'status' ? old.metadata : obj.metadata),
    uid: old.metadata.uid,
    creationTimestamp: old.metadata.creationTimestamp,
    ...(old.metadata.generation !== undefined && { generation: old.metadata.generation }),
    ...(old.metadata.deletionTimestamp !== undefined && {
      deletionTimestamp: old.metadata.deletionTimestamp,
    }),
    resourceVersion: old.metadata.resourceVersion,
  }
  delete obj.metadata.managedFields
  if (def.kind === 'Service') obj = keepAllocations(obj, old)
  obj = applyDefaults(def.kind, obj, ctx.defaulting, false)
  assertValid(def, obj, old)
  if (def.tracksGeneration && !isDeepStrictEqual(obj.spec, old.spec))
    obj.metadata = { ...obj.metadata, generation: (old.metadata.generation ?? 1) + 1 }
  obj = storedForm(ctx, def, simulate(ctx, def, obj, old))
  if (isDeepStrictEqual(obj, old)) return old // a no-op update keeps the resourceVersion
  if (opts.dryRun) return obj
  return ctx.store.put(def, obj, 'MODIFIED')
}

/** A service keeps its allocated ClusterIP and node ports when an update leaves them out. */
function keepAllocations(obj: KubeObject, old: KubeObject): KubeObject {
  const spec = { ...(obj.spec as Record<string, unknown>) }
  const oldSpec = (old.spec ?? {}) as Record<string, unknown>
  if (!spec.clusterIP && oldSpec.clusterIP && spec.type !== 'ExternalName') {
    spec.clusterIP = oldSpec.clusterIP
    spec.clusterIPs = oldSpec.clusterIPs
  }
  const oldPorts = (oldSpec.ports ?? []) as Record<string, unknown>[]
  if (Array.isArray(spec.ports))
    spec.ports = (spec.ports as Record<string, unknown>[]).map((p) => {
      const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))
      return p.nodePort === undefined && match?.nodePort !== undefined
        ? { ...p, nodePort: match.nodePort }
        : p
    })
  return { ...obj, spec }
}
