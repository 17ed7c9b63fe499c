/**
 * The Graph host's HTTP surface: every request goes to the Graph service, whose answer is rendered with
 * Graph's headers and OData content type; errors go to the one Graph error renderer.
 */
import express from 'express'
import { rawBody, requestLog } from '../http/index.js'
import type { GraphDeps } from './deps.js'
import { graphErrorHandler, setGraphHeaders } from './render-error.js'
import { createGraphService } from './service.js'

/** Graph accepts request bodies up to 4 MB. */
const BODY_LIMIT = '4mb'
const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8'

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

export function createGraphApp(
  deps: GraphDeps,
  opts: { onUnexpected: (err: unknown) => void },
): express.Express {
  const service = createGraphService(deps)
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.set('query parser', 'simple')
  app.use(requestLog('graph', deps.events))
  // Raw bytes: the service decides what a readable JSON body is, as Graph does.
  app.use(rawBody(BODY_LIMIT))
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
  app.use(
    graphErrorHandler({
      now: () => deps.clock.now(),
      authority: deps.authority,
      onUnexpected: opts.onUnexpected,
    }),
  )
  return app
}
