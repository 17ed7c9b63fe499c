/** The table `aks-auth-sim requests` prints, from the events the services record. */
import { describe, expect, it } from 'vitest'
import type { SimEvent } from '../../src/kernel/events.js'
import { isToolingRead, requestsTable } from '../../src/cli/requests-table.js'

let id = 0
const ev = (type: string, service: string, data: Record<string, unknown>): SimEvent => ({
  id: ++id,
  time: '2026-12-06T10:01:02.345Z',
  type,
  service,
  data,
})

describe('requests table', () => {
  const events = [
    ev('request.completed', 'apiserver', {
      method: 'GET',
      path: '/api/v1/namespaces/prod/pods',
      status: 403,
      verb: 'list',
      resource: 'pods',
      namespace: 'prod',
      user: 'bob@contoso.onmicrosoft.com',
      authorization: { decision: 'deny', reason: 'User does not have access to the resource in Azure.' },
    }),
    ev('token_review.completed', 'webhook', {
      outcome: 'upstream_failure',
      status: 500,
      user: 'dave@contoso.onmicrosoft.com',
      reason: 'graph_unavailable',
      error: 'Microsoft Graph answered 503',
    }),
    ev('subject_access_review.completed', 'webhook', {
      outcome: 'denied',
      status: 200,
      user: 'bob@contoso.onmicrosoft.com',
      attributes: { verb: 'list', resource: 'pods', namespace: 'prod' },
      reason: 'User does not have access to the resource in Azure. Update role assignment to allow access.',
    }),
    ev('request.completed', 'apiserver', { method: 'GET', path: '/api', status: 401, verb: 'get' }),
  ]

  it('has one aligned row per request or review: time, service, user, what, namespace, status, decision, reason', () => {
    const lines = requestsTable(events).trimEnd().split('\n')
    expect(lines[0]).toMatch(/^TIME\s+SERVICE\s+USER\s+REQUEST\s+NAMESPACE\s+STATUS\s+DECISION\s+REASON$/)
    expect(lines[1]).toMatch(
      /^10:01:02\s+apiserver\s+bob@contoso\.onmicrosoft\.com\s+list pods\s+prod\s+403\s+deny\s+User does not have access to the resource in Azure\.$/,
    )
    expect(lines[2]).toMatch(
      /^10:01:02\s+webhook\s+dave@contoso\.onmicrosoft\.com\s+TokenReview\s+-\s+500\s+upstream_failure\s+Microsoft Graph answered 503$/,
    )
    expect(lines[3]).toMatch(/\bSubjectAccessReview list pods\s+prod\s+200\s+denied\s+User does not have/)
    expect(lines[4]).toMatch(/^10:01:02\s+apiserver\s+-\s+get \/api\s+-\s+401\s+unauthenticated$/)
    // Every column starts at the same offset on every line.
    const at = (line: string, text: string) => line.indexOf(text)
    expect(at(lines[1]!, '403')).toBe(at(lines[0]!, 'STATUS'))
    expect(at(lines[2]!, '500')).toBe(at(lines[0]!, 'STATUS'))
  })

  it('says so when there is nothing', () => {
    expect(requestsTable([])).toBe('No requests.\n')
  })

  it('counts the admin API reads as the tooling’s, not its writes nor other services', () => {
    expect(isToolingRead(ev('request.completed', 'admin', { method: 'GET', path: '/clock' }))).toBe(true)
    expect(isToolingRead(ev('request.completed', 'admin', { method: 'POST', path: '/clock/advance' }))).toBe(
      false,
    )
    expect(isToolingRead(ev('request.completed', 'entra', { method: 'GET', path: '/x' }))).toBe(false)
  })
})
