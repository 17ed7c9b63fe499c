/**
 * Microsoft Graph `federatedIdentityCredentials` of app registrations (Microsoft Graph reference,
 * "Create federatedIdentityCredential", `application-post-federatedidentitycredentials`): POST / GET
 * (list, one) / DELETE under `/{v1.0|beta}/applications/{objectId}` or `/applications(appId='{appId}')`,
 * with Graph's bodies, permissions (Application.ReadWrite.All to write, Application.Read.All to read)
 * and error envelope. Served by the Graph app as a `GraphRoute`; every other path is Graph's own.
 */
import type { EventBus } from '../kernel/events.js'
import {
  AuthorizationRequestDenied,
  BadRequest,
  GraphError,
  RequestBadRequest,
  RequestResourceNotFound,
  type GraphRoute,
} from '../graph/index.js'
import { stableGuid } from '../kernel/ids.js'
import type { Application, Directory } from '../kernel/directory.js'
import {
  FicValidationError,
  type FederatedCredential,
  type FederatedCredentialStore,
} from './federated-credentials.js'

const PATH =
  /^\/(v1\.0|beta)\/applications(?:\/([^/()]+)|\(appId='([^']*)'\))\/federatedIdentityCredentials(?:\/([^/]+))?\/?$/i
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

export function federatedCredentialsGraphRoute(deps: {
  directory: Directory
  events: EventBus
  graphBaseUrl: () => string
  credentials: FederatedCredentialStore
  /** Managed identities are service principals without an application object. */
  isManagedIdentity: (appId: string) => boolean
}): GraphRoute {
  const tenantId = deps.directory.tenant.id
  const findApp = (objectId: string | undefined, appId: string | undefined): Application | undefined => {
    const apps = deps.directory.applications().filter((a) => !deps.isManagedIdentity(a.appId))
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
  function handle({ method, match, body: raw, caller }: Parameters<GraphRoute['handle']>[0]) {
    const [, version, objectId, appIdKey, ficKey] = match
    const writes = method !== 'GET'
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
    if (method === 'GET' && !ficKey)
      return { status: 200, body: { '@odata.context': base, value: deps.credentials.list(owner).map(view) } }
    if (method === 'GET') {
      const f = deps.credentials.get(owner, ficKey!)
      if (!f) throw new RequestResourceNotFound(ficKey!)
      return { status: 200, body: { '@odata.context': `${base}/$entity`, ...view(f) } }
    }
    if (method === 'DELETE' && ficKey) {
      if (!deps.credentials.remove(owner, ficKey)) throw new RequestResourceNotFound(ficKey)
      return { status: 204 }
    }
    if (method === 'POST' && !ficKey) {
      let body: unknown
      try {
        body = JSON.parse(raw ? raw.toString('utf8') : '')
      } catch {
        throw BadRequest.unreadableJson()
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw BadRequest.unreadableJson()
      const f = deps.credentials.create(owner, body)
      deps.events.emit('federated_credential.created', 'graph', {
        application: target.name,
        name: f.name,
        issuer: f.issuer,
        subject: f.subject,
      })
      return { status: 201, body: { '@odata.context': `${base}/$entity`, ...view(f) } }
    }
    throw new RequestBadRequest('Specified HTTP method is not allowed for the request target.')
  }
  return {
    path: PATH,
    handle(req) {
      try {
        return handle(req)
      } catch (err) {
        throw err instanceof FicValidationError ? graphProblem(err) : err
      }
    },
  }
}
