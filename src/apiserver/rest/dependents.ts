/**
 * The garbage collector's view of ownership (pkg/controller/garbagecollector): an object's dependents
 * are the objects whose `metadata.ownerReferences` name its uid. Deleting an owner either orphans them
 * (the reference is removed), deletes them first (Foreground) or leaves them to the collector, which
 * deletes a dependent once none of its owners exists (Background, the default for apps/v1).
 */
import type { ServerContext } from '../context.js'
import type { ResourceDef } from '../registry.js'
import type { KubeObject } from '../types.js'

export interface OwnerRef {
  apiVersion?: string
  kind?: string
  name?: string
  uid?: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export const ownerRefs = (o: KubeObject): OwnerRef[] => (o.metadata.ownerReferences ?? []) as OwnerRef[]

/** The owner reference with `controller: true`. */
export const controllerOf = (o: KubeObject): OwnerRef | undefined => ownerRefs(o).find((r) => r.controller)

/** Every stored object whose owner references name `uid` (owners and dependents share a namespace). */
export function dependentsOf(
  ctx: ServerContext,
  namespace: string,
  uid: string,
): { def: ResourceDef; object: KubeObject }[] {
  const out: { def: ResourceDef; object: KubeObject }[] = []
  for (const def of ctx.registry.all) {
    if (!def.stored || (namespace && !def.namespaced)) continue
    for (const o of ctx.store.list(def, namespace))
      if (ownerRefs(o).some((r) => r.uid === uid)) out.push({ def, object: o })
  }
  return out
}

/** Whether the owner a reference names still exists (same uid); unknown kinds count as existing. */
export function ownerExists(ctx: ServerContext, namespace: string, ref: OwnerRef): boolean {
  const def = ctx.registry.byKind(ref.apiVersion ?? '', ref.kind ?? '')
  if (!def || !def.stored) return true
  const owner = ctx.store.get(def, def.namespaced ? namespace : '', ref.name ?? '')
  return owner?.metadata.uid === ref.uid
}
