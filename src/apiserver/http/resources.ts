/**
 * Routes resource requests (`/api/v1/...`, `/apis/<group>/v1/...`) to the REST operations after
 * authorization: get, list, watch, create, update, patch, delete, deletecollection, the status
 * subresource and the review kinds. Handlers parse, call, render.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ServerContext } from '../context.js'
import { checkRbacEscalation, type EscalationDeps } from '../authz/escalation.js'
import { BadRequest, MethodNotAllowed, NotFound } from '../../kube/index.js'
import { applyPatch, patchTypeOf } from '../patch/apply-patch.js'
import type { JsonMap } from '../patch/strategic.js'
import { remove, removeCollection } from '../rest/delete.js'
import { get, list, listEnvelope, parseSelectors, selectorMatcher } from '../rest/read.js'
import { review, type ReviewDeps } from '../rest/reviews.js'
import { create, replace, update } from '../rest/write.js'
import { apiVersionOf, type ResourceDef } from '../registry.js'
import type { RequestInfo } from '../request-info.js'
import { parseIncludeObject, toTable } from '../table/table.js'
import type { KubeObject, UserInfo } from '../types.js'
import type { ServiceAccountTokenRequest } from '../deps.js'
import { readBody } from './body.js'
import { conformObject, decodeObjectBody, fieldValidationOf, warningHeaders } from './decode-object.js'
import { deleteOptionsOf, dryRunOf, intParam } from './query.js'
import { negotiateObject } from './negotiate.js'
import { send } from './respond.js'
import { handleLog, handleScale } from './subresources.js'
import { serveWatch } from './watch.js'

export interface ResourceRequest {
  req: IncomingMessage
  res: ServerResponse
  info: RequestInfo
  query: URLSearchParams
  user: UserInfo
}

export interface ResourceHandlerDeps {
  ctx: ServerContext
  reviews: ReviewDeps
  escalation: EscalationDeps
  maxBodyBytes: number
  bookmarkIntervalMs: number
  /** A watch keeps the response open; the request log is written when it ends. */
  onStreamEnd(res: ServerResponse): void
  markStreaming(res: ServerResponse): void
  /** The TokenRequest subresource, when another slice serves it. */
  createToken?: ServiceAccountTokenRequest
}

/** `kind` and `apiVersion` first, as kube-apiserver serialises objects. */
export const typed = (def: ResourceDef, o: KubeObject): KubeObject => ({
  kind: def.kind,
  apiVersion: apiVersionOf(def),
  ...o,
})

/** Finds the served resource for a resource request, or throws the router's 404. */
export function resolveResource(
  ctx: ServerContext,
  info: RequestInfo,
): { def: ResourceDef; namespace: string } {
  const def = ctx.registry.byGVR(info.apiGroup, info.apiVersion, info.resource)
  if (!def || info.parts.length > 3) throw new NotFound()
  if (info.subresource && !def.subresources.some((s) => s.name === info.subresource)) throw new NotFound()
  if (def.kind === 'Namespace') return { def, namespace: '' }
  if (!def.namespaced && info.namespace) throw new NotFound()
  return { def, namespace: info.namespace }
}

