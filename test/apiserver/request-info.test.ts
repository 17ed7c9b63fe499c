import { describe, expect, it } from 'vitest'
import { requestInfoOf } from '../../src/apiserver/request-info.js'

const info = (method: string, url: string) => {
  const u = new URL(url, 'https://x')
  return requestInfoOf(method, u.pathname, u.searchParams)
}

describe('requestInfoOf (RequestInfoFactory)', () => {
  it.each([
    [
      'GET',
      '/api/v1/namespaces/default/pods',
      { verb: 'list', namespace: 'default', resource: 'pods', name: '' },
    ],
    ['GET', '/api/v1/namespaces/default/pods?watch=true', { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=false', { verb: 'list' }],
    ['GET', '/api/v1/watch/namespaces/default/pods/p1', { verb: 'watch', namespace: 'default', name: 'p1' }],
    ['GET', '/api/v1/pods', { verb: 'list', namespace: '', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods/p1', { verb: 'get', name: 'p1' }],
    ['GET', '/api/v1/namespaces/default/pods/p1/status', { verb: 'get', name: 'p1', subresource: 'status' }],
    ['POST', '/api/v1/namespaces/default/configmaps', { verb: 'create', resource: 'configmaps' }],
    ['PUT', '/api/v1/namespaces/default/configmaps/c', { verb: 'update', name: 'c' }],
    ['PATCH', '/api/v1/namespaces/default/configmaps/c', { verb: 'patch', name: 'c' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps/c', { verb: 'delete', name: 'c' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps', { verb: 'deletecollection', name: '' }],
    [
      'GET',
      '/api/v1/namespaces/team-a',
      { verb: 'get', resource: 'namespaces', name: 'team-a', namespace: 'team-a' },
    ],
    [
      'GET',
      '/api/v1/namespaces/team-a/status',
      { resource: 'namespaces', name: 'team-a', subresource: 'status' },
    ],
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces', namespace: '' }],
    [
      'GET',
      '/apis/apps/v1/namespaces/x/deployments/d',
      { apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', name: 'd' },
    ],
    [
      'GET',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      { apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', verb: 'list' },
    ],
    [
      'GET',
      '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dspecial',
      { verb: 'list', name: 'special' },
    ],
  ])('%s %s', (method, url, want) => {
    const r = info(method, url)
    expect(r.resourceRequest).toBe(true)
    expect(r).toMatchObject(want)
  })

  it.each([
    '/api',
    '/apis',
    '/api/v1',
    '/apis/apps',
    '/apis/apps/v1',
    '/version',
    '/healthz',
    '/openapi/v3/api/v1',
  ])('treats %s as a non-resource request with the lower-case HTTP method as verb', (path) => {
    const r = info('GET', path)
    expect(r.resourceRequest).toBe(false)
    expect(r.verb).toBe('get')
    expect(r.path).toBe(path)
  })
})
