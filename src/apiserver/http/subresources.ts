/**
 * The subresources beyond status: deployments/scale (autoscaling/v1 Scale, what `kubectl scale`
 * reads and patches) and pods/log (the simulated containers print nothing).
 */
import type { ServerResponse } from 'node:http'
import type { ServerContext } from '../context.js'
import { BadRequest } from '../../kube/index.js'
import { applyPatch, patchTypeOf } from '../patch/apply-patch.js'
import type { JsonMap } from '../patch/strategic.js'
import { get } from '../rest/read.js'
import { replace } from '../rest/write.js'
import type { ResourceDef } from '../registry.js'
import { conform } from '../schema/conform.js'
import type { KubeObject } from '../types.js'
import { obj } from '../values.js'
import { decodeBody } from './body.js'
import { send } from './respond.js'

const SCALE = 'k8s.io.api.autoscaling.v1.Scale'

function selectorString(selector: unknown): string {
  const s = obj(selector)
  const parts = Object.entries(obj(s.matchLabels)).map(([k, v]) => `${k}=${String(v as string)}`)
  for (const e of (s.matchExpressions as Record<string, unknown>[] | undefined) ?? []) {
    const values = ((e.values as string[] | undefined) ?? []).join(',')
    const key = String(e.key)
    parts.push(
      e.operator === 'In'
        ? `${key} in (${values})`
        : e.operator === 'NotIn'
          ? `${key} notin (${values})`
          : e.operator === 'Exists'
            ? key
            : `!${key}`,
    )
  }
  return parts.join(',')
}

function scaleOf(d: KubeObject): KubeObject {
  const spec = obj(d.spec)
  const status = obj(d.status)
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: d.metadata.name,
      namespace: d.metadata.namespace,
      uid: d.metadata.uid,
      resourceVersion: d.metadata.resourceVersion,
      creationTimestamp: d.metadata.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorString(spec.selector),
    },
  }
}

export interface ScaleRequest {
  verb: string
  def: ResourceDef
  namespace: string
  name: string
  contentType: string | undefined
  body: () => Promise<Buffer>
  dryRun: boolean
}

export async function handleScale(ctx: ServerContext, res: ServerResponse, r: ScaleRequest): Promise<void> {
  const d = get(ctx, r.def, r.namespace, r.name)
  if (r.verb === 'get') return send(res, 200, scaleOf(d))
  const current = scaleOf(d) as unknown as JsonMap
  const raw = await r.body()
  const next =
    r.verb === 'patch'
      ? applyPatch(ctx.model, SCALE, patchTypeOf(r.contentType), current, raw)
      : decodeBody(ctx.model, r.contentType, raw, SCALE).value
  if (typeof next !== 'object' || next === null || Array.isArray(next))
    throw new BadRequest('Scale must be an object')
  const c = conform(ctx.model, SCALE, next as Record<string, unknown>)
  if (c.typeError) throw new BadRequest(`Scale in version "v1" cannot be handled as a Scale: ${c.typeError}`)
  const scale = c.value as KubeObject
  const replicas = obj(scale.spec).replicas
  const rv = scale.metadata.resourceVersion
  const updated = replace(
    ctx,
    r.def,
    d,
    {
      ...d,
      metadata: { ...d.metadata, ...(rv && { resourceVersion: rv }) },
      spec: { ...obj(d.spec), replicas: typeof replicas === 'number' ? replicas : 0 },
    },
    '',
    { dryRun: r.dryRun },
  )
  send(res, 200, scaleOf(updated))
}

export function handleLog(
  ctx: ServerContext,
  res: ServerResponse,
  def: ResourceDef,
  namespace: string,
  name: string,
): void {
  get(ctx, def, namespace, name)
  res.statusCode = 200
  res.setHeader('Content-Type', 'text/plain')
  res.setHeader('Cache-Control', 'no-cache, private')
  res.end('')
}