export async function handleResource(d: ResourceHandlerDeps, r: ResourceRequest): Promise<void> {
  const { ctx } = d
  const { def, namespace } = resolveResource(ctx, r.info)
  const { info, query, res, req } = r
  const name =
    def.kind === 'Namespace' && info.name === '' && info.namespace && info.verb !== 'create'
      ? info.namespace
      : info.name
  const verb = info.verb
  const sub = def.subresources.find((x) => x.name === info.subresource)
  const allowed = sub ? sub.verbs.includes(verb) : def.verbs.includes(verb)
  if (!allowed || (verb === 'create' && info.name && !sub)) throw new MethodNotAllowed()
  if (info.subresource === 'token') {
    // TokenRequest: the pod-identity slice's (serviceaccounts/{name}/token).
    if (!d.createToken) throw new NotFound()
    const out = await d.createToken({
      namespace,
      name,
      contentType: req.headers['content-type'],
      body: await readBody(req, d.maxBodyBytes),
    })
    return send(res, 201, out.body, {
      headers: out.warnings.length ? { Warning: warningHeaders(out.warnings).join(', ') } : {},
    })
  }
  if (info.subresource === 'log') return handleLog(ctx, res, def, namespace, name)
  if (info.subresource === 'scale')
    return handleScale(ctx, res, {
      verb,
      def,
      namespace,
      name,
      contentType: req.headers['content-type'],
      body: () => readBody(req, d.maxBodyBytes),
      dryRun: dryRunOf(query),
    })
  const guard = (o: KubeObject) => checkRbacEscalation(d.escalation, r.user, def, namespace, o)
  if (!def.stored) {
    const body = await readBody(req, d.maxBodyBytes)
    const { object, warnings } = decodeObjectBody(
      ctx.model,
      def,
      req.headers['content-type'],
      body,
      fieldValidationOf(query),
    )
    const out = await review(d.reviews, def, namespace, object, r.user)
    send(res, 201, out, { headers: warnings.length ? { Warning: warningHeaders(warnings).join(', ') } : {} })
    return
  }
  switch (verb) {
    case 'get': {
      const rep = negotiateObject(req.headers.accept, true)
      const o = get(ctx, def, namespace, name)
      if (rep.format === 'table')
        return send(
          res,
          200,
          toTable(
            def,
            [o],
            { resourceVersion: o.metadata.resourceVersion },
            {
              apiVersion: rep.apiVersion,
              includeObject: parseIncludeObject(query.get('includeObject')),
              now: ctx.clock.now(),
              withColumns: true,
            },
          ),
          { contentType: `application/json;as=Table;v=${rep.apiVersion.split('/')[1]!};g=meta.k8s.io` },
        )
      return send(res, 200, typed(def, o), { yaml: rep.format === 'yaml' })
    }
    case 'list': {
      const rep = negotiateObject(req.headers.accept, true)
      const limit = intParam(query, 'limit')
      const result = list(ctx, def, namespace, {
        labelSelector: query.get('labelSelector') ?? '',
        fieldSelector: query.get('fieldSelector') ?? '',
        ...(limit !== undefined && { limit }),
        continue: query.get('continue') ?? '',
      })
      if (rep.format === 'table') {
        const env = listEnvelope(def, result)
        return send(
          res,
          200,
          toTable(def, result.items, env.metadata as Record<string, unknown>, {
            apiVersion: rep.apiVersion,
            includeObject: parseIncludeObject(query.get('includeObject')),
            now: ctx.clock.now(),
            withColumns: true,
          }),
          { contentType: `application/json;as=Table;v=${rep.apiVersion.split('/')[1]!};g=meta.k8s.io` },
        )
      }
      return send(res, 200, listEnvelope(def, result), { yaml: rep.format === 'yaml' })
    }
    case 'watch': {
      const rep = negotiateObject(req.headers.accept, true)
      d.markStreaming(res)
      serveWatch(ctx, req, res, {
        def,
        namespace,
        ...(name && { name }),
        query,
        ...(rep.format === 'table' && {
          table: {
            apiVersion: rep.apiVersion,
            includeObject: parseIncludeObject(query.get('includeObject')),
          },
        }),
        bookmarkIntervalMs: d.bookmarkIntervalMs,
        onEnd: () => d.onStreamEnd(res),
      })
      return
    }
    case 'create': {
      const validation = fieldValidationOf(query)
      const dryRun = dryRunOf(query)
      const body = await readBody(req, d.maxBodyBytes)
      const { object, warnings } = decodeObjectBody(
        ctx.model,
        def,
        req.headers['content-type'],
        body,
        validation,
      )
      await guard(object)
      const created = create(ctx, def, def.kind === 'Namespace' ? '' : namespace, object, { dryRun })
      return send(res, 201, typed(def, created), {
        headers: warnings.length ? { Warning: warningHeaders(warnings).join(', ') } : {},
      })
    }
    case 'update': {
      const validation = fieldValidationOf(query)
      const dryRun = dryRunOf(query)
      const body = await readBody(req, d.maxBodyBytes)
      const { object, warnings } = decodeObjectBody(
        ctx.model,
        def,
        req.headers['content-type'],
        body,
        validation,
      )
      await guard(object)
      const out = update(ctx, def, namespace, name, object, info.subresource, { dryRun })
      return send(res, out.created ? 201 : 200, typed(def, out.object), {
        headers: warnings.length ? { Warning: warningHeaders(warnings).join(', ') } : {},
      })
    }
    case 'patch': {
      const type = patchTypeOf(req.headers['content-type'], def.custom !== undefined)
      const patchModel = def.custom ? undefined : def.proto
      const validation =
        type === 'application/apply-patch+yaml' && !query.get('fieldValidation')
          ? 'Strict'
          : fieldValidationOf(query)
      const dryRun = dryRunOf(query)
      if (type === 'application/apply-patch+yaml' && !query.get('fieldManager'))
        throw new BadRequest(
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        )
      const body = await readBody(req, d.maxBodyBytes)
      const existing = ctx.store.get(def, namespace, name)
      if (!existing && type === 'application/apply-patch+yaml') {
        const applied = applyPatch(ctx.model, patchModel, type, {}, body)
        const { object, warnings } = conformObject(
          ctx.model,
          def,
          { ...applied, metadata: { ...(applied.metadata as object), name } },
          validation,
        )
        await guard(object)
        const created = create(ctx, def, namespace, object, { dryRun })
        return send(res, 201, typed(def, created), {
          headers: warnings.length ? { Warning: warningHeaders(warnings).join(', ') } : {},
        })
      }
      const old = existing ?? get(ctx, def, namespace, name)
      const patched = applyPatch(ctx.model, patchModel, type, typed(def, old) as unknown as JsonMap, body)
      const { object, warnings } = conformObject(ctx.model, def, patched, validation)
      await guard(object)
      const out = replace(ctx, def, old, object, info.subresource, { dryRun })
      return send(res, 200, typed(def, out), {
        headers: warnings.length ? { Warning: warningHeaders(warnings).join(', ') } : {},
      })
    }
    case 'delete': {
      const opts = await deleteOptionsOf({ model: ctx.model, maxBodyBytes: d.maxBodyBytes }, r)
      const out = remove(ctx, def, namespace, name, opts)
      return send(res, 200, out.kind === 'Status' ? out : typed(def, out as KubeObject))
    }
    case 'deletecollection': {
      const opts = await deleteOptionsOf({ model: ctx.model, maxBodyBytes: d.maxBodyBytes }, r)
      const sel = parseSelectors(def, {
        labelSelector: query.get('labelSelector') ?? '',
        fieldSelector: query.get('fieldSelector') ?? '',
      })
      const matches = ctx.store.list(def, namespace).filter(selectorMatcher(def, sel))
      return send(res, 200, removeCollection(ctx, def, namespace, matches, opts))
    }
    default:
      throw new MethodNotAllowed()
  }
}
