/**
 * A registry's HTTP surface (one listener per registry; docs/acr.md): the OCI distribution API under
 * `/v2/`, ACR's metadata API under `/acr/v1/`, and the token server under `/oauth2/`. One catch-all
 * handler parses the path (repository names may hold `/`, and `/acr/v1` clients percent-encode it),
 * authorises the request against the access token's `access` list, calls the protocol function and
 * renders; every error goes to the one renderer, which adds ACR's challenge to a 401.
 */
import express, { type Request, type Response } from 'express'
import type { EventBus } from '../kernel/events.js'
import { readRequestBody, readFormBody, requestLog, mediaTypeOf } from '../http/index.js'
import type { Caller } from './authorize.js'
import { grantAccess } from './authorize.js'
import type { RegistryContent } from './content.js'
import {
  AcrError,
  BadRequest,
  BodyTooLargeError,
  NameInvalid,
  NotFound,
  PaginationInvalid,
  Unauthorized,
  Unsupported,
} from './errors.js'
import { accessOf } from './jwt.js'
import { MANIFEST_TYPES } from './manifests.js'
import {
  applyAttributes,
  attributeUpdate,
  manifestAttributes,
  orderOf,
  ordered,
  page,
  repositoryProperties,
  tagAttributes,
} from './metadata.js'
import { isDigest, isRepositoryName, isTag } from './names.js'
import { accessAllows, type AccessEntry } from './scopes.js'
import { callerOfPassword, exchange, issueAccessToken, type TokenServerDeps } from './token-server.js'

export interface RegistryAppDeps {
  tokens: TokenServerDeps
  content: RegistryContent
  events: EventBus
  onUnexpected: (err: unknown) => void
}

const MANIFEST_LIMIT = 4 * 1024 * 1024
const BLOB_LIMIT = 256 * 1024 * 1024
const FORM_LIMIT = 64 * 1024

type Route =
  | { api: 'ping' }
  | { api: 'catalog' }
  | { api: 'manifest'; name: string; reference: string }
  | { api: 'blob'; name: string; digest: string }
  | { api: 'uploads'; name: string; id: string | undefined }
  | { api: 'tags'; name: string }
  | { api: 'referrers'; name: string; digest: string }
  | { api: 'acr-catalog' }
  | { api: 'acr-repository'; name: string }
  | { api: 'acr-tags'; name: string; tag: string | undefined }
  | { api: 'acr-manifests'; name: string; digest: string | undefined }
  | { api: 'exchange' }
  | { api: 'token' }

function decodeName(raw: string): string {
  let name: string
  try {
    name = decodeURIComponent(raw)
  } catch {
    throw new NameInvalid(raw)
  }
  if (!isRepositoryName(name)) throw new NameInvalid(name)
  return name
}

function decodePart(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new BadRequest(`'${raw}' is not a valid path segment`)
  }
}

/** Maps a raw path to a route; NotFound for anything else. */
export function parseRegistryPath(path: string): Route {
  if (path === '/v2/' || path === '/v2') return { api: 'ping' }
  if (path === '/v2/_catalog') return { api: 'catalog' }
  if (path === '/oauth2/exchange') return { api: 'exchange' }
  if (path === '/oauth2/token') return { api: 'token' }
  if (path === '/acr/v1/_catalog') return { api: 'acr-catalog' }
  let m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(path)
  if (m) return { api: 'uploads', name: decodeName(m[1]!), id: m[2] === '' ? undefined : decodePart(m[2]!) }
  m = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(path)
  if (m) {
    const name = decodeName(m[1]!)
    const ref = decodePart(m[3]!)
    if (m[2] === 'manifests') return { api: 'manifest', name, reference: ref }
    if (m[2] === 'blobs') return { api: 'blob', name, digest: ref }
    return { api: 'referrers', name, digest: ref }
  }
  m = /^\/v2\/(.+)\/tags\/list$/.exec(path)
  if (m) return { api: 'tags', name: decodeName(m[1]!) }
  m = /^\/acr\/v1\/(.+?)(?:\/(_tags|_manifests)(?:\/([^/]+))?)?$/.exec(path)
  if (m) {
    const name = decodeName(m[1]!)
    const sub = m[3] === undefined ? undefined : decodePart(m[3])
    if (m[2] === '_tags') return { api: 'acr-tags', name, tag: sub }
    if (m[2] === '_manifests') return { api: 'acr-manifests', name, digest: sub }
    return { api: 'acr-repository', name }
  }
  throw new NotFound()
}

