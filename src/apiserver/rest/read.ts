/**
 * GET and LIST: label and field selectors, `limit`/`continue` paging with kube's continue-token
 * shape, and the list envelope (`<Kind>List`, metadata.resourceVersion, remainingItemCount).
 */
import type { ServerContext } from '../context.js'
import { BadRequest, Expired, NotFound } from '../../kube/index.js'
import { apiVersionOf, type ResourceDef } from '../registry.js'
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  type FieldRequirement,
  type LabelRequirement,
} from '../store/selectors.js'
import type { KubeObject } from '../types.js'

export interface ListOptions {
  labelSelector?: string
  fieldSelector?: string
  limit?: number
  continue?: string
}

export interface ListResult {
  items: readonly KubeObject[]
  resourceVersion: string
  continue?: string
  remainingItemCount?: number
}

export function get(ctx: ServerContext, def: ResourceDef, namespace: string, name: string): KubeObject {
  const o = ctx.store.get(def, namespace, name)
  if (!o) throw new NotFound({ group: def.group, resource: def.resource }, name)
  return o
}

export interface Selectors {
  labels: LabelRequirement[]
  fields: FieldRequirement[]
}

export function parseSelectors(
  def: ResourceDef,
  opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>,
): Selectors {
  try {
    const labels = parseLabelSelector(opts.labelSelector ?? '')
    const fields = parseFieldSelector(opts.fieldSelector ?? '')
    const custom = Object.keys(def.fieldLabels)
    for (const f of fields)
      if (f.key !== 'metadata.name' && f.key !== 'metadata.namespace' && !def.fieldLabels[f.key])
        throw new SelectorError(
          custom.length
            ? `field label not supported: ${f.key}`
            : `"${f.key}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
        )
    return { labels, fields }
  } catch (err) {
    if (err instanceof SelectorError) throw new BadRequest(err.message)
    throw err
  }
}

export function selectorMatcher(def: ResourceDef, sel: Selectors): (o: KubeObject) => boolean {
  return (o) =>
    matchesLabels(sel.labels, o.metadata.labels) &&
    matchesFields(sel.fields, (key) =>
      key === 'metadata.name'
        ? (o.metadata.name ?? '')
        : key === 'metadata.namespace'
          ? (o.metadata.namespace ?? '')
          : def.fieldLabels[key]!(o),
    )
}

interface ContinueToken {
  v: 'meta.k8s.io/v1'
  rv: number
  start: string
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken
    if (t.v !== 'meta.k8s.io/v1' || typeof t.start !== 'string' || typeof t.rv !== 'number')
      throw new Error('bad token')
    return t
  } catch {
    throw new BadRequest(
      `continue key is not valid: ${token.length > 0 ? 'incorrect encoded start resourceVersion (version meta.k8s.io/v1)' : 'empty'}`,
    )
  }
}

export function list(
  ctx: ServerContext,
  def: ResourceDef,
  namespace: string,
  opts: ListOptions = {},
): ListResult {
  const sel = parseSelectors(def, opts)
  const filtered = sel.labels.length || sel.fields.length
  const match = selectorMatcher(def, sel)
  let items = ctx.store.list(def, namespace)
  let rv = ctx.store.revision()
  if (opts.continue) {
    const token = decodeContinue(opts.continue)
    if (token.rv < 1)
      throw new Expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      )
    // Objects are read from the current state: the list is not a snapshot of token.rv (see docs).
    rv = token.rv
    items = items.filter((o) => keyOf(o) > token.start)
  }
  if (filtered) items = items.filter(match)
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0
  if (!limit || items.length <= limit) return { items, resourceVersion: String(rv) }
  const page = items.slice(0, limit)
  const next: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: keyOf(page[page.length - 1]!) }
  return {
    items: page,
    resourceVersion: String(rv),
    continue: Buffer.from(JSON.stringify(next)).toString('base64url'),
    ...(!filtered && { remainingItemCount: items.length - limit }),
  }
}

export function listEnvelope(def: ResourceDef, result: ListResult): Record<string, unknown> {
  return {
    kind: `${def.kind}List`,
    apiVersion: apiVersionOf(def),
    metadata: {
      resourceVersion: result.resourceVersion,
      ...(result.continue && { continue: result.continue }),
      ...(result.remainingItemCount !== undefined && { remainingItemCount: result.remainingItemCount }),
    },
    items: result.items,
  }
}
