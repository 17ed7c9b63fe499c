// The printable attendee sheet (docs/room.md): GET /api/room/sheet (host only), one card per attendee.
import { api, byId, h, messageOf } from './dom.js'

/** @typedef {{ user: string, password: string, namespace: string, commands: string[] }} SheetEntry */
/** @typedef {{ userPrincipalName: string, displayName: string, password: string }} DemoUser */

byId('print').addEventListener('click', () => window.print())

try {
  const sheet =
    /** @type {{ ui: string, caFingerprint: string, attendees: SheetEntry[], demoUsers: DemoUser[] }} */ (
      await api('/room/sheet')
    )
  byId('sheet-status').textContent =
    `${sheet.attendees.length} attendees · CA fingerprint (SHA-256) ${sheet.caFingerprint}`
  byId('sheet').append(
    ...sheet.attendees.map((a) =>
      h(
        'section',
        { class: 'sheet-card', dataset: { user: a.user } },
        h('h2', {}, a.namespace),
        h(
          'dl',
          {},
          h('dt', {}, 'User name'),
          h('dd', {}, h('code', {}, a.user)),
          h('dt', {}, 'Password'),
          h('dd', {}, h('code', {}, a.password)),
          h('dt', {}, 'Your namespace'),
          h('dd', {}, h('code', {}, a.namespace)),
        ),
        h('pre', {}, a.commands.join('\n')),
      ),
    ),
  )
  // The demo users' drawn passwords: on the host's screen only, never printed with the cards.
  const demo = byId('demo-users')
  if (sheet.demoUsers.length > 0) {
    demo.hidden = false
    demo.append(
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Name'), h('th', {}, 'Password'))),
        h(
          'tbody',
          {},
          ...sheet.demoUsers.map((d) =>
            h(
              'tr',
              {},
              h('td', {}, h('code', {}, d.userPrincipalName)),
              h('td', {}, d.displayName),
              h('td', {}, h('code', {}, d.password)),
            ),
          ),
        ),
      ),
    )
  }
} catch (err) {
  byId('sheet-status').textContent = `Cannot read the sheet: ${messageOf(err)}`
}