/** The token action each route and method needs (reference §1.2's table). */
export function requiredAction(route: Route, method: string): AccessEntry | undefined {
  const read = method === 'GET' || method === 'HEAD'
  const repo = (name: string, action: string): AccessEntry => ({
    type: 'repository',
    name,
    actions: [action],
  })
  switch (route.api) {
    case 'ping':
    case 'exchange':
    case 'token':
      return undefined
    case 'catalog':
    case 'acr-catalog':
      return { type: 'registry', name: 'catalog', actions: ['*'] }
    case 'manifest':
      return repo(route.name, read ? 'pull' : method === 'DELETE' ? 'delete' : 'push')
    case 'blob':
      return repo(route.name, read ? 'pull' : 'delete')
    case 'uploads':
      return repo(route.name, 'push')
    case 'tags':
      return repo(route.name, 'metadata_read')
    case 'referrers':
      return repo(route.name, 'pull')
    case 'acr-repository':
    case 'acr-tags':
    case 'acr-manifests':
      return repo(route.name, read ? 'metadata_read' : method === 'DELETE' ? 'delete' : 'metadata_write')
  }
}

const ALLOWED_METHODS: Record<Route['api'], string[]> = {
  ping: ['GET', 'HEAD'],
  catalog: ['GET'],
  manifest: ['GET', 'HEAD', 'PUT', 'DELETE'],
  blob: ['GET', 'HEAD', 'DELETE'],
  uploads: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
  tags: ['GET'],
  referrers: ['GET'],
  'acr-catalog': ['GET'],
  'acr-repository': ['GET', 'PATCH', 'DELETE'],
  'acr-tags': ['GET', 'PATCH', 'DELETE'],
  'acr-manifests': ['GET', 'PATCH', 'DELETE'],
  exchange: ['POST'],
  token: ['GET', 'POST'],
}

function basicOf(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (!m) return undefined
  const text = Buffer.from(m[1]!, 'base64').toString('utf8')
  const i = text.indexOf(':')
  if (i < 0) return undefined
  return { username: text.slice(0, i), password: text.slice(i + 1) }
}

function challengeOf(needed: AccessEntry | undefined): Unauthorized {
  if (!needed) return new Unauthorized(undefined, undefined)
  const action = needed.actions[0]!
  return new Unauthorized(`${needed.type}:${needed.name}:${action}`, [
    { Type: needed.type, Name: needed.name, Action: action },
  ])
}

/** What the request's credentials allow; a 401 with the challenge when they do not allow `needed`. */
async function authorize(
  req: Request,
  needed: AccessEntry | undefined,
  deps: RegistryAppDeps,
): Promise<void> {
  const header = req.headers.authorization
  const settings = deps.tokens.settings()
  let access: AccessEntry[] | undefined
  const bearer = /^Bearer +(\S+)\s*$/i.exec(header ?? '')
  if (bearer) {
    const p = await deps.tokens.key.verify(bearer[1]!, settings.loginServer, deps.tokens.clock.nowSeconds())
    access = p ? accessOf(p) : undefined
  } else {
    const basic = basicOf(header)
    if (basic) {
      // Basic auth straight on the API: the admin user and service principals (not scope-map tokens).
      const caller: Caller | undefined = await callerOfPassword(
        basic.username,
        basic.password,
        deps.tokens,
      ).catch(() => undefined)
      if (caller && (caller.kind === 'admin' || caller.kind === 'aad'))
        access = needed ? grantAccess(caller, [needed], { rbac: deps.tokens.rbac, settings }) : []
    }
  }
  if (access === undefined) throw challengeOf(needed)
  if (needed && !accessAllows(access, needed.type, needed.name, needed.actions[0]!)) throw challengeOf(needed)
}

const pageSize = (v: unknown): number | undefined => {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (typeof v !== 'string' || !/^\d+$/.test(v) || n < 1 || n > 1000) throw new PaginationInvalid()
  return n
}
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

function nextLink(path: string, params: Record<string, string>): string {
  return `<${path}?${new URLSearchParams(params).toString()}>; rel="next"`
}

async function body(req: Request, limit: number): Promise<Buffer> {
  try {
    return await readRequestBody(req, { limit, contentEncoding: 'ignore' })
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new BodyTooLargeError()
    throw new BadRequest('the request body could not be read')
  }
}

async function jsonOf(req: Request): Promise<unknown> {
  const raw = await body(req, 64 * 1024)
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    throw new BadRequest('the request body is not JSON')
  }
}

