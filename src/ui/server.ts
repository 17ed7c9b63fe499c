/**
 * The web UI service: hand-written static pages (public/, no build step, nothing fetched from
 * the internet), the device login page (it is the `verification_uri`), and a JSON + server-sent
 * events API under /api. It reads the event bus into flows as events happen, whoever made them.
 */
import { fileURLToPath } from 'node:url'
import express, { Router, type RequestHandler } from 'express'
import { createDeviceLoginRouter } from '../entra/index.js'
import { jsonBody, mediaTypeOf } from '../http/index.js'
import type { SimEvent } from '../kernel/events.js'
import { accessRoutes } from './access-routes.js'
import { controlRoutes } from './control-routes.js'
import type { UiDeps } from './deps.js'
import { notFound, UiError, uiErrorHandler } from './errors.js'
import { createFlowStore, type FlowChange, type FlowStore } from './flows/store.js'
import { createFlowTracker } from './flows/tracker.js'
import { FLOW_STEPS } from './flows/types.js'
import { createHostControls } from './host-controls.js'
import { createHostSignIn } from './host-signin.js'
import { query, queryInt } from './input.js'
import { createRoomProgress } from './room-progress.js'
import { roomApiRoutes, roomPublicRoutes } from './room-routes.js'
import { guard } from '../kernel/guard.js'
import { createStreamHub, type StreamFrame, type StreamHub } from './stream.js'

export interface UiService {
  handler: express.Express
  flows: FlowStore
  stream: StreamHub
  close(): void
}

/** Events waiting to become flows; beyond this the oldest are skipped (the event log keeps them). */
const MAX_QUEUED_EVENTS = 10_000
/** Flows a new (or too far behind) stream starts with. */
const INITIAL_FLOWS = 100

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url))

const frameOf = (c: FlowChange): StreamFrame =>
  'flow' in c
    ? { id: c.seq, event: 'flow', data: c.flow }
    : { id: c.seq, event: 'remove', data: { id: c.removed } }

/** Pages and API answer only to this origin: a page elsewhere cannot drive the host controls. */
const sameOriginWrites: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next()
  const origin = req.headers.origin
  if (origin && origin !== 'null') {
    let host = ''
    try {
      host = new URL(origin).host
    } catch {
      // unreadable origin: refused below
    }
    if (host !== req.headers.host)
      return next(new UiError(403, 'cross_origin', 'requests from other origins are refused'))
  }
  // A JSON content type cannot be sent cross-origin without a CORS preflight, which this server never grants.
  const type = mediaTypeOf(req.headers['content-type'])
  if (type !== 'application/json')
    return next(new UiError(415, 'unsupported_media_type', 'send the request body as application/json'))
  next()
}

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  })
  next()
}

