/**
 * The Azure Instance Metadata Service's managed-identity endpoint, as a node's pods reach it
 * (Microsoft Learn how-to-use-vm-token; msal-node Imds.ts): plain HTTP, every spelling msal sends
 * (`/metadata/identity/oauth2/token`, a trailing `/`, a leading `//`, a lower-cased prefix path) and
 * never a 404 for them, `Metadata: true` required, `resource` required, the identity chosen by
 * client_id / object_id / msi_res_id (or the only one on the node), the real 400 bodies, and the
 * all-string success body with `expires_on`. Tokens are cached per identity and resource as IMDS does.
 * Faults on `imds.token` answer 404 / 410 / 429 / 5xx (or a non-JSON body) so client retries can be
 * counted. A request without query and Metadata header (DefaultAzureCredential's probe) gets a fast 400.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EntraDeps } from '../entra/index.js'
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import type { ManagedIdentity } from './managed-identities.js'
import { issueManagedIdentityToken, resourceRequest } from './mi-tokens.js'

export const IMDS_SERVER = 'IMDS/150.870.65.1854'
const TOKEN_PATH = '/metadata/identity/oauth2/token'
/** IMDS hands out a cached token until this close to its expiry. */
const CACHE_MARGIN_S = 300

export interface ImdsAnswer {
  status: number
  body: string
  contentType: string
  headers?: Record<string, string>
}

const json = (status: number, body: unknown, headers?: Record<string, string>): ImdsAnswer => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/json; charset=utf-8',
  ...(headers && { headers }),
})
export const imdsError = (status: number, error: string, description: string) =>
  json(status, { error, error_description: description })

/** The request path as sent (msal can send `//metadata/…`, which URL parsing would read as a host). */
export function splitRawUrl(raw: string): { path: string; query: URLSearchParams } {
  const i = raw.indexOf('?')
  return { path: i < 0 ? raw : raw.slice(0, i), query: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) }
}

/** Whether `path` is a spelling of the token endpoint: any prefix, any case, repeated or trailing slashes. */
export function isTokenPath(path: string): boolean {
  const p = path
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '')
  return p.endsWith(TOKEN_PATH)
}

export interface TokenSelection {
  clientId?: string
  objectId?: string
  resourceId?: string
}

/** Picks the identity IMDS answers for, or the 400 it answers instead. */
export function selectIdentity(
  identities: ManagedIdentity[],
  sel: TokenSelection,
): ManagedIdentity | ImdsAnswer {
  const given = [sel.clientId, sel.objectId, sel.resourceId].filter((x) => x !== undefined)
  if (given.length > 1)
    return imdsError(
      400,
      'invalid_request',
      'Only one of client_id, object_id or msi_res_id may be specified in the request',
    )
  const found = sel.clientId
    ? identities.find((i) => i.clientId === sel.clientId!.toLowerCase())
    : sel.objectId
      ? identities.find((i) => i.principalId === sel.objectId!.toLowerCase())
      : sel.resourceId
        ? identities.find((i) => i.resourceId.toLowerCase() === sel.resourceId!.toLowerCase())
        : undefined
  if (given.length === 1) return found ?? imdsError(400, 'invalid_request', 'Identity not found')
  if (identities.length === 1) return identities[0]!
  if (identities.length === 0) return imdsError(400, 'invalid_request', 'Identity not found')
  return imdsError(
    400,
    'invalid_request',
    'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request',
  )
}

export interface ImdsDeps {
  entra: EntraDeps
  /** User-assigned identities on the node's scale set. */
  nodeIdentities: () => ManagedIdentity[]
  faults: FaultRegistry
  events: EventBus
}

interface Cached {
  token: string
  expiresOn: number
  notBefore: number
  lifetime: number
}

/** The success body: every value a string, `expires_in` the cached token's remaining life. */
export function successBody(
  c: Cached,
  clientId: string | undefined,
  resource: string,
  nowS: number,
): Record<string, string> {
  return {
    access_token: c.token,
    ...(clientId && { client_id: clientId }),
    expires_in: String(Math.max(0, c.expiresOn - nowS)),
    expires_on: String(c.expiresOn),
    ext_expires_in: String(c.lifetime),
    not_before: String(c.notBefore),
    resource,
    token_type: 'Bearer',
  }
}