export function createRegistryApp(deps: RegistryAppDeps): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.set('query parser', 'simple')
  app.use(requestLog('acr', deps.events))
  app.use((req, res, next) => {
    handle(req, res, deps).catch(next)
  })
  app.use((err: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    renderError(err, req, res, deps)
  })
  return app
}

function renderError(err: unknown, _req: Request, res: Response, deps: RegistryAppDeps): void {
  if (res.headersSent) return void res.destroy()
  let e: AcrError
  if (err instanceof AcrError) e = err
  else if (
    typeof (err as { status?: unknown }).status === 'number' &&
    (err as { status: number }).status < 500
  )
    e = new BadRequest('the request could not be read')
  else {
    deps.onUnexpected(err)
    res.locals.reason = 'INTERNAL'
    res.status(500).json({ errors: [{ code: 'UNKNOWN', message: 'unknown error' }] })
    return
  }
  const settings = deps.tokens.settings()
  res.locals.reason = `${e.code}: ${e.message}`
  res.set('Docker-Distribution-Api-Version', 'registry/2.0')
  if (e instanceof Unauthorized) {
    const realm = `https://${settings.loginServer}/oauth2/token`
    res.set(
      'WWW-Authenticate',
      `Bearer realm="${realm}",service="${settings.loginServer}"${e.scope ? `,scope="${e.scope}"` : ''}`,
    )
  }
  for (const [k, v] of Object.entries(e.headers)) res.set(k, v)
  if (e instanceof NotFound) {
    res.status(404).type('text/plain').send('404 page not found\n')
    return
  }
  const entry = { code: e.code, message: e.message, ...(e.detail !== undefined && { detail: e.detail }) }
  res
    .status(e.status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ errors: [entry] }))
}

async function handle(req: Request, res: Response, deps: RegistryAppDeps): Promise<void> {
  const path = (req.originalUrl.split('?')[0] ?? '/').replace(/\/{2,}/g, '/')
  const route = parseRegistryPath(path)
  if (!ALLOWED_METHODS[route.api].includes(req.method)) {
    if (route.api === 'exchange') throw new NotFound()
    throw new Unsupported()
  }
  res.set('Docker-Distribution-Api-Version', 'registry/2.0')
  res.set(
    'Access-Control-Expose-Headers',
    'Docker-Content-Digest, WWW-Authenticate, Link, X-Ms-Correlation-Request-Id',
  )
  if (route.api === 'exchange') return tokenEndpoint(req, res, deps, 'exchange')
  if (route.api === 'token') return tokenEndpoint(req, res, deps, 'token')
  await authorize(req, requiredAction(route, req.method), deps)
  const { content } = deps
  const loginServer = deps.tokens.settings().loginServer
  const q = req.query as Record<string, unknown>
  switch (route.api) {
    case 'ping':
      res.status(200).json({})
      return
    case 'catalog':
    case 'acr-catalog': {
      const n = pageSize(q.n)
      const p = page(content.catalog(), (x) => x, n, text(q.last))
      if (p.more)
        res.set('Link', nextLink(path, { last: p.items[p.items.length - 1]!, n: String(n), orderby: '' }))
      res.status(200).json({ repositories: p.items })
      return
    }
    case 'tags': {
      const tags = content.listedTags(route.name).map((t) => t.name)
      const n = pageSize(q.n)
      const p = page(tags, (x) => x, n, text(q.last))
      if (p.more) res.set('Link', nextLink(path, { last: p.items[p.items.length - 1]!, n: String(n) }))
      res.status(200).json({ name: route.name, tags: p.items })
      return
    }
    case 'referrers': {
      if (!isDigest(route.digest)) throw new BadRequest(`'${route.digest}' is not a digest`)
      const artifactType = text(q.artifactType)
      if (artifactType) res.set('OCI-Filters-Applied', 'artifactType')
      res
        .status(200)
        .type('application/vnd.oci.image.index.v1+json')
        .send(JSON.stringify(content.referrers(route.name, route.digest, artifactType)))
      return
    }
    case 'manifest':
      return manifestRoute(req, res, deps, route.name, route.reference)
    case 'blob':
      return blobRoute(req, res, deps, route.name, route.digest)
    case 'uploads':
      return uploadRoute(req, res, deps, route.name, route.id)
    case 'acr-repository': {
      if (req.method === 'DELETE') {
        res.status(202).json(content.deleteRepository(route.name))
        return
      }
      const repo = content.repository(route.name)
      if (req.method === 'PATCH') {
        applyAttributes(repo, attributeUpdate(await jsonOf(req)))
        content.storage.save()
      }
      res.status(200).json(repositoryProperties(loginServer, repo))
      return
    }
    case 'acr-tags': {
      const repo = content.repository(route.name)
      if (route.tag === undefined) {
        if (req.method !== 'GET') throw new Unsupported()
        const order = orderOf(q.orderby)
        const digest = text(q.digest)
        const tags = ordered(
          content.listedTags(route.name).filter((t) => digest === undefined || t.digest === digest),
          (t) => t.name,
          order,
        )
        const n = pageSize(q.n)
        const p = page(tags, (t) => t.name, n, text(q.last))
        if (p.more)
          res.set(
            'Link',
            nextLink(path, {
              last: p.items[p.items.length - 1]!.name,
              n: String(n),
              ...(order && { orderby: order }),
            }),
          )
        res
          .status(200)
          .json({ registry: loginServer, imageName: route.name, tags: p.items.map(tagAttributes) })
        return
      }
      if (!isTag(route.tag)) throw new BadRequest(`'${route.tag}' is not a tag`)
      if (req.method === 'DELETE') {
        content.deleteTag(route.name, route.tag)
        res.status(202).end()
        return
      }
      const { tag } = content.resolve(route.name, route.tag)
      if (req.method === 'PATCH') {
        applyAttributes(tag!, attributeUpdate(await jsonOf(req)))
        content.storage.save()
      }
      res.status(200).json({ registry: loginServer, imageName: repo.name, tag: tagAttributes(tag!) })
      return
    }
    case 'acr-manifests': {
      const repo = content.repository(route.name)
      if (route.digest === undefined) {
        if (req.method !== 'GET') throw new Unsupported()
        const order = orderOf(q.orderby)
        const manifests = ordered(
          Object.values(repo.manifests).filter((m) => m.attributes.listEnabled),
          (m) => m.digest,
          order,
        )
        const n = pageSize(q.n)
        const p = page(manifests, (m) => m.digest, n, text(q.last))
        if (p.more)
          res.set(
            'Link',
            nextLink(path, {
              last: p.items[p.items.length - 1]!.digest,
              n: String(n),
              ...(order && { orderby: order }),
            }),
          )
        res.status(200).json({
          registry: loginServer,
          imageName: repo.name,
          manifests: p.items.map((m) => manifestAttributes(repo, m)),
        })
        return
      }
      if (!isDigest(route.digest)) throw new BadRequest(`'${route.digest}' is not a digest`)
      if (req.method === 'DELETE') {
        content.deleteManifest(route.name, route.digest)
        res.status(202).end()
        return
      }
      const { manifest } = content.resolve(route.name, route.digest)
      if (req.method === 'PATCH') {
        applyAttributes(manifest, attributeUpdate(await jsonOf(req)))
        content.storage.save()
      }
      res
        .status(200)
        .json({ registry: loginServer, imageName: repo.name, manifest: manifestAttributes(repo, manifest) })
      return
    }
  }
}

