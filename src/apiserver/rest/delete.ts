/**
 * DELETE and DELETE-collection as the generic registry answers them: preconditions, what the
 * response body is for each kind (the object, or a Success Status with the uid), namespace deletion
 * with everything inside it, and what happens to the object's dependents: Orphan removes their owner
 * reference, Foreground deletes them first, Background leaves them to the garbage collector
 * (../workloads.ts).
 */
import type { ServerContext } from '../context.js'
import { Conflict, Forbidden, NotFound, type Status, type StatusDetails } from '../../kube/index.js'
import { apiVersionOf, type ResourceDef } from '../registry.js'
import type { KubeObject } from '../types.js'
import { dependentsOf, ownerRefs } from './dependents.js'

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string }
  gracePeriodSeconds?: number
  propagationPolicy?: string
  orphanDependents?: boolean
  dryRun?: boolean
}

export interface SuccessStatus extends Omit<Status, 'status' | 'details'> {
  status: 'Success'
  details: StatusDetails
}

const gr = (def: ResourceDef) => ({ group: def.group, resource: def.resource })
/** The NamespaceLifecycle admission plugin refuses to delete these. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public'])

export function successStatus(def: ResourceDef, obj: KubeObject): SuccessStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: obj.metadata.name ?? '',
      ...(def.group && { group: def.group }),
      kind: def.resource,
      ...(obj.metadata.uid && { uid: obj.metadata.uid }),
    },
  } as SuccessStatus
}

export function remove(
  ctx: ServerContext,
  def: ResourceDef,
  namespace: string,
  name: string,
  opts: DeleteOptions = {},
): KubeObject | SuccessStatus {
  const old = ctx.store.get(def, namespace, name)
  if (!old) throw new NotFound(gr(def), name)
  const pre = opts.preconditions
  if (pre?.uid && pre.uid !== old.metadata.uid)
    throw new Conflict(
      gr(def),
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
    )
  if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
    throw new Conflict(
      gr(def),
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`,
    )
  if (def.kind === 'Namespace' && IMMORTAL_NAMESPACES.has(name))
    throw new Forbidden(gr(def), name, 'this namespace may not be deleted')

  const last = finalState(ctx, def, old, opts)
  if (opts.dryRun) return def.returnDeletedObject ? last : successStatus(def, old)
  if (def.kind === 'Namespace') deleteNamespaceContents(ctx, name)
  if (opts.propagationPolicy === 'Orphan' || opts.orphanDependents === true) orphanDependents(ctx, old)
  else if (opts.propagationPolicy === 'Foreground') deleteDependents(ctx, old)
  const removed = ctx.store.remove(def, namespace, name, last)
  return def.returnDeletedObject ? (removed ?? last) : successStatus(def, old)
}

/** How the object looks at the moment it goes: pods are mid graceful termination, namespaces Terminating. */
function finalState(ctx: ServerContext, def: ResourceDef, old: KubeObject, opts: DeleteOptions): KubeObject {
  if (def.kind === 'Pod') {
    const grace =
      opts.gracePeriodSeconds ??
      (old.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ??
      30
    if (grace === 0) return old
    return {
      ...old,
      metadata: {
        ...old.metadata,
        deletionTimestamp: new Date(Date.parse(ctx.now()) + grace * 1000)
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        deletionGracePeriodSeconds: grace,
      },
    }
  }
  if (def.kind === 'Namespace')
    return {
      ...old,
      metadata: { ...old.metadata, deletionTimestamp: ctx.now() },
      status: { ...(old.status as object), phase: 'Terminating' },
    }
  return old
}

function deleteNamespaceContents(ctx: ServerContext, namespace: string): void {
  for (const def of ctx.registry.all) {
    if (!def.namespaced || !def.stored) continue
    for (const o of [...ctx.store.list(def, namespace)])
      ctx.store.remove(def, namespace, o.metadata.name ?? '')
  }
}

/** Orphan: the dependents stay, without their reference to this owner. */
function orphanDependents(ctx: ServerContext, owner: KubeObject): void {
  const uid = owner.metadata.uid ?? ''
  for (const { def, object } of dependentsOf(ctx, owner.metadata.namespace ?? '', uid)) {
    const rest = ownerRefs(object).filter((r) => r.uid !== uid)
    const { ownerReferences: _refs, ...meta } = object.metadata
    ctx.store.put(
      def,
      { ...object, metadata: rest.length ? { ...meta, ownerReferences: rest } : meta },
      'MODIFIED',
    )
  }
}

/** Foreground: the dependents (and theirs) go before the owner does. */
function deleteDependents(ctx: ServerContext, owner: KubeObject): void {
  for (const { def, object } of dependentsOf(ctx, owner.metadata.namespace ?? '', owner.metadata.uid ?? ''))
    if (ctx.store.get(def, object.metadata.namespace ?? '', object.metadata.name ?? ''))
      remove(ctx, def, object.metadata.namespace ?? '', object.metadata.name ?? '', {
        propagationPolicy: 'Foreground',
        gracePeriodSeconds: 0,
      })
}

/** DELETE on a collection: each match is deleted; the answer lists what was deleted. */
export function removeCollection(
  ctx: ServerContext,
  def: ResourceDef,
  namespace: string,
  matches: readonly KubeObject[],
  opts: DeleteOptions = {},
): KubeObject {
  const items: KubeObject[] = []
  for (const o of [...matches]) {
    try {
      const out = remove(ctx, def, namespace || (o.metadata.namespace ?? ''), o.metadata.name ?? '', opts)
      items.push(out.kind === 'Status' ? o : (out as KubeObject))
    } catch (err) {
      if (!(err instanceof NotFound)) throw err
    }
  }
  return {
    kind: `${def.kind}List`,
    apiVersion: apiVersionOf(def),
    metadata: { resourceVersion: String(ctx.store.revision()) },
    items,
  }
}
