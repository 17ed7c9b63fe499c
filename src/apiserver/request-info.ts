/**
 * RequestInfo as kube-apiserver derives it from the method and URL
 * (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): whether the request is for a resource,
 * and then its verb, API group/version, namespace, resource, name and subresource. Authorization and
 * routing both read it, so a request is always authorized for exactly what it will do.
 */
import { parseFieldSelector } from './store/selectors.js'

export interface RequestInfo {
  resourceRequest: boolean
  path: string
  /** Lower-case verb: the REST verb for resources, the HTTP method for everything else. */
  verb: string
  apiPrefix: string
  apiGroup: string
  apiVersion: string
  namespace: string
  resource: string
  subresource: string
  name: string
  /** Path segments after the resource (resource/name/subresource/...). */
  parts: string[]
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize'])

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? [] : trimmed.split('/')
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

export function requestInfoOf(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    resourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  }
  let parts = splitPath(path).map(decode)
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return info
  info.apiPrefix = parts[0]!
  parts = parts.slice(1)
  if (info.apiPrefix === 'apis') {
    if (parts.length < 3) return info
    info.apiGroup = parts[0]!
    parts = parts.slice(1)
  }
  info.resourceRequest = true
  info.apiVersion = parts[0]!
  parts = parts.slice(1)
  if (parts[0] === 'watch' || parts[0] === 'proxy') {
    info.verb = parts[0]
    parts = parts.slice(1)
  } else {
    info.verb = restVerb(method)
  }
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2)
    }
  }
  info.parts = parts
  if (parts.length >= 3 && info.verb !== 'proxy') info.subresource = parts[2]!
  if (parts.length >= 2) info.name = parts[1]!
  if (parts.length >= 1) info.resource = parts[0]!
  if (!info.name && info.verb === 'get') {
    info.verb = isWatch(query) ? 'watch' : 'list'
    const fieldSelector = query.get('fieldSelector')
    if (fieldSelector) {
      // A list narrowed to one name is authorized as a request for that name.
      try {
        const exact = parseFieldSelector(fieldSelector).find((r) => r.key === 'metadata.name' && r.op === '=')
        if (exact && !/[/%]/.test(exact.value) && exact.value !== '.' && exact.value !== '..')
          info.name = exact.value
      } catch {
        // An unparseable selector is reported by the list handler; authorization sees a plain list.
      }
    }
  }
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection'
  return info
}

function restVerb(method: string): string {
  switch (method) {
    case 'POST':
      return 'create'
    case 'GET':
    case 'HEAD':
      return 'get'
    case 'PUT':
      return 'update'
    case 'PATCH':
      return 'patch'
    case 'DELETE':
      return 'delete'
    default:
      return ''
  }
}

export function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch')
  if (w === null) return false
  return !['false', '0'].includes(w.toLowerCase())
}
