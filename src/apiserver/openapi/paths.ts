/**
 * The operations of each served resource in an OpenAPI document (v3 or v2): list/create/
 * deletecollection on the collection, get/replace/delete/patch on the item, the status
 * subresource and the all-namespaces list, each with its query parameters — operation-level
 * `fieldValidation` included — and `x-kubernetes-action` / `x-kubernetes-group-version-kind`.
 */
import type { ResourceDef } from '../registry.js'
import { refTo, type Dialect } from './schemas.js'

export type Obj = Record<string, unknown>

export const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.'

function groupWord(group: string): string {
  if (!group) return 'Core'
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')
}

const tagOf = (def: ResourceDef) => {
  const w = groupWord(def.group)
  return `${w[0]!.toLowerCase()}${w.slice(1)}_${def.version}`
}

const qp = (name: string, description: string, type: 'string' | 'boolean' | 'integer' = 'string'): Obj => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
})

const WRITE_PARAMS = [
  qp(
    'dryRun',
    'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
  ),
  qp(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  qp(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  ),
]
const LIST_PARAMS = [
  qp('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  qp('continue', 'The continue option should be set when retrieving more results from the server.'),
  qp('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  qp('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  qp('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  qp(
    'resourceVersion',
    'resourceVersion sets a constraint on what resource versions a request may be served from.',
  ),
  qp('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  qp('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', 'boolean'),
  qp('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  qp(
    'watch',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
    'boolean',
  ),
]
const PATH_NAME: Obj = {
  name: 'name',
  in: 'path',
  description: 'name of the object',
  required: true,
  schema: { type: 'string', uniqueItems: true },
}
const PATH_NS: Obj = {
  name: 'namespace',
  in: 'path',
  description: 'object name and auth scope, such as for teams and projects',
  required: true,
  schema: { type: 'string', uniqueItems: true },
}
const PRETTY = qp('pretty', "If 'true', then the output is pretty printed.")

export interface Ctx {
  dialect: Dialect
  add: (fullName: string, gvk?: { group: string; version: string; kind: string }) => string
}

function content(ctx: Ctx, ref: string, types: string[]): Obj {
  return Object.fromEntries(types.map((t) => [t, { schema: { $ref: ref } }]))
}

function op(
  ctx: Ctx,
  def: ResourceDef,
  action: string,
  verb: string,
  description: string,
  extra: Obj,
  responseRef: string,
  codes: number[],
): Obj {
  const scope = def.namespaced && action !== 'listAll' ? 'Namespaced' : ''
  const ns = action === 'listAll' ? 'ForAllNamespaces' : ''
  const opVerb = action === 'listAll' ? 'list' : verb
  const responses: Obj = {}
  for (const c of codes)
    responses[String(c)] =
      ctx.dialect === 'v3'
        ? {
            description: c === 201 ? 'Created' : c === 202 ? 'Accepted' : 'OK',
            // Custom resources have no protobuf encoding.
            content: content(
              ctx,
              responseRef,
              def.custom
                ? ['application/json', 'application/yaml']
                : ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
            ),
          }
        : {
            description: c === 201 ? 'Created' : c === 202 ? 'Accepted' : 'OK',
            schema: { $ref: responseRef },
          }
  responses['401'] = { description: 'Unauthorized' }
  return {
    tags: [tagOf(def)],
    description,
    operationId: `${opVerb}${groupWord(def.group)}${def.version[0]!.toUpperCase()}${def.version.slice(1)}${scope}${def.kind}${ns}`,
    ...extra,
    responses,
    'x-kubernetes-action': action === 'listAll' ? 'list' : action,
    'x-kubernetes-group-version-kind': { group: def.group, kind: def.kind, version: def.version },
  }
}

function body(ctx: Ctx, ref: string, types: string[]): Obj {
  return ctx.dialect === 'v3'
    ? { requestBody: { content: content(ctx, ref, types), required: true } }
    : { consumes: types, parameters: [{ name: 'body', in: 'body', required: true, schema: { $ref: ref } }] }
}

/** Merges body parameters (v2) with the operation's query parameters. */
function withParams(b: Obj, params: Obj[]): Obj {
  const bodyParams = (b.parameters as Obj[] | undefined) ?? []
  return { ...b, parameters: [...bodyParams, ...params] }
}

export function pathsFor(ctx: Ctx, def: ResourceDef): Record<string, Obj> {
  const base = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`
  const gvk = { group: def.group, version: def.version, kind: def.kind }
  const kindRef = refTo(ctx.dialect, def.proto)
  ctx.add(def.proto, gvk)
  const paths: Record<string, Obj> = {}
  const coll = def.namespaced ? `${base}/namespaces/{namespace}/${def.resource}` : `${base}/${def.resource}`
  const scopeParams = def.namespaced ? [PATH_NS, PRETTY] : [PRETTY]
  if (!def.stored) {
    paths[coll] = {
      post: op(
        ctx,
        def,
        'post',
        'create',
        `create a ${def.kind}`,
        withParams(body(ctx, kindRef, ['*/*']), WRITE_PARAMS),
        kindRef,
        [200, 201, 202],
      ),
      parameters: scopeParams,
    }
    return paths
  }
  const listProto = `${def.proto}List`
  ctx.add(listProto, { ...gvk, kind: `${def.kind}List` })
  const listRef = refTo(ctx.dialect, listProto)
  const statusRef = refTo(ctx.dialect, `${META}Status`)
  const deleteRef = refTo(ctx.dialect, `${META}DeleteOptions`)
  const patchTypes = [
    'application/json-patch+json',
    'application/merge-patch+json',
    ...(def.custom ? [] : ['application/strategic-merge-patch+json']),
    'application/apply-patch+yaml',
  ]
  const patchRef =
    ctx.dialect === 'v3'
      ? '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch'
      : '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch'
  const collection: Obj = {
    get: op(
      ctx,
      def,
      'list',
      'list',
      `list or watch objects of kind ${def.kind}`,
      { parameters: LIST_PARAMS },
      listRef,
      [200],
    ),
    post: op(
      ctx,
      def,
      'post',
      'create',
      `create a ${def.kind}`,
      withParams(body(ctx, kindRef, ['*/*']), WRITE_PARAMS),
      kindRef,
      [200, 201, 202],
    ),
    parameters: scopeParams,
  }
  if (def.verbs.includes('deletecollection'))
    collection.delete = op(
      ctx,
      def,
      'deletecollection',
      'deletecollection',
      `delete collection of ${def.kind}`,
      withParams(body(ctx, deleteRef, ['*/*']), [...WRITE_PARAMS.slice(0, 1), ...LIST_PARAMS]),
      statusRef,
      [200],
    )
  paths[coll] = collection
  const item: Obj = {
    get: op(ctx, def, 'get', 'read', `read the specified ${def.kind}`, {}, kindRef, [200]),
    put: op(
      ctx,
      def,
      'put',
      'replace',
      `replace the specified ${def.kind}`,
      withParams(body(ctx, kindRef, ['*/*']), WRITE_PARAMS),
      kindRef,
      [200, 201],
    ),
    delete: op(
      ctx,
      def,
      'delete',
      'delete',
      `delete a ${def.kind}`,
      withParams(body(ctx, deleteRef, ['*/*']), [
        WRITE_PARAMS[0]!,
        qp('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
        qp('propagationPolicy', 'Whether and how garbage collection will be performed.'),
      ]),
      def.returnDeletedObject ? kindRef : statusRef,
      [200, 202],
    ),
    patch: op(
      ctx,
      def,
      'patch',
      'patch',
      `partially update the specified ${def.kind}`,
      withParams(body(ctx, patchRef, patchTypes), [
        ...WRITE_PARAMS,
        qp('force', 'Force is going to "force" Apply requests.', 'boolean'),
      ]),
      kindRef,
      [200, 201],
    ),
    parameters: [PATH_NAME, ...scopeParams],
  }
  paths[`${coll}/{name}`] = item
  if (def.subresources.some((s) => s.name === 'status'))
    paths[`${coll}/{name}/status`] = {
      get: op(ctx, def, 'get', 'read', `read status of the specified ${def.kind}`, {}, kindRef, [200]),
      put: op(
        ctx,
        def,
        'put',
        'replace',
        `replace status of the specified ${def.kind}`,
        withParams(body(ctx, kindRef, ['*/*']), WRITE_PARAMS),
        kindRef,
        [200, 201],
      ),
      patch: op(
        ctx,
        def,
        'patch',
        'patch',
        `partially update status of the specified ${def.kind}`,
        withParams(body(ctx, patchRef, patchTypes), [
          ...WRITE_PARAMS,
          qp('force', 'Force is going to "force" Apply requests.', 'boolean'),
        ]),
        kindRef,
        [200, 201],
      ),
      parameters: [PATH_NAME, ...scopeParams],
    }
  if (def.namespaced)
    paths[`${base}/${def.resource}`] = {
      get: op(
        ctx,
        def,
        'listAll',
        'list',
        `list or watch objects of kind ${def.kind}`,
        { parameters: LIST_PARAMS },
        listRef,
        [200],
      ),
      parameters: [PRETTY],
    }
  return paths
}

/** Swagger 2.0 puts a parameter's type on the parameter itself. */
export function toV2Params(paths: Record<string, Obj>): void {
  const convert = (list: unknown) =>
    Array.isArray(list)
      ? (list as Obj[]).map((p) => {
          if (!p.schema || p.in === 'body') return p
          const { schema, ...rest } = p
          return { ...rest, ...(schema as Obj) }
        })
      : list
  for (const item of Object.values(paths)) {
    item.parameters = convert(item.parameters)
    for (const [k, v] of Object.entries(item))
      if (k !== 'parameters') (v as Obj).parameters = convert((v as Obj).parameters)
  }
}
