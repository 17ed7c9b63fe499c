/**
 * The Graph host's HTTP surface: every request goes to the Graph service, whose answer is rendered with
 * Graph's headers and OData content type; errors go to the one Graph error renderer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import express from 'express'
import { rawBody, requestLog } from '../http/index.js'
import { authenticate, type Caller } from './auth.js'
import type { GraphDeps } from './deps.js'
import { createGraphFastPath } from './fast-path.js'
import { graphErrorHandler, setGraphHeaders, type GraphErrorDeps } from './render-error.js'
import { createGraphService } from './service.js'

/** Graph accepts request bodies up to 4 MB. */
const BODY_LIMIT = '4mb'
const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8'

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

export interface GraphRouteRequest {
  method: string
  /** The route's `path` matched against the percent-decoded request path. */
  match: RegExpExecArray
  /** The raw request body (Graph decides what readable JSON is). */
  body: Buffer | undefined
  /** The caller, authenticated as Graph authenticates every request. */
  caller: Caller
}

/** An answer rendered as Graph renders its own: Graph's headers, OData JSON, or no body. */
export interface GraphRouteResult {
  status: number
  body?: unknown
}

/**
 * A Graph resource served by another slice (applications' federatedIdentityCredentials, by the
 * pod-identity slice). Requests whose path it does not match go to Graph's own operations; errors it
 * throws (Graph's error classes) are rendered in Graph's envelope.
 */
export interface GraphRoute {
  path: RegExp
  handle(req: GraphRouteRequest): GraphRouteResult | Promise<GraphRouteResult>
}

function decodedPath(p: string): string | undefined {
  try {
    return decodeURIComponent(p)
  } catch {
    return undefined
  }
}

/**
 * The Graph host's request listener. `fastPath: false` leaves every request to express (the fast path
 * is checked against it in tests).
 */
export function createGraphApp(
  deps: GraphDeps,
  opts: { onUnexpected: (err: unknown) => void; routes?: readonly GraphRoute[]; fastPath?: boolean },
): (req: IncomingMessage, res: ServerResponse) => void {
  const service = createGraphService(deps)
  const errors: GraphErrorDeps = {
    now: () => deps.clock.now(),
    authority: deps.authority,
    onUnexpected: opts.onUnexpected,
  }
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.set('query parser', 'simple')
  app.use(requestLog('graph', deps.events))
  // Raw bytes: the service decides what a readable JSON body is, as Graph does.
  app.use(rawBody(BODY_LIMIT))
  for (const route of opts.routes ?? [])
    app.use(async (req, res, next) => {
      const path = decodedPath(req.path)
      const match = path === undefined ? null : route.path.exec(path)
      if (!match) return next()
      const result = await route.handle({
        method: req.method,
        match,
        body: Buffer.isBuffer(req.body) ? req.body : undefined,
        caller: await authenticate(req.headers.authorization, deps),
      })
      setGraphHeaders(req, res)
      res.status(result.status)
      if (result.body === undefined) return void res.end()
      res.setHeader('Content-Type', ODATA_JSON).setHeader('OData-Version', '4.0')
      res.send(Buffer.from(JSON.stringify(result.body)))
    })
  app.use(async (req, res) => {
    const result = await service.handle({
      method: req.method,
      path: req.path,
      query: req.query,
      authorization: header(req.headers.authorization),
      consistencyLevel: header(req.headers.consistencylevel),
      contentType: header(req.headers['content-type']),
      body: Buffer.isBuffer(req.body) ? req.body : undefined,
    })
    res.locals.detail = { operation: result.operation, caller: result.caller }
    setGraphHeaders(req, res)
    // A Buffer body keeps the Content-Type exactly as Graph spells it (express would reformat a string's).
    res.status(result.status)
    if (result.text) res.setHeader('Content-Type', 'text/plain; charset=utf-8')
    else res.setHeader('Content-Type', ODATA_JSON).setHeader('OData-Version', '4.0')
    res.send(Buffer.from(result.text ? (result.body as string) : JSON.stringify(result.body)))
  })
  app.use(graphErrorHandler(errors))
  if (opts.fastPath === false) return app
  const fast = createGraphFastPath(deps, service, opts.routes ?? [], errors)
  return (req, res) => {
    if (!fast(req, res)) app(req, res)
  }
}
