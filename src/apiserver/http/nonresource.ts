/**
 * Non-resource endpoints: /version, the health checks, discovery (/api, /apis, /api/v1,
 * /apis/<group>[/v1]) and OpenAPI (/openapi/v2, /openapi/v3[/<group-version>]).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { VersionInfo } from '../version.js'
import {
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  DISCOVERY_CONTENT_TYPE,
} from '../discovery.js'
import { MethodNotAllowed, NotAcceptable, NotFound } from '../../kube/index.js'
import type { OpenApiCache } from '../openapi/documents.js'
import type { Registry } from '../registry.js'
import { parseAccept } from '../../http/index.js'
import { negotiateDiscovery } from './negotiate.js'
import { send } from './respond.js'

export interface NonResourceDeps {
  registry: Registry
  version: VersionInfo
  openapi: OpenApiCache
  serverAddress(req: IncomingMessage): string
}

const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf'
// kube-openapi answers with a dot for the '@', which Go's mime parser would reject in a Content-Type.
const OPENAPI_V2_PROTOBUF_RETURNED = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'
const isV2Protobuf = (t: string) => t === OPENAPI_V2_PROTOBUF || t === OPENAPI_V2_PROTOBUF_RETURNED
const HEALTH = new Set(['/healthz', '/livez', '/readyz'])
const CHECKS = [
  'ping',
  'log',
  'etcd',
  'poststarthook/start-apiserver-admission-initializer',
  'poststarthook/rbac/bootstrap-roles',
]

function health(res: ServerResponse, path: string, verbose: boolean): void {
  res.statusCode = 200
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Cache-Control', 'no-cache, private')
  if (!verbose) return void res.end('ok')
  const lines = CHECKS.map((c) => `[+]${c} ok`)
  res.end(`${lines.join('\n')}\n${path.slice(1)} check passed\n`)
}

function discovery(res: ServerResponse, req: IncomingMessage, d: NonResourceDeps, core: boolean): void {
  const rep = negotiateDiscovery(req.headers.accept)
  if (rep.format === 'discovery')
    return send(res, 200, aggregatedDiscovery(d.registry, core, rep.version), {
      contentType: DISCOVERY_CONTENT_TYPE(rep.version),
      headers: { Vary: 'Accept' },
    })
  const body = core ? apiVersions(d.serverAddress(req)) : apiGroupList(d.registry)
  send(res, 200, body, { yaml: rep.format === 'yaml', headers: { Vary: 'Accept' } })
}

export function handleNonResource(
  d: NonResourceDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): void {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path
  const isRead = req.method === 'GET' || req.method === 'HEAD'
  const known = (): void => {
    throw isRead ? new NotFound() : new MethodNotAllowed()
  }
  if (p === '/version') return isRead ? send(res, 200, d.version) : known()
  const healthRoot = [...HEALTH].find((h) => p === h || p.startsWith(`${h}/`))
  if (healthRoot) {
    if (!isRead) return known()
    const check = p.slice(healthRoot.length + 1)
    if (check && !CHECKS.includes(check)) throw new NotFound()
    return health(res, healthRoot, query.has('verbose'))
  }
  if (!isRead) throw new NotFound()
  if (p === '/api') return discovery(res, req, d, true)
  if (p === '/apis') return discovery(res, req, d, false)
  if (p === '/api/v1') return send(res, 200, apiResourceList(d.registry, ''))
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p)
  if (
    m &&
    m[1] &&
    d.registry.groups().includes(m[1]) &&
    (!m[2] || d.registry.versions(m[1]).includes(m[2]))
  ) {
    return send(res, 200, m[2] ? apiResourceList(d.registry, m[1], m[2]) : apiGroupDocument(d.registry, m[1]))
  }
  if (p === '/openapi/v2') {
    const wanted = parseAccept(req.headers.accept).find(
      (m) =>
        m.type === OPENAPI_V2_PROTOBUF ||
        m.type === 'application/json' ||
        m.type === '*/*' ||
        m.type === 'application/*',
    )
    if (req.headers.accept && !wanted) throw new NotAcceptable(['application/json', OPENAPI_V2_PROTOBUF])
    const protobuf = wanted !== undefined && isV2Protobuf(wanted.type)
    const body = protobuf ? Buffer.from(d.openapi.v2Protobuf()) : d.openapi.v2()
    res.statusCode = 200
    res.setHeader('Content-Type', protobuf ? OPENAPI_V2_PROTOBUF_RETURNED : 'application/json')
    res.setHeader('Cache-Control', 'no-cache, private')
    return void res.end(body)
  }
  if (p === '/openapi/v3') return send(res, 200, d.openapi.index())
  if (p.startsWith('/openapi/v3/')) {
    const doc = d.openapi.v3(p.slice('/openapi/v3/'.length))
    if (!doc) throw new NotFound()
    res.statusCode = 200
    res.setHeader('Content-Type', 'application/json')
    res.setHeader('Etag', `"${doc.hash}"`)
    res.setHeader('Cache-Control', query.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private')
    return void res.end(doc.json)
  }
  throw new NotFound()
}