function acceptList(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((s) => s.split(';')[0]!.trim().toLowerCase())
    .filter((s) => s !== '')
}

async function manifestRoute(
  req: Request,
  res: Response,
  deps: RegistryAppDeps,
  name: string,
  reference: string,
): Promise<void> {
  const { content } = deps
  if (req.method === 'PUT') {
    const data = await body(req, MANIFEST_LIMIT)
    const type = mediaTypeOf(req.headers['content-type'])
    const record = content.putManifest(
      name,
      reference,
      data,
      type && (MANIFEST_TYPES as readonly string[]).includes(type) ? type : undefined,
    )
    deps.events.emit('acr.push', 'acr', {
      registry: deps.tokens.settings().name,
      repository: name,
      reference,
      digest: record.digest,
    })
    res.set('Docker-Content-Digest', record.digest)
    res.set('Location', `/v2/${name}/manifests/${record.digest}`)
    if (record.subject) res.set('OCI-Subject', record.subject)
    res.status(201).end()
    return
  }
  if (req.method === 'DELETE') {
    content.deleteManifest(name, reference)
    res.status(202).end()
    return
  }
  const m = content.getManifest(name, reference, acceptList(req.headers.accept))
  if (req.method === 'GET')
    deps.events.emit('acr.pull', 'acr', {
      registry: deps.tokens.settings().name,
      repository: name,
      reference,
      digest: m.record.digest,
    })
  res.set('Docker-Content-Digest', m.record.digest)
  res.set('Content-Type', m.record.mediaType)
  res.set('Content-Length', String(m.content.length))
  res.status(200)
  if (req.method === 'HEAD') res.end()
  else res.end(m.content)
}

