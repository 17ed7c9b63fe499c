/**
 * The host dashboard's rows (docs/room.md): each attendee's progress through the workshop's exercises
 * (docs/workshop.md), read from the events the services already emit — Entra's device-code approvals and
 * tokens, the webhook's TokenReviews, the API server's requests. Only the first time of each exercise is
 * kept, plus counters and the last time the attendee was seen, so memory is one small record per attendee.
 */
import type { SimEvent } from '../kernel/events.js'

export interface Milestone {
  time: string
  /** What happened: `list pods -n attendee07`, `Forbidden: list pods -n prod`, a token's client… */
  detail: string
}

export interface AttendeeProgress {
  user: string
  name: string
  namespace: string
  /** Steps 1–2: approved a device code or got a token. */
  signedIn?: Milestone
  /** Steps 3–8, 10–11: a request the API server allowed. */
  firstAllowed?: Milestone
  /** Step 9: a request refused with 403 (Kubernetes RBAC, then Azure RBAC). */
  firstForbidden?: Milestone
  /** Created, changed or deleted an object (a write allowed in their namespace). */
  firstWrite?: Milestone
  /** Steps 5–8 failed: the webhook refused the token or could not review it (a fault, a disabled account). */
  firstUnauthorized?: Milestone
  /** Step 7 through Microsoft Graph: groups read from Graph (the overage case). */
  groupsFromGraph?: Milestone
  requests: number
  forbidden: number
  lastSeen?: string
}

const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection'])

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

function requestText(d: Record<string, unknown>): string {
  const verb = str(d.verb) ?? str(d.method) ?? '?'
  const resource = str(d.resource)
  if (!resource) return `${verb} ${str(d.path) ?? ''}`.trim()
  const name = str(d.name)
  const ns = str(d.namespace)
  return `${verb} ${resource}${name ? ` ${name}` : ''}${ns ? ` -n ${ns}` : ''}`
}

export interface RoomProgress {
  /** True when the event changed an attendee's row. */
  ingest(e: SimEvent): boolean
  list(): AttendeeProgress[]
}

export function createRoomProgress(
  attendees: () => { user: string; name: string; namespace: string }[],
): RoomProgress {
  const rows = new Map<string, AttendeeProgress>()
  for (const a of attendees()) rows.set(a.user.toLowerCase(), { ...a, requests: 0, forbidden: 0 })
  const first = (row: AttendeeProgress, key: keyof AttendeeProgress, m: Milestone) => {
    if (row[key] === undefined) (row as unknown as Record<string, Milestone>)[key] = m
  }
  return {
    ingest(e) {
      const user = str(e.data.user)
      const row = user === undefined ? undefined : rows.get(user.toLowerCase())
      if (!row) return false
      const at = (detail: string): Milestone => ({ time: e.time, detail })
      switch (e.type) {
        case 'device_code.approved':
          first(row, 'signedIn', at(`approved device code ${str(e.data.userCode) ?? ''}`.trim()))
          break
        case 'token.issued':
          first(row, 'signedIn', at(`token for ${str(e.data.client) ?? str(e.data.clientId) ?? 'an app'}`))
          break
        case 'token_review.completed':
          if (e.data.outcome === 'authenticated') {
            if (e.data.groupsSource === 'graph')
              first(row, 'groupsFromGraph', at('groups from Microsoft Graph'))
          } else
            first(row, 'firstUnauthorized', at(str(e.data.error) ?? str(e.data.reason) ?? 'token refused'))
          break
        case 'request.completed': {
          if (e.service !== 'apiserver') return false
          const status = typeof e.data.status === 'number' ? e.data.status : 0
          row.requests++
          if (status === 403) {
            row.forbidden++
            first(row, 'firstForbidden', at(requestText(e.data)))
          } else if (status >= 200 && status < 400) {
            if (e.data.resource !== undefined) first(row, 'firstAllowed', at(requestText(e.data)))
            if (WRITES.has(str(e.data.verb) ?? '')) first(row, 'firstWrite', at(requestText(e.data)))
          }
          break
        }
        default:
          return false
      }
      row.lastSeen = e.time
      return true
    },
    list: () => [...rows.values()],
  }
}
