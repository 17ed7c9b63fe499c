/**
 * Request options read from the query string and the DeleteOptions body: dryRun, integer
 * parameters, and the delete options (grace period, propagation policy, preconditions).
 */
import type { IncomingMessage } from 'node:http'
import { BadRequest, type SchemaModel } from '../../kube/index.js'
import type { DeleteOptions } from '../rest/delete.js'
import { decodeBody, readBody } from './body.js'

export function dryRunOf(query: URLSearchParams): boolean {
  const v = query.getAll('dryRun')
  if (v.some((x) => x !== 'All')) throw new BadRequest(`Invalid dryRun value: ${JSON.stringify(v)}`)
  return v.length > 0
}

export function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name)
  if (v === null || v === '') return undefined
  if (!/^-?\d+$/.test(v))
    throw new BadRequest(`${name}: invalid value ${JSON.stringify(v)}: must be an integer`)
  return Number(v)
}

export async function deleteOptionsOf(
  d: { model: SchemaModel; maxBodyBytes: number },
  r: { req: IncomingMessage; query: URLSearchParams },
): Promise<DeleteOptions> {
  const buf = await readBody(r.req, d.maxBodyBytes)
  let body: Record<string, unknown> = {}
  if (buf.length) {
    const decoded = decodeBody(
      d.model,
      r.req.headers['content-type'],
      buf,
      'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
    ).value
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded))
      throw new BadRequest('DeleteOptions must be an object')
    body = decoded as Record<string, unknown>
  }
  const grace =
    intParam(r.query, 'gracePeriodSeconds') ??
    (typeof body.gracePeriodSeconds === 'number' ? body.gracePeriodSeconds : undefined)
  const pre = body.preconditions as DeleteOptions['preconditions'] | undefined
  const policy = r.query.get('propagationPolicy') ?? (body.propagationPolicy as string | undefined)
  if (policy !== undefined && policy !== null && !['Orphan', 'Background', 'Foreground'].includes(policy))
    throw new BadRequest(
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
    )
  return {
    ...(grace !== undefined && { gracePeriodSeconds: grace }),
    ...(pre && { preconditions: pre }),
    ...(policy && { propagationPolicy: policy }),
    ...(body.orphanDependents === true && { orphanDependents: true }),
    dryRun: dryRunOf(r.query) || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
  }
}