export function createUiService(deps: UiDeps): UiService {
  const flows = createFlowStore(deps.flowCapacity ?? 500)
  const stream = createStreamHub(deps.streamLimits)
  const tracker = createFlowTracker({
    store: flows,
    devicePolls: (code) => deps.entra.deviceCodes.byUserCode(code)?.polls,
    deviceCodeExpiry: (code) => deps.entra.deviceCodes.byUserCode(code)?.expiresAt,
    webhookClients: [deps.config.webhook.graphApplication],
    onError: deps.onUnexpected,
    // With no stream open nobody sees a flow change as it happens: reviews wait for the next reader.
    deferReviews: () => stream.clientCount() === 0,
  })
  // What the routes (and the service's users) read: the waiting reviews processed first.
  const view: FlowStore = {
    ...flows,
    get: (id) => (tracker.flush(), flows.get(id)),
    list: (limit) => (tracker.flush(), flows.list(limit)),
    changesSince: (seq) => (tracker.flush(), flows.changesSince(seq)),
    seq: () => (tracker.flush(), flows.seq()),
    size: () => (tracker.flush(), flows.size()),
  }
  const room = deps.room && createRoomProgress(() => deps.room!.attendees())
  for (const e of deps.events.recent({ limit: 5000 })) {
    tracker.ingest(e)
    room?.ingest(e)
  }
  // Events are emitted inside other services' request handling: only queue them there, and build
  // flows and write to the streams once the current I/O turn is over.
  let queue: SimEvent[] = []
  let scheduled = false
  let closed = false
  // Runs from setImmediate, outside any request: a throw here would be an uncaught exception.
  const flush = guard(deps.onUnexpected, () => {
    scheduled = false
    const batch = queue
    queue = []
    if (!closed)
      for (const e of batch) {
        tracker.ingest(e)
        room?.ingest(e)
      }
  })
  const unsubscribeEvents = deps.events.subscribe((e) => {
    queue.push(e)
    if (queue.length > MAX_QUEUED_EVENTS) queue.shift()
    if (!scheduled) {
      scheduled = true
      setImmediate(flush)
    }
  })
  const unsubscribeFlows = flows.subscribe((c) => stream.broadcast(frameOf(c)))
  // Simulated time also passes without events: abandoned device codes expire on the simulator clock.
  const expiryTimer = setInterval(
    guard(deps.onUnexpected, () => tracker.tick(Date.parse(deps.controls.clock().now))),
    5_000,
  )
  expiryTimer.unref()
  const host = createHostControls({
    directory: deps.directory,
    events: deps.events,
    faults: deps.controls.faults,
    azure: deps.azure,
    kubernetes: () => deps.kubernetes?.(),
  })

  const signIn = deps.hostSignIn && createHostSignIn(deps.hostSignIn)
  const api = Router()
  if (signIn) api.use(signIn.required)
  api.use(sameOriginWrites)
  api.use(jsonBody('64kb'))
  api.get('/state', (_req, res) => {
    const ep = deps.controls.endpoints()
    res.json({
      tenant: { id: ep.tenantId, domain: ep.tenantDomain },
      endpoints: {
        authority: ep.authority,
        deviceLogin: ep.deviceLogin,
        ...(typeof ep.apiServer === 'string' && { apiServer: ep.apiServer }),
        admin: ep.admin,
        caFile: ep.caFile,
        kubeconfigs: ep.kubeconfigs,
      },
      cluster: ep.cluster,
      clock: deps.controls.clock(),
      keys: deps.controls.keys(),
      faults: deps.controls.faults.list(),
      deviceCodes: deps.controls.deviceCodes(),
      authorizationOrder: deps.config.apiServer.authorizationOrder,
      azureRbac: deps.azure?.enabled() ?? false,
      steps: FLOW_STEPS,
    })
  })
  api.get('/flows', (req, res) => {
    res.json({ seq: view.seq(), value: view.list(queryInt(req, 'limit', 1, 5000) ?? 200) })
  })
  api.get('/flows/:id', (req, res) => {
    const flow = view.get(req.params.id)
    if (!flow) throw notFound(`no flow '${req.params.id}' (it may have been forgotten)`)
    const first = Math.min(...flow.eventIds)
    const wanted = new Set(flow.eventIds)
    const events = deps.events.recent({ sinceId: first - 1, limit: 5000 }).filter((e) => wanted.has(e.id))
    res.json({ ...flow, events })
  })
  api.get('/stream', (req, res) => {
    const raw = req.headers['last-event-id'] ?? query(req, 'after')
    const after = raw === undefined ? undefined : Number(raw)
    const changes = after !== undefined && Number.isInteger(after) ? view.changesSince(after) : undefined
    const initial: StreamFrame[] = changes
      ? changes.map(frameOf)
      : [
          { event: 'reset', data: { seq: view.seq() } },
          ...view.list(INITIAL_FLOWS).map((f) => ({ id: f.seq, event: 'flow', data: f })),
        ]
    stream.attach(req, res, initial)
  })
  api.get('/stream/stats', (_req, res) => void res.json({ ...stream.stats(), flows: view.size() }))
  api.use(roomApiRoutes(deps.room, room))
  api.use(accessRoutes(deps))
  api.use(controlRoutes(deps, host))
  api.use((req) => {
    throw notFound(`no UI API route ${req.method} ${req.path}`)
  })

  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.use(securityHeaders)
  app.use('/api', api)
  if (signIn) app.use(signIn.routes)
  app.use(roomPublicRoutes(deps.room))
  app.use(createDeviceLoginRouter(deps.entra, { home: '/', errorsAsPages: true }))
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: 0, fallthrough: true }))
  app.use((req) => {
    throw notFound(`no page ${req.path}`)
  })
  app.use(uiErrorHandler(deps.onUnexpected))
  return {
    handler: app,
    flows: view,
    stream,
    close() {
      closed = true
      clearInterval(expiryTimer)
      unsubscribeEvents()
      unsubscribeFlows()
      stream.close()
    },
  }
}
