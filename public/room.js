// The host dashboard (docs/room.md): one row per attendee, each exercise of the workshop with the time it
// was first done, from GET /api/room; refreshed when the live stream (/api/stream) says something happened.
import { api, byId, clear, h, messageOf } from './dom.js'

/** @typedef {{ time: string, detail: string }} Milestone */
/**
 * @typedef {{ user: string, name: string, namespace: string, requests: number, forbidden: number,
 *   lastSeen?: string, signedIn?: Milestone, firstAllowed?: Milestone, firstForbidden?: Milestone,
 *   firstWrite?: Milestone, firstUnauthorized?: Milestone, groupsFromGraph?: Milestone }} Row
 */
/** @typedef {'signedIn' | 'firstAllowed' | 'firstForbidden' | 'firstWrite' | 'firstUnauthorized' | 'groupsFromGraph'} Column */

/** @type {[Column, string, string][]} */
const COLUMNS = [
  ['signedIn', 'Signed in', 'steps 1–2: device code approved, token issued'],
  ['firstAllowed', 'First allowed request', 'steps 3–8, 10–11: kubectl got an answer'],
  ['firstForbidden', 'First Forbidden', 'step 9: Kubernetes RBAC, then Azure RBAC, said no'],
  ['firstWrite', 'Created something', 'a write allowed (their namespace: edit)'],
  ['firstUnauthorized', 'Unauthorized seen', 'steps 5–8 failed: a fault or a disabled account'],
  ['groupsFromGraph', 'Groups from Graph', 'step 7 with the overage claim'],
]

/** @param {string | undefined} iso */
const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '')

const table = /** @type {HTMLTableElement} */ (byId('room-table'))
const summary = byId('room-summary')
const live = byId('room-live')

table.tHead?.append(
  h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'Attendee'),
    COLUMNS.map(([, title, help]) => h('th', { scope: 'col', title: help }, title)),
    h('th', { scope: 'col' }, 'Requests'),
    h('th', { scope: 'col' }, 'Last seen'),
  ),
)

/** @param {Row[]} rows */
function render(rows) {
  const body = clear(/** @type {HTMLTableSectionElement} */ (table.tBodies[0]))
  for (const r of rows)
    body.append(
      h(
        'tr',
        { dataset: { user: r.user } },
        h('th', { scope: 'row', title: r.user }, r.name),
        COLUMNS.map(([key]) => {
          const m = r[key]
          return h(
            'td',
            { dataset: { col: key, done: m ? 'yes' : 'no' }, title: m?.detail },
            m ? `✓ ${clock(m.time)}` : '—',
          )
        }),
        h('td', { dataset: { col: 'requests' } }, `${r.requests} (${r.forbidden} forbidden)`),
        h('td', { dataset: { col: 'lastSeen' } }, clock(r.lastSeen) || '—'),
      ),
    )
  const count = (/** @type {Column} */ k) => rows.filter((r) => r[k]).length
  summary.textContent = rows.length
    ? `${rows.length} attendees: ${count('signedIn')} signed in, ${count('firstAllowed')} made an allowed request, ${count('firstForbidden')} saw Forbidden.`
    : 'Room mode is off: start the simulator with --attendees N.'
}

async function refresh() {
  try {
    const data = /** @type {{ attendees: Row[] }} */ (await api('/room'))
    render(data.attendees)
  } catch (err) {
    summary.textContent = `Cannot read the room: ${messageOf(err)}`
  }
}

let pending = false
/** Many events arrive at once under load: one refresh per half second at most. */
function schedule() {
  if (pending) return
  pending = true
  setTimeout(() => {
    pending = false
    void refresh()
  }, 500)
}

void refresh().then(() => {
  const source = new EventSource('/api/stream')
  source.addEventListener('open', () => (live.textContent = 'live'))
  source.addEventListener('error', () => (live.textContent = 'reconnecting…'))
  source.addEventListener('flow', schedule)
  source.addEventListener('reset', schedule)
})