/** An injected fault, shaped like the real status (404/410 text, 429/5xx JSON; `error: non_json` forces text). */
export function faultAnswer(f: { status?: number; error?: string; retryAfter?: number }): ImdsAnswer {
  const status = f.status ?? 500
  const headers: Record<string, string> =
    f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : {}
  const text = (body: string): ImdsAnswer => ({
    status,
    body,
    contentType: 'text/plain; charset=utf-8',
    headers,
  })
  if (f.error === 'non_json') return text(`upstream error ${status}`)
  if (status === 404) return text('Not Found')
  if (status === 410) return text('Gone')
  const byStatus: Record<number, [string, string]> = {
    429: ['too_many_requests', 'Too many requests. Please retry later.'],
    500: [
      'unknown',
      'Failed to retrieve token from the Active directory. For details see logs in /var/log/azure/',
    ],
    503: ['service_unavailable', 'The service is temporarily unavailable. Please retry later.'],
  }
  const [error, description] = byStatus[status] ?? ['unknown', `Injected fault (HTTP ${status}).`]
  return json(status, { error: f.error ?? error, error_description: description }, headers)
}

export function createImds(deps: ImdsDeps) {
  const cache = new Map<string, Cached>()

  /** The token endpoint for the node's identities (also NMI's upstream and exception path). */
  async function token(query: URLSearchParams, identities: ManagedIdentity[]): Promise<ImdsAnswer> {
    const resource = query.get('resource')
    if (!resource) return imdsError(400, 'invalid_request', "Required query variable 'resource' is missing")
    const picked = selectIdentity(identities, {
      ...(query.get('client_id') !== null && { clientId: query.get('client_id')! }),
      ...(query.get('object_id') !== null && { objectId: query.get('object_id')! }),
      ...((query.get('msi_res_id') ?? query.get('mi_res_id')) !== null && {
        resourceId: (query.get('msi_res_id') ?? query.get('mi_res_id'))!,
      }),
    })
    if ('status' in picked) return picked
    const entra = deps.entra
    const client = entra.directory.application(picked.clientId)
    const app = entra.directory.resource(resource)
    if (!client || !app)
      return imdsError(
        400,
        'invalid_resource',
        `AADSTS50001: The application named ${resource} was not found in the tenant named ${entra.directory.tenant.id}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      )
    const nowS = entra.clock.nowSeconds()
    const key = `${picked.clientId}\u0000${resource}`
    let c = cache.get(key)
    if (!c || c.expiresOn - CACHE_MARGIN_S <= nowS) {
      const issued = await issueManagedIdentityToken(
        entra,
        picked,
        client,
        resourceRequest(client, app, resource),
        'managed_identity',
      )
      c = {
        token: issued.accessToken,
        expiresOn: issued.expiresOn,
        notBefore: issued.notBefore,
        lifetime: issued.expiresOn - issued.notBefore - 1,
      }
      cache.set(key, c)
    }
    deps.events.emit('imds.token', 'imds', { clientId: picked.clientId, identity: picked.name, resource })
    return json(200, successBody(c, picked.clientId, resource, nowS))
  }

  async function answer(
    method: string,
    rawUrl: string,
    headers: IncomingMessage['headers'],
  ): Promise<ImdsAnswer> {
    const { path, query } = splitRawUrl(rawUrl)
    if (!isTokenPath(path)) {
      if (path.toLowerCase().startsWith('/metadata/instance'))
        return imdsError(400, 'invalid_request', 'The instance metadata endpoint is not simulated')
      return imdsError(404, 'not_found', 'The requested resource was not found')
    }
    const metadata = headers.metadata
    if (String(Array.isArray(metadata) ? metadata[0] : (metadata ?? '')).toLowerCase() !== 'true')
      return imdsError(400, 'invalid_request', 'Required metadata header not specified')
    const fault = deps.faults.take('imds.token')
    if (fault) {
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs))
      if (fault.status !== undefined || fault.error !== undefined) return faultAnswer(fault)
    }
    if (method !== 'GET')
      return imdsError(405, 'invalid_request', `The HTTP method ${method} is not supported`)
    return token(query, deps.nodeIdentities())
  }

  return { answer, token }
}

export function writeImdsAnswer(res: ServerResponse, a: ImdsAnswer): void {
  res.statusCode = a.status
  res.setHeader('Content-Type', a.contentType)
  res.setHeader('Server', IMDS_SERVER)
  for (const [k, v] of Object.entries(a.headers ?? {})) res.setHeader(k, v)
  res.setHeader('Content-Length', Buffer.byteLength(a.body))
  res.end(a.body)
}
