/**
 * A node:http fast path in front of express for Graph's membership calls — `getMemberGroups`,
 * `checkMemberGroups`, `getMemberObjects`, `checkMemberObjects` (POST) and `memberOf` (GET) — which
 * the webhook makes for every user with a groups overage and which pod workloads call in loops.
 * Express's router, `res` helpers and body-parser cost about as much main-thread time as the rest of
 * such a request (docs/benchmarks.md); the token endpoint does the same (src/entra/token-route.ts).
 *
 * It takes only the plainest spelling: a path of plain characters or percent-encoded bytes (the
 * `@` of a user principal name, as clients send it), no trailing slash, a body with a Content-Length and no Content-Encoding (none at all for GET), no
 * conditional headers, and no path another slice's GraphRoute claims. Everything else goes to
 * express. Both run the same steps in the same order — request log, raw body, the Graph service, then
 * Graph's headers and the OData answer, or the one error renderer — so they answer byte for byte
 * alike (test/graph/fast-path.test.ts compares them).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parse as parseQuery } from 'node:querystring'
import { logRequest, readRequestBody, type RequestRecord } from '../http/index.js'
import { newGuid } from '../kernel/ids.js'
import type { GraphDeps } from './deps.js'
import { sendGraphError, writeGraphHeaders, type GraphErrorDeps } from './render-error.js'
import type { GraphService } from './service.js'

const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8'
/** Graph accepts request bodies up to 4 MB (as the express route's raw body parser). */
const BODY_LIMIT = 4 * 1024 * 1024

const ACTION_URL =
  /^\/(?:v1\.0|beta)\/(?:users|groups|servicePrincipals|directoryObjects)\/(?:[A-Za-z0-9._@-]|%[0-9A-Fa-f]{2})+\/(?:getMemberGroups|checkMemberGroups|getMemberObjects|checkMemberObjects)(?:\?[^#]*)?$/
const MEMBER_OF_URL =
  /^\/(?:v1\.0|beta)\/(?:users|groups|servicePrincipals)\/(?:[A-Za-z0-9._@-]|%[0-9A-Fa-f]{2})+\/memberOf(?:\?[^#]*)?$/

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/** Whether the request is one the fast path answers exactly as express would. */
function plainEnough(req: IncomingMessage, url: string, routes: readonly { path: RegExp }[]): boolean {
  const h = req.headers
  if (h['if-none-match'] !== undefined || h['if-modified-since'] !== undefined) return false
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return false
  if (req.method === 'POST') {
    if (!ACTION_URL.test(url)) return false
    const length = h['content-length']
    if (length === undefined || !/^\d{1,7}$/.test(length) || Number(length) > BODY_LIMIT) return false
  } else if (req.method === 'GET') {
    if (!MEMBER_OF_URL.test(url) || h['content-length'] !== undefined) return false
  } else return false
  // Other slices' routes see the percent-decoded path, as express's route middleware gives them.
  let path: string
  try {
    path = decodeURIComponent(url.split('?')[0]!)
  } catch {
    return false
  }
  return !routes.some((r) => r.path.test(path))
}

/**
 * A node:http handler that answers the membership calls and returns true, or returns false for
 * anything else (the caller hands it to express).
 */
export function createGraphFastPath(
  deps: GraphDeps,
  service: GraphService,
  routes: readonly { path: RegExp }[],
  errors: GraphErrorDeps,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const serve = async (req: IncomingMessage, res: ServerResponse, url: string) => {
    const log: RequestRecord = { traceId: newGuid() }
    logRequest('graph', deps.events, req, res, url, log)
    try {
      const q = url.indexOf('?')
      const body =
        req.method === 'POST'
          ? await readRequestBody(req, { limit: BODY_LIMIT, contentEncoding: 'ignore' })
          : undefined
      const result = await service.handle({
        method: req.method!,
        path: q < 0 ? url : url.slice(0, q),
        // express's "simple" query parser is node:querystring's parse.
        query: parseQuery(q < 0 ? '' : url.slice(q + 1)),
        authorization: header(req.headers.authorization),
        consistencyLevel: header(req.headers.consistencylevel),
        contentType: header(req.headers['content-type']),
        body,
      })
      log.detail = { operation: result.operation, caller: result.caller }
      writeGraphHeaders(req, res, log.traceId)
      res.statusCode = result.status
      if (result.text) res.setHeader('Content-Type', 'text/plain; charset=utf-8')
      else {
        res.setHeader('Content-Type', ODATA_JSON)
        res.setHeader('OData-Version', '4.0')
      }
      const answer = Buffer.from(result.text ? (result.body as string) : JSON.stringify(result.body))
      res.setHeader('Content-Length', String(answer.length))
      res.end(answer)
    } catch (err) {
      sendGraphError(req, res, log, err, errors)
    }
  }
  return (req, res) => {
    const url = req.url ?? ''
    if (!plainEnough(req, url, routes)) return false
    serve(req, res, url).catch((err: unknown) => {
      // Only a failure to write the answer gets here; express's final handler does the same.
      errors.onUnexpected(err)
      res.destroy()
    })
    return true
  }
}