function blobRoute(req: Request, res: Response, deps: RegistryAppDeps, name: string, digest: string): void {
  if (req.method === 'DELETE') {
    deps.content.deleteBlob(name, digest)
    res.status(202).end()
    return
  }
  const blob = deps.content.blob(name, digest)
  res.set('Docker-Content-Digest', digest)
  res.set('Content-Type', 'application/octet-stream')
  res.set('Content-Length', String(blob.size))
  res.status(200)
  if (req.method === 'HEAD') res.end()
  else res.end(blob.read())
}

function uploadHeaders(res: Response, name: string, id: string, size: number): void {
  res.set('Location', `/v2/${name}/blobs/uploads/${id}`)
  res.set('Docker-Upload-UUID', id)
  res.set('Range', `0-${Math.max(size - 1, 0)}`)
  res.set('Content-Length', '0')
}

async function uploadRoute(
  req: Request,
  res: Response,
  deps: RegistryAppDeps,
  name: string,
  id: string | undefined,
): Promise<void> {
  const { content } = deps
  const q = req.query as Record<string, unknown>
  if (id === undefined) {
    if (req.method !== 'POST') throw new Unsupported()
    const mount = text(q.mount)
    const from = text(q.from)
    if (mount && from && isDigest(mount) && isRepositoryName(from)) {
      // Mount only what the token may also pull from the source repository.
      const needed: AccessEntry = { type: 'repository', name: from, actions: ['pull'] }
      const mayPull = await authorize(req, needed, deps).then(
        () => true,
        () => false,
      )
      if (mayPull && content.mount(name, mount, from)) {
        res.set('Location', `/v2/${name}/blobs/${mount}`)
        res.set('Docker-Content-Digest', mount)
        res.status(201).end()
        return
      }
    }
    const digest = text(q.digest)
    if (digest !== undefined) {
      content.putBlob(name, digest, await body(req, BLOB_LIMIT))
      res.set('Location', `/v2/${name}/blobs/${digest}`)
      res.set('Docker-Content-Digest', digest)
      res.status(201).end()
      return
    }
    await body(req, 0).catch(() => Buffer.alloc(0))
    const upload = content.startUpload(name)
    uploadHeaders(res, name, upload.id, 0)
    res.status(202).end()
    return
  }
  switch (req.method) {
    case 'GET': {
      const u = content.upload(name, id)
      uploadHeaders(res, name, id, u.size)
      res.status(204).end()
      return
    }
    case 'PATCH': {
      const chunk = await body(req, BLOB_LIMIT)
      const u = content.appendUpload(name, id, chunk, req.headers['content-range'])
      uploadHeaders(res, name, id, u.size)
      res.status(202).end()
      return
    }
    case 'PUT': {
      const last = await body(req, BLOB_LIMIT)
      const digest = content.finishUpload(name, id, text(q.digest), last)
      res.set('Location', `/v2/${name}/blobs/${digest}`)
      res.set('Docker-Content-Digest', digest)
      res.set('Content-Length', '0')
      res.status(201).end()
      return
    }
    case 'DELETE':
      content.cancelUpload(name, id)
      res.status(204).end()
      return
    default:
      throw new Unsupported()
  }
}

async function tokenEndpoint(
  req: Request,
  res: Response,
  deps: RegistryAppDeps,
  which: 'exchange' | 'token',
): Promise<void> {
  const registry = deps.tokens.settings().name
  let fields: Record<string, string | string[] | undefined>
  if (req.method === 'POST') {
    const form = await readFormBody(req, FORM_LIMIT).catch(() => {
      throw new BadRequest('the request body could not be read')
    })
    if (form === undefined) throw new BadRequest('the body must be application/x-www-form-urlencoded')
    fields = form
  } else {
    fields = {}
    for (const [k, v] of new URL(req.originalUrl, 'https://registry').searchParams) {
      const prev = fields[k]
      fields[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
    }
  }
  if (which === 'exchange') {
    const r = await exchange(fields, deps.tokens)
    deps.events.emit('acr.exchange', 'acr', {
      registry,
      subject: r.caller.subject,
      grantType: fields.grant_type,
    })
    res.status(200).json({ refresh_token: r.refresh_token })
    return
  }
  const basic = basicOf(req.headers.authorization)
  const r = await issueAccessToken(
    { method: req.method === 'POST' ? 'POST' : 'GET', fields, ...(basic && { basic }) },
    deps.tokens,
  )
  deps.events.emit('acr.token', 'acr', {
    registry,
    subject: r.caller.subject,
    caller: r.caller.kind,
    access: r.access,
  })
  res.status(200).json({ access_token: r.access_token })
}
