/**
 * A registry's HTTP surface (one listener per registry; docs/acr.md): the OCI distribution API under
 * `/v2/`, ACR's metadata API under `/acr/v1/`, and the token server under `/oauth2/`. One catch-all
 * handler parses the path (repository names may hold `/`, and `/acr/v1` clients percent-encode it),
 * authorises the request against the access token's `access` list, calls the protocol function and
 * renders; every error goes to the one renderer, which adds ACR's challenge to a 401.
 */
import express, { type Request, type Response } from 'express'
import { readFormBody, requestLog } from '../http/index.js'
import type { Caller } from './authorize.js'
import { grantAccess } from './authorize.js'
import { blobRoute, manifestRoute, uploadRoute } from './content-routes.js'
import type { RegistryAppDeps } from './deps.js'
import { AcrError, BadRequest, NotFound, Unauthorized, Unsupported } from './errors.js'
import { accessOf } from './jwt.js'
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
import { isDigest, isTag } from './names.js'
import { ALLOWED_METHODS, parseRegistryPath, requiredAction } from './paths.js'
import { basicOf, FORM_LIMIT, jsonOf, nextLink, pageSize, text } from './request.js'
import { accessAllows, type AccessEntry } from './scopes.js'
import { callerOfPassword, exchange, issueAccessToken } from './token-server.js'

export type { RegistryAppDeps } from './deps.js'

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
      return uploadRoute(req, res, deps, route.name, route.id, (from) =>
        authorize(req, { type: 'repository', name: from, actions: ['pull'] }, deps).then(
          () => true,
          () => false,
        ),
      )
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
