import { describe, expect, it } from 'vitest'
import { parseQueryOptions, pageOf, encodeSkipToken } from '../../src/graph/odata.js'
import { securityIdentifier } from '../../src/graph/objects.js'
import { operationName, resolveRoute } from '../../src/graph/route.js'

describe('resolveRoute', () => {
  it('maps paths case-insensitively to operations, with casts and $count', () => {
    expect(operationName(resolveRoute('GET', ['Me']))).toBe('me')
    expect(resolveRoute('POST', ['users', 'x@y', 'microsoft.graph.getMemberGroups'])).toEqual({
      op: 'action',
      action: 'getMemberGroups',
      target: { set: 'users', id: 'x@y' },
    })
    const nav = resolveRoute('GET', ['groups', 'g', 'transitiveMembers', 'microsoft.graph.user', '$count'])
    expect(nav).toMatchObject({
      op: 'navigation',
      nav: 'transitiveMembers',
      count: true,
      cast: { kind: 'user' },
    })
    expect(operationName(resolveRoute('POST', ['directoryObjects', 'getByIds']))).toBe('getByIds')
  })

  it('refuses unknown segments, navigations a type does not have, and wrong methods', () => {
    expect(() => resolveRoute('GET', ['users', 'x', 'members'])).toThrow("segment 'members'")
    expect(() => resolveRoute('GET', ['users', 'x', 'getMemberGroups'])).toThrow('not allowed')
    expect(() => resolveRoute('DELETE', ['me'])).toThrow('not allowed')
  })
})

describe('OData options', () => {
  it('pages with $top and an opaque $skiptoken', () => {
    const q = parseQueryOptions({ $top: '2', $skiptoken: encodeSkipToken(2) }, false)
    expect(pageOf([1, 2, 3, 4, 5], q)).toEqual({ items: [3, 4], next: 4 })
    expect(pageOf([1, 2, 3, 4], q)).toEqual({ items: [3, 4], next: undefined })
  })
})

describe('securityIdentifier', () => {
  it('matches the value Graph documents for a group id', () => {
    // From the Microsoft Graph "Get group" response example.
    expect(securityIdentifier('02bd9fd6-8f93-4758-87c3-1fb73740a315')).toBe(
      'S-1-12-1-45981654-1196986259-3072312199-363020343',
    )
  })
})
