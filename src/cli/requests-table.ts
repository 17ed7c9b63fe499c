/**
 * `aks-auth-sim requests` as a person reads it: one row per answered request or webhook review — time,
 * service, user, what was asked, namespace, status, the decision and its reason — with the CLI's own
 * reads of the admin API (the clock polls of every get-token, `requests` itself) left out unless
 * `--all`. The JSON form (`--output json`) carries the same events whole.
 */
import type { SimEvent } from '../kernel/events.js'

/** The event types the request log shows: answered requests and the webhook's reviews. */
export const REQUEST_LOG_TYPES = [
  'request.completed',
  'token_review.completed',
  'subject_access_review.completed',
] as const

/**
 * The admin API's reads: the clock poll every get-token and CLI command makes (so that `clock
 * advance` ages cached tokens on the client), `requests`, `fault list`, `device-code list`. They are
 * the tooling's, not the workshop's, and would fill the log.
 */
export const isToolingRead = (e: SimEvent): boolean =>
  e.type === 'request.completed' && e.service === 'admin' && e.data.method === 'GET'

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined

interface Row {
  time: string
  service: string
  user: string
  request: string
  namespace: string
  status: string
  decision: string
  reason: string
}

function attributesOf(d: Record<string, unknown>): Record<string, unknown> {
  return typeof d.attributes === 'object' && d.attributes !== null
    ? (d.attributes as Record<string, unknown>)
    : {}
}

function rowOf(e: SimEvent): Row {
  const d = e.data
  const time = e.time.slice(11, 19)
  const base = { time, service: e.service, status: str(d.status) ?? '-' }
  if (e.type === 'token_review.completed')
    return {
      ...base,
      user: str(d.user) ?? str(d.upn) ?? str(d.oid) ?? '-',
      request: 'TokenReview',
      namespace: '-',
      decision: `${str(d.outcome) ?? '-'}${d.cached === true ? ' (cached)' : ''}`,
      reason: str(d.error) ?? str(d.reason) ?? (str(d.groupsSource) ? `groups: ${str(d.groupsSource)}` : ''),
    }
  if (e.type === 'subject_access_review.completed') {
    const a = attributesOf(d)
    const what = [str(a.verb), str(a.resource) ?? str(a.path)].filter(Boolean).join(' ')
    return {
      ...base,
      user: str(d.user) ?? '-',
      request: `SubjectAccessReview${what ? ` ${what}` : ''}`,
      namespace: str(a.namespace) ?? '-',
      decision: str(d.outcome) ?? '-',
      reason: str(d.reason) ?? '',
    }
  }
  const authz =
    typeof d.authorization === 'object' && d.authorization !== null
      ? (d.authorization as Record<string, unknown>)
      : {}
  const request =
    str(d.verb) && e.service === 'apiserver'
      ? `${str(d.verb)} ${str(d.resource) ?? str(d.path) ?? ''}`.trim()
      : `${str(d.method) ?? '-'} ${str(d.path) ?? ''}`.trim()
  const status = Number(d.status)
  return {
    ...base,
    user: str(d.user) ?? '-',
    request,
    namespace: str(d.namespace) ?? '-',
    decision:
      str(authz.decision) ??
      (status === 401 ? 'unauthenticated' : status >= 400 ? 'error' : status ? 'ok' : '-'),
    reason: str(d.reason) ?? str(authz.reason) ?? '',
  }
}

const HEADERS: Row = {
  time: 'TIME',
  service: 'SERVICE',
  user: 'USER',
  request: 'REQUEST',
  namespace: 'NAMESPACE',
  status: 'STATUS',
  decision: 'DECISION',
  reason: 'REASON',
}
const COLUMNS = Object.keys(HEADERS) as (keyof Row)[]

/** kubectl-style columns: padded to the widest cell, three spaces apart, the reason last and whole. */
export function requestsTable(events: SimEvent[]): string {
  if (events.length === 0) return 'No requests.\n'
  const rows = [HEADERS, ...events.map(rowOf)]
  const width = Object.fromEntries(
    COLUMNS.map((c) => [c, Math.max(...rows.map((r) => r[c].length))]),
  ) as Record<keyof Row, number>
  return rows
    .map((r) =>
      COLUMNS.map((c, i) => (i === COLUMNS.length - 1 ? r[c] : r[c].padEnd(width[c])))
        .join('   ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n')
}
