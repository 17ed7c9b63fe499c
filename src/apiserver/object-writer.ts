/**
 * Writes through the API server's own REST operations — defaults, validation, admission, the store's
 * events — for code in the same process that acts as an API client would (the UI's host controls, the
 * pod-identity slice's pods and controllers), without an HTTP round trip. Errors are the API server's
 * Status errors.
 */
import type { ServerContext } from './context.js'
import { NotFound } from '../kube/index.js'
import { remove } from './rest/delete.js'
import { create, replace } from './rest/write.js'
import type { KubeObject } from './types.js'

export interface ObjectWriter {
  /** `POST` of `obj` to the resource (`group`/`resource`, e.g. `''`/`pods`); the stored object. */
  create(group: string, resource: string, namespace: string, obj: KubeObject): KubeObject
  /** `PUT` of `obj` over the stored object of its name, or its create when there is none. */
  update(group: string, resource: string, namespace: string, obj: KubeObject): KubeObject
  /** `DELETE`; the deleted object, or `undefined` when the API answered with a Status instead. */
  remove(group: string, resource: string, namespace: string, name: string): KubeObject | undefined
}

export function createObjectWriter(ctx: ServerContext): ObjectWriter {
  const defOf = (group: string, resource: string) => {
    const def = ctx.registry.byResource(group, resource)
    // Not served (a CRD not installed): the router's 404.
    if (!def) throw new NotFound()
    return def
  }
  const scope = (namespaced: boolean, namespace: string) => (namespaced ? namespace : '')
  return {
    create(group, resource, namespace, obj) {
      const def = defOf(group, resource)
      return create(ctx, def, scope(def.namespaced, namespace), obj)
    },
    update(group, resource, namespace, obj) {
      const def = defOf(group, resource)
      const ns = scope(def.namespaced, namespace)
      const old = ctx.store.get(def, ns, obj.metadata.name ?? '')
      return old ? replace(ctx, def, old, obj, '') : create(ctx, def, ns, obj)
    },
    remove(group, resource, namespace, name) {
      const def = defOf(group, resource)
      const out = remove(ctx, def, scope(def.namespaced, namespace), name)
      return 'metadata' in out ? (out as KubeObject) : undefined
    },
  }
}
