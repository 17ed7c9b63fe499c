/**
 * Watch streams: chunked JSON watch events (`{"type":"ADDED","object":{…}}` one per line), as
 * `kubectl get -w` and client-go/client-node informers consume them. A watch from resourceVersion
 * "" or "0" starts with the current objects as ADDED; from a later resourceVersion it replays the
 * store's history (410 Expired when that is no longer kept); `sendInitialEvents` ends the initial
 * state with the `k8s.io/initial-events-end` BOOKMARK; `allowWatchBookmarks` adds periodic
 * bookmarks. An object that stops matching the selectors is sent as DELETED, as the watch cache does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ServerContext } from '../context.js'
import { Expired } from '../../kube/index.js'
import { parseSelectors, selectorMatcher } from '../rest/read.js'
import { apiVersionOf, type ResourceDef } from '../registry.js'
import type { StoreEvent } from '../store/object-store.js'
import { toTable, type TableOptions } from '../table/table.js'
import type { KubeObject } from '../types.js'

export interface WatchRequest {
  def: ResourceDef
  namespace: string
  /** Watch of one object (`fieldSelector=metadata.name=x` or a name in the path). */
  name?: string
  query: URLSearchParams
  /** Table rows instead of objects when the client asked for a Table. */
  table?: Omit<TableOptions, 'withColumns' | 'now'>
  bookmarkIntervalMs: number
  /** Called once when the stream ends, for the request log. */
  onEnd(): void
}

export function serveWatch(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  w: WatchRequest,
): void {
  const { def, query } = w
  const sel = parseSelectors(def, {
    labelSelector: query.get('labelSelector') ?? '',
    fieldSelector: query.get('fieldSelector') ?? '',
  })
  const baseMatch = selectorMatcher(def, sel)
  const gr = `${def.group}/${def.resource}`
  const match = (o: KubeObject) =>
    (!w.namespace || o.metadata.namespace === w.namespace) &&
    (!w.name || o.metadata.name === w.name) &&
    baseMatch(o)
  const rvParam = query.get('resourceVersion') ?? ''
  const sendInitial = query.get('sendInitialEvents') === 'true'
  const bookmarks = query.get('allowWatchBookmarks') === 'true'
  const timeout = Number(query.get('timeoutSeconds') ?? 0) || 0

  res.statusCode = 200
  res.setHeader('Content-Type', 'application/json')
  res.setHeader('Cache-Control', 'no-cache, private')
  res.setHeader('Transfer-Encoding', 'chunked')
  res.flushHeaders()

  let columnsSent = false
  const wire = (o: KubeObject): unknown => {
    const typed = { kind: def.kind, apiVersion: apiVersionOf(def), ...o }
    if (!w.table) return typed
    const t = toTable(
      def,
      [o],
      { resourceVersion: o.metadata.resourceVersion },
      { ...w.table, now: ctx.clock.now(), withColumns: !columnsSent },
    )
    columnsSent = true
    return t
  }
  const write = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`)
  }
  const bookmark = (rv: number, annotations?: Record<string, string>) =>
    write('BOOKMARK', {
      kind: def.kind,
      apiVersion: apiVersionOf(def),
      metadata: { resourceVersion: String(rv), ...(annotations && { annotations }) },
    })

  const matching = new Set<string>()
  const keyOf = (e: { namespace: string; name: string }) => `${e.namespace}/${e.name}`
  const deliver = (e: StoreEvent) => {
    if (e.gr !== gr) return
    const key = keyOf(e)
    const was = matching.has(key)
    const is = e.type !== 'DELETED' && match(e.object)
    if (e.type === 'DELETED') {
      if (was) write('DELETED', wire(e.object))
      matching.delete(key)
      return
    }
    if (is) {
      matching.add(key)
      write(was ? 'MODIFIED' : 'ADDED', wire(e.object))
    } else if (was) {
      matching.delete(key)
      write('DELETED', wire(e.object))
    }
  }

  let unsubscribe = () => {}
  let timer: NodeJS.Timeout | undefined
  let bookmarkTimer: NodeJS.Timeout | undefined
  let ended = false
  const end = () => {
    if (ended) return
    ended = true
    unsubscribe()
    if (timer) clearTimeout(timer)
    if (bookmarkTimer) clearInterval(bookmarkTimer)
    if (!res.writableEnded) res.end()
    w.onEnd()
  }
  req.on('close', end)
  res.on('close', end)

  const fromRv = Number(rvParam)
  if (rvParam === '' || rvParam === '0' || sendInitial) {
    for (const o of ctx.store.list(def, w.namespace))
      if (match(o)) {
        matching.add(keyOf({ namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' }))
        write('ADDED', wire(o))
      }
    if (sendInitial) bookmark(ctx.store.revision(), { 'k8s.io/initial-events-end': 'true' })
  } else {
    if (!Number.isFinite(fromRv) || fromRv < 0) {
      write('ERROR', new Expired(`too old resource version: ${rvParam} (${ctx.store.revision()})`).toStatus())
      end()
      return
    }
    // Objects that existed at fromRv count as "matching" so later changes are MODIFIED/DELETED.
    const history = ctx.store.eventsSince(fromRv)
    if (!history) {
      write('ERROR', new Expired(`too old resource version: ${fromRv} (${ctx.store.revision()})`).toStatus())
      end()
      return
    }
    const changedSince = new Set(history.filter((e) => e.gr === gr).map(keyOf))
    for (const o of ctx.store.list(def, w.namespace)) {
      const key = keyOf({ namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' })
      if (!changedSince.has(key) && match(o)) matching.add(key)
    }
    // An object whose first change since fromRv is not ADDED existed then; its state then is unknown,
    // so it counts as matching if the changed state matches (an approximation of the watch cache).
    const first = new Map<string, StoreEvent>()
    for (const e of history) if (e.gr === gr && !first.has(keyOf(e))) first.set(keyOf(e), e)
    for (const [key, e] of first) if (e.type !== 'ADDED' && match(e.object)) matching.add(key)
    for (const e of history) deliver(e)
  }
  unsubscribe = ctx.store.subscribe(deliver)
  // setTimeout fires at once beyond 2^31-1 ms: cap the stream at about 24 days.
  if (timeout > 0) timer = setTimeout(end, Math.min(timeout * 1000, 2 ** 31 - 1))
  if (bookmarks && w.bookmarkIntervalMs > 0) {
    bookmarkTimer = setInterval(() => bookmark(ctx.store.revision()), w.bookmarkIntervalMs)
    bookmarkTimer.unref()
  }
}
