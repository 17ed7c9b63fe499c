// The workshop host's controls. Every action is also an event, so the live flow shows it.
import { api, attempt, clear, field, h, messageOf, select } from './dom.js'
import { accessControls } from './controls-access.js'

/** @typedef {import('./types.js').FaultSpec} FaultSpec */
/** @typedef {import('./types.js').Page} Page */
/** @typedef {import('./types.js').Shared} Shared */
/** @typedef {import('./types.js').UiDirectory} UiDirectory */
/** @typedef {import('./types.js').UiState} UiState */

/** @type {[string, string][]} */
const FAULT_ENDPOINTS = [
  ['entra.token', 'entra.token — token endpoint (sign-in, refresh, the webhook’s Graph token)'],
  ['entra.devicecode', 'entra.devicecode — device code requests'],
  ['entra.keys', 'entra.keys — signing keys (JWKS), used by the webhook'],
  ['entra.discovery', 'entra.discovery — OIDC metadata'],
  ['graph.getMemberGroups', 'graph.getMemberGroups — group overage lookups'],
  ['graph.*', 'graph.* — every Graph operation'],
]

/**
 * @param {HTMLElement} root
 * @param {Shared} shared
 * @returns {Page}
 */
export function mountControls(root, shared) {
  const codesBox = h('div', { class: 'table-wrap', id: 'pending-logins' })
  const clockBox = h('p', { id: 'clock-now' })
  const keysBox = h('p', { id: 'keys-now' })
  const faultsBox = h('div', { id: 'faults-now' })
  const usersBox = h('div', { class: 'table-wrap' })
  /** @type {UiDirectory | undefined} */
  let directory
  const access = accessControls(() => directory)
  const loadAccess = access.load

  /** @returns {[string, string][]} */
  const userOptions = () => (directory?.users ?? []).map((u) => [u.upn, `${u.displayName} (${u.upn})`])

  // Clock
  const seconds = h('input', { type: 'number', min: '0', step: '1', value: '60', name: 'seconds' })
  /** @param {number} s */
  const advance = (s) =>
    attempt(`Advance the clock by ${s} s`, () =>
      api('/clock/advance', { method: 'POST', body: { seconds: s } }),
    ).then(() => shared.refreshState())

  // Faults
  const faultEndpoint = select('endpoint', FAULT_ENDPOINTS)
  const faultStatus = h('input', { type: 'number', min: '400', max: '599', value: '503', name: 'status' })
  const faultError = h('input', { name: 'error', value: 'temporarily_unavailable' })
  const faultLatency = h('input', { type: 'number', min: '0', name: 'latencyMs' })
  const faultTimes = h('input', { type: 'number', min: '1', name: 'times' })

  root.append(
    h('h1', { id: 'controls-title' }, 'Host controls'),
    h(
      'section',
      { 'aria-labelledby': 'logins-title' },
      h('h2', { id: 'logins-title' }, 'Pending device logins'),
      codesBox,
    ),
    h(
      'section',
      { 'aria-labelledby': 'clock-title' },
      h('h2', { id: 'clock-title' }, 'Clock'),
      clockBox,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => advance(60) }, '+1 minute'),
        h('button', { type: 'button', onclick: () => advance(300) }, '+5 minutes'),
        h('button', { type: 'button', onclick: () => advance(3600) }, '+1 hour'),
      ),
      h(
        'form',
        { class: 'row', onsubmit: (e) => (e.preventDefault(), advance(Number(seconds.value))) },
        field('Seconds', seconds),
        h('button', { type: 'submit' }, 'Advance'),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'keys-title' },
      h('h2', { id: 'keys-title' }, 'Signing keys'),
      keysBox,
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            attempt('Rotate the signing keys', () => api('/keys/rotate', { method: 'POST' })).then(() =>
              shared.refreshState(),
            ),
        },
        'Rotate keys',
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'faults-title' },
      h('h2', { id: 'faults-title' }, 'Faults'),
      faultsBox,
      h(
        'form',
        {
          class: 'row',
          onsubmit: (e) => {
            e.preventDefault()
            /** @type {FaultSpec} */
            const spec = {}
            if (faultStatus.value) spec.status = Number(faultStatus.value)
            if (faultError.value) spec.error = faultError.value
            if (faultLatency.value) spec.latencyMs = Number(faultLatency.value)
            if (faultTimes.value) spec.times = Number(faultTimes.value)
            void attempt(`Inject a fault on ${faultEndpoint.value}`, () =>
              api(`/faults/${encodeURIComponent(faultEndpoint.value)}`, { method: 'PUT', body: spec }),
            ).then(() => shared.refreshState())
          },
        },
        field('Endpoint', faultEndpoint),
        field('HTTP status', faultStatus),
        field('Error code', faultError),
        field('Latency (ms)', faultLatency),
        field('For how many requests', faultTimes, 'empty: until cleared'),
        h('button', { type: 'submit' }, 'Inject fault'),
      ),
    ),
    ...access.sections,
    h('section', { 'aria-labelledby': 'users-title' }, h('h2', { id: 'users-title' }, 'Users'), usersBox),
  )

  /** @param {UiState} s */
  function renderState(s) {
    clear(clockBox).append(`Simulator time ${s.clock.now} (offset ${s.clock.offsetSeconds} s).`)
    clear(keysBox).append(`Signing with ${s.keys.current}; published: ${s.keys.published.join(', ')}.`)
    clear(faultsBox).append(
      s.faults.length === 0
        ? h('p', {}, 'No faults injected.')
        : h(
            'ul',
            {},
            s.faults.map((f) =>
              h(
                'li',
                {},
                `${f.endpoint}: ${f.status ?? ''} ${f.error ?? ''}${f.latencyMs ? ` after ${f.latencyMs} ms` : ''}${f.times ? `, ${f.times - f.hits} of ${f.times} left` : ''} `,
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    onclick: () =>
                      attempt(`Clear the fault on ${f.endpoint}`, () =>
                        api(`/faults/${encodeURIComponent(f.endpoint)}`, { method: 'DELETE' }),
                      ).then(() => shared.refreshState()),
                  },
                  `Clear ${f.endpoint}`,
                ),
              ),
            ),
          ),
    )
    const pending = s.deviceCodes.filter((c) => c.state === 'pending')
    // Re-render only when the set of codes changes, so a user picked in a row is not reset.
    const key = pending.map((c) => c.userCode).join(',')
    if (codesBox.dataset.key === key && codesBox.firstChild) return
    codesBox.dataset.key = key
    clear(codesBox).append(
      pending.length === 0
        ? h(
            'p',
            {},
            'No sign-in is waiting. Run kubectl with a kubelogin kubeconfig (or any device-code client) to start one.',
          )
        : h(
            'table',
            {},
            h('caption', {}, 'Device codes waiting for a user'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Code', 'Client', 'Resource', 'Expires', 'Answer'].map((x) => h('th', { scope: 'col' }, x)),
              ),
            ),
            h(
              'tbody',
              {},
              pending.map((c) => {
                // No default user: a one-click approval as the first user (Alice, cluster-admin) was a
                // risky default, so the host chooses first and the buttons wait for that choice.
                const who = select('user', [['', 'Choose who signs in…'], ...userOptions()])
                who.setAttribute('aria-label', `Sign in code ${c.userCode} as`)
                who.required = true
                /** @param {'approve' | 'decline'} decision */
                const decide = (decision) =>
                  attempt(`${decision === 'approve' ? 'Approve' : 'Decline'} ${c.userCode}`, () =>
                    api(`/device-codes/${encodeURIComponent(c.userCode)}/${decision}`, {
                      method: 'POST',
                      body: { user: who.value },
                    }),
                  ).then(() => shared.refreshState())
                const approve = h(
                  'button',
                  { type: 'button', disabled: true, onclick: () => decide('approve') },
                  `Approve ${c.userCode}`,
                )
                const decline = h(
                  'button',
                  { type: 'button', class: 'secondary', disabled: true, onclick: () => decide('decline') },
                  `Decline ${c.userCode}`,
                )
                who.addEventListener('change', () => {
                  approve.disabled = decline.disabled = who.value === ''
                })
                return h(
                  'tr',
                  {},
                  h('td', {}, h('code', {}, c.userCode)),
                  h('td', {}, c.client),
                  h('td', {}, c.resource),
                  h('td', {}, c.expiresAt.slice(11, 19)),
                  h('td', { class: 'actions' }, who, approve, decline),
                )
              }),
            ),
          ),
    )
  }

  async function loadUsers() {
    directory = await shared.loadDirectory(true)
    access.fillSubjects()
    codesBox.dataset.key = ''
    if (shared.state) renderState(shared.state)
    clear(usersBox).append(
      h(
        'ul',
        { class: 'plain' },
        directory.users.map((u) =>
          h(
            'li',
            {},
            `${u.displayName} (${u.upn}) — ${u.accountEnabled ? 'enabled' : 'disabled'} `,
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () =>
                  attempt(`${u.accountEnabled ? 'Disable' : 'Enable'} ${u.upn}`, () =>
                    api(`/directory/users/${encodeURIComponent(u.oid)}`, {
                      method: 'PATCH',
                      body: { accountEnabled: !u.accountEnabled },
                    }),
                  ).then(loadUsers),
              },
              `${u.accountEnabled ? 'Disable' : 'Enable'} ${u.displayName}`,
            ),
          ),
        ),
      ),
    )
  }

  if (shared.state) renderState(shared.state)
  void loadUsers()
    .then(loadAccess)
    .catch((/** @type {unknown} */ err) => (codesBox.textContent = `Could not load: ${messageOf(err)}`))
  return {
    onState: renderState,
    onShow() {
      void shared.refreshState().catch(() => undefined)
      void loadUsers()
        .then(loadAccess)
        .catch(() => undefined)
    },
  }
}
