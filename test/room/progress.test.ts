/**
 * The dashboard's rows from the event stream (src/ui/room-progress.ts): the first time of each exercise, the
 * counters and the last time seen, for attendees only; events of other users change nothing.
 */
import { describe, expect, it } from 'vitest'
import type { SimEvent } from '../../src/index.js'
import { createRoomProgress } from '../../src/ui/room-progress.js'

const A = 'attendee01@contoso.onmicrosoft.com'
let id = 0
const ev = (
  type: string,
  service: string,
  data: Record<string, unknown>,
  time = '2026-12-06T10:00:00.000Z',
): SimEvent => ({
  id: ++id,
  time,
  type,
  service,
  data,
})
const fresh = () => createRoomProgress(() => [{ user: A, name: 'attendee01', namespace: 'attendee01' }])

describe('room progress', () => {
  it('starts empty and ignores other users and other services', () => {
    const p = fresh()
    expect(p.list()).toEqual([
      { user: A, name: 'attendee01', namespace: 'attendee01', requests: 0, forbidden: 0 },
    ])
    expect(p.ingest(ev('token.issued', 'entra', { user: 'bob@contoso.onmicrosoft.com' }))).toBe(false)
    expect(p.ingest(ev('request.completed', 'arm', { user: A, status: 200 }))).toBe(false)
    expect(p.list()[0]!.lastSeen).toBeUndefined()
  })

  it('keeps the first time of each exercise, counts requests, and moves last seen', () => {
    const p = fresh()
    p.ingest(ev('device_code.approved', 'entra', { user: A, userCode: 'ABCD' }, '2026-12-06T10:00:01.000Z'))
    p.ingest(
      ev('token.issued', 'entra', { user: A.toUpperCase(), client: 'AKS' }, '2026-12-06T10:00:02.000Z'),
    )
    const list = { verb: 'list', resource: 'pods', namespace: 'attendee01', user: A }
    p.ingest(ev('request.completed', 'apiserver', { ...list, status: 200 }, '2026-12-06T10:00:03.000Z'))
    p.ingest(
      ev(
        'request.completed',
        'apiserver',
        { ...list, namespace: 'prod', status: 403 },
        '2026-12-06T10:00:04.000Z',
      ),
    )
    p.ingest(
      ev(
        'request.completed',
        'apiserver',
        { ...list, namespace: 'prod', status: 403 },
        '2026-12-06T10:00:05.000Z',
      ),
    )
    p.ingest(
      ev(
        'request.completed',
        'apiserver',
        { ...list, verb: 'create', resource: 'deployments', status: 201 },
        '2026-12-06T10:00:06.000Z',
      ),
    )
    p.ingest(
      ev(
        'token_review.completed',
        'webhook',
        { user: A, outcome: 'authenticated', groupsSource: 'graph' },
        '2026-12-06T10:00:07.000Z',
      ),
    )
    p.ingest(
      ev(
        'token_review.completed',
        'webhook',
        { user: A, outcome: 'upstream_failure', error: 'graph: 503' },
        '2026-12-06T10:00:08.000Z',
      ),
    )
    const row = p.list()[0]!
    expect(row.signedIn).toEqual({ time: '2026-12-06T10:00:01.000Z', detail: 'approved device code ABCD' })
    expect(row.firstAllowed).toEqual({ time: '2026-12-06T10:00:03.000Z', detail: 'list pods -n attendee01' })
    expect(row.firstForbidden).toEqual({ time: '2026-12-06T10:00:04.000Z', detail: 'list pods -n prod' })
    expect(row.firstWrite).toEqual({
      time: '2026-12-06T10:00:06.000Z',
      detail: 'create deployments -n attendee01',
    })
    expect(row.groupsFromGraph?.time).toBe('2026-12-06T10:00:07.000Z')
    expect(row.firstUnauthorized).toEqual({ time: '2026-12-06T10:00:08.000Z', detail: 'graph: 503' })
    expect(row.requests).toBe(4)
    expect(row.forbidden).toBe(2)
    expect(row.lastSeen).toBe('2026-12-06T10:00:08.000Z')
  })

  it('a discovery request (no resource) is not yet the first allowed request', () => {
    const p = fresh()
    p.ingest(ev('request.completed', 'apiserver', { verb: 'get', path: '/api', user: A, status: 200 }))
    expect(p.list()[0]!.firstAllowed).toBeUndefined()
    expect(p.list()[0]!.requests).toBe(1)
  })
})
