/**
 * Microsoft Graph `federatedIdentityCredentials` of app registrations (Graph API
 * reference `application-post-federatedidentitycredentials`): POST / GET (list, one) / DELETE under
 * `/{v1.0|beta}/applications/{objectId}` or `/applications(appId='{appId}')`, with Graph's bodies,
 * permissions (Application.ReadWrite.All to write, Application.Read.All to read) and error envelope.
 * Mounted in front of the Graph app; every other path falls through to it.
 */
import express, { type NextFunction, type Request, type Response } from 'express'
import type { EntraDeps } from '../entra/deps.js'
import { authenticate } from '../graph/auth.js'
import type { GraphDeps } from '../graph/deps.js'
import {
  AuthorizationRequestDenied,
  BadRequest,
  GraphError,
  RequestBadRequest,
  RequestResourceNotFound,
} from '../graph/errors.js'
import { graphErrorHandler, setGraphHeaders } from '../graph/render-error.js'
import { rawBody, requestLog } from '../http/index.js'
import type { EventBus } from '../kernel/events.js'
import { stableGuid } from '../kernel/ids.js'
import type { Application } from '../kernel/directory.js'
import {
  FicValidationError,
  type FederatedCredential,
  type FederatedCredentialStore,
} from './federated-credentials.js'

const PATH =
  /^\/(v1\.0|beta)\/applications(?:\/([^/()]+)|\(appId='([^']*)'\))\/federatedIdentityCredentials(?:\/([^/]+))?\/?$/i
const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8'
const ENTITY = 'FederatedIdentityCredential'

class RequestConflict extends GraphError {
  readonly code = 'Request_BadRequest'
  readonly status = 409
}

/** The application object's id (distinct from its appId), stable per tenant. */
export const applicationObjectId = (tenantId: string, appId: string) =>
  stableGuid(tenantId, `application-object:${appId}`)

function graphProblem(err: FicValidationError): GraphError {
  const p = err.problem
  const invalid = (field: string) =>
    new RequestBadRequest(`Invalid value specified for property '${field}' of resource '${ENTITY}'.`)
  switch (p.kind) {
    case 'missing':
      return new RequestBadRequest(
        `Property '${p.field}' is required and cannot be null or empty for resource '${ENTITY}'.`,
      )
    case 'type':
    case 'too_long':
      return invalid(p.field)
    case 'name_invalid':
      return invalid('name')
    case 'audience_count':
      return new RequestBadRequest('Federated identity credential must have exactly one audience.')
    case 'duplicate_name':
      return new RequestConflict(
        `A federated identity credential with name '${p.name}' already exists on this application.`,
      )
    case 'duplicate_issuer_subject':
      return new RequestConflict(
        'FederatedIdentityCredential with the same issuer and subject already exists on this application.',
      )
    case 'limit':
      return new RequestBadRequest(
        'The maximum number of federated identity credentials (20) on this application has been reached.',
      )
    case 'immutable_name':
      return invalid('name')
  }
}

export function createFicGraphRouter(deps: {
  entra: EntraDeps
  graphBaseUrl: () => string
  credentials: FederatedCredentialStore
  /** Managed identities are service principals without an application object. */
  isManagedIdentity: (appId: string) => boolean
  onUnexpected: (err: unknown) => void
}) {
  const e = deps.entra
  const graphDeps: GraphDeps = {
    directory: e.directory,
    keys: e.keys,
    clock: e.clock,
    events: e.events,
    faults: e.faults,
    issuers: e.issuers,
    authority: e.authority,
    baseUrl: deps.graphBaseUrl,
  }
  const tenantId = e.directory.tenant.id
  const findApp = (objectId: string | undefined, appId: string | undefined): Application | undefined => {
    const apps = e.directory.applications().filter((a) => !deps.isManagedIdentity(a.appId))
    if (appId !== undefined) return apps.find((a) => a.appId === appId.toLowerCase())
    return apps.find((a) => applicationObjectId(tenantId, a.appId) === objectId?.toLowerCase())
  }
  const view = (f: FederatedCredential) => ({
    id: f.id,
    name: f.name,
    issuer: f.issuer,
    subject: f.subject,
    description: f.description,
    audiences: f.audiences,
  })

  const app = express.Router()
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    let path: string
    try {
      path = decodeURIComponent(req.path)
    } catch {
      return next()
    }
    const m = PATH.exec(path)
    if (!m) return next()
    try {
      const [, version, objectId, appIdKey, ficKey] = m
      const caller = await authenticate(req.headers.authorization, graphDeps)
      const writes = req.method !== 'GET'
      const wanted = writes
        ? ['application.readwrite.all', 'directory.accessasuser.all']
        : [
            'application.read.all',
            'application.readwrite.all',
            'directory.read.all',
            'directory.accessasuser.all',
          ]
      if (!wanted.some((p) => caller.permissions.has(p))) throw new AuthorizationRequestDenied()
      const target = findApp(objectId, appIdKey)
      if (!target) throw new RequestResourceNotFound(objectId ?? appIdKey ?? '')
      const owner = target.appId
      const base = `${deps.graphBaseUrl()}/${version!.toLowerCase()}/$metadata#applications('${applicationObjectId(tenantId, owner)}')/federatedIdentityCredentials`
      const send = (status: number, body?: unknown) => {
        setGraphHeaders(req, res)
        res.status(status)
        if (body === undefined) return void res.end()
        res.setHeader('Content-Type', ODATA_JSON).setHeader('OData-Version', '4.0')
        res.send(Buffer.from(JSON.stringify(body)))
      }
      if (req.method === 'GET' && !ficKey)
        return send(200, { '@odata.context': base, value: deps.credentials.list(owner).map(view) })
      if (req.method === 'GET') {
        const f = deps.credentials.get(owner, ficKey!)
        if (!f) throw new RequestResourceNotFound(ficKey!)
        return send(200, { '@odata.context': `${base}/$entity`, ...view(f) })
      }
      if (req.method === 'DELETE' && ficKey) {
        if (!deps.credentials.remove(owner, ficKey)) throw new RequestResourceNotFound(ficKey)
        return send(204)
      }
      if (req.method === 'POST' && !ficKey) {
        let body: unknown
        try {
          body = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '')
        } catch {
          throw BadRequest.unreadableJson()
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw BadRequest.unreadableJson()
        const f = deps.credentials.create(owner, body)
        e.events.emit('federated_credential.created', 'graph', {
          application: target.name,
          name: f.name,
          issuer: f.issuer,
          subject: f.subject,
        })
        return send(201, { '@odata.context': `${base}/$entity`, ...view(f) })
      }
      throw new RequestBadRequest('Specified HTTP method is not allowed for the request target.')
    } catch (err) {
      next(err instanceof FicValidationError ? graphProblem(err) : err)
    }
  })
  return app
}

/** Wraps the Graph app: federated-credential paths here, everything else to `graph`. */
export function withFederatedCredentialsGraph(
  graph: express.Express,
  router: express.Router,
  deps: {
    now: () => number
    authority: () => string
    events: EventBus
    onUnexpected: (err: unknown) => void
  },
): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  const log = requestLog('graph', deps.events)
  const raw = rawBody('4mb')
  // Only this slice's paths are logged and read here; the Graph app does both for its own.
  app.use((req, res, next) => {
    if (!PATH.test(safeDecode(req.path))) return next()
    log(req, res, () => raw(req, res, next))
  })
  app.use(router)
  app.use((req, res) => graph(req, res))
  app.use(graphErrorHandler(deps))
  return app
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p)
  } catch {
    return p
  }
}
