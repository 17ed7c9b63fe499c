/**
 * The registry's paths: which API a raw path names (repository names may hold `/`; `/acr/v1` clients
 * percent-encode it, and names are decoded before they are authorised or put in a challenge), the
 * token action each API needs (Azure/acr docs/Token.md; the distribution spec's scopes), and the methods each API answers.
 */
import { BadRequest, NameInvalid, NotFound } from './errors.js'
import { isRepositoryName } from './names.js'
import type { AccessEntry } from './scopes.js'

export type Route =
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

/** The token action each route and method needs (Azure/acr docs/Token.md; the distribution spec's scopes). */
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

export const ALLOWED_METHODS: Record<Route['api'], string[]> = {
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
