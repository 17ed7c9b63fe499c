// The workshop host's controls. Every action is also an event, so the live flow shows it.
import { api, attempt, clear, field, h, select } from './dom.js'

const FAULT_ENDPOINTS = [
  ['entra.token', 'entra.token — token endpoint (sign-in, refresh, the webhook’s Graph token)'],
  ['entra.devicecode', 'entra.devicecode — device code requests'],
  ['entra.keys', 'entra.keys — signing keys (JWKS), used by the webhook'],
  ['entra.discovery', 'entra.discovery — OIDC metadata'],
  ['graph.getMemberGroups', 'graph.getMemberGroups — group overage lookups'],
  ['graph.*', 'graph.* — every Graph operation'],
]

export function mountControls(root, shared) {
  const codesBox = h('div', { class: 'table-wrap', id: 'pending-logins' })
  const clockBox = h('p', { id: 'clock-now' })
  const keysBox = h('p', { id: 'keys-now' })
  const faultsBox = h('div', { id: 'faults-now' })
  const assignmentsBox = h('div', { class: 'table-wrap' })
  const bindingsBox = h('div', { class: 'table-wrap' })
  const usersBox = h('div', { class: 'table-wrap' })
  let directory
  let roles = []
  let namespaces = []
  let clusterRoles = []

  const userOptions = () => (directory?.users ?? []).map((u) => [u.upn, `${u.displayName} (${u.upn})`])
  const principalOptions = () => [
    ...userOptions(),
    ...(directory?.groups ?? []).filter((g) => !/^project-\d+$/.test(g.name)).map((g) => [g.name, `group ${g.name}`]),
  ]

  // Clock
  const seconds = h('input', { type: 'number', min: '0', step: '1', value: '60', name: 'seconds' })
  const advance = (s) =>
    attempt(`Advance the clock by ${s} s`, () => api('/clock/advance', { method: 'POST', body: { seconds: s } })).then(() => shared.refreshState())

  // Faults
  const faultEndpoint = select('endpoint', FAULT_ENDPOINTS)
  const faultStatus = h('input', { type: 'number', min: '400', max: '599', value: '503', name: 'status' })
  const faultError = h('input', { name: 'error', value: 'temporarily_unavailable' })
  const faultLatency = h('input', { type: 'number', min: '0', name: 'latencyMs' })
  const faultTimes = h('input', { type: 'number', min: '1', name: 'times' })

  // Role assignments
  const grantPrincipal = select('principal', [])
  const grantRole = select('role', [])
  const grantNs = select('namespace', [])

  // Bindings
  const bindKind = select('kind', ['RoleBinding', 'ClusterRoleBinding'])
  const bindName = h('input', { name: 'name', required: true, placeholder: 'bob-view-prod', autocomplete: 'off' })
  const bindNs = select('namespace', [])
  const bindRole = select('role', [])
  const bindSubjectKind = select('subjectKind', ['User', 'Group'])
  const bindSubject = select('subject', [])
  const fillSubjects = () => {
    clear(bindSubject)
    const opts =
      bindSubjectKind.value === 'Group'
        ? (directory?.groups ?? []).filter((g) => !/^project-\d+$/.test(g.name)).map((g) => [g.name, g.name])
        : userOptions()
    for (const [v, t] of opts) bindSubject.append(h('option', { value: v }, t))
  }
  bindSubjectKind.addEventListener('change', fillSubjects)
  bindKind.addEventListener('change', () => (bindNs.disabled = bindKind.value === 'ClusterRoleBinding'))

  root.append(
    h('h1', { id: 'controls-title' }, 'Host controls'),
    h('section', { 'aria-labelledby': 'logins-title' }, h('h2', { id: 'logins-title' }, 'Pending device logins'), codesBox),
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
          onclick: () => attempt('Rotate the signing keys', () => api('/keys/rotate', { method: 'POST' })).then(() => shared.refreshState()),
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
    h(
      'section',
      { 'aria-labelledby': 'grant-title' },
      h('h2', { id: 'grant-title' }, 'Azure role assignments'),
      assignmentsBox,
      h(
        'form',
        {
          class: 'row',
          onsubmit: (e) => {
            e.preventDefault()
            void attempt('Grant the role', () =>
              api('/azure/role-assignments', {
                method: 'POST',
                body: { principal: grantPrincipal.value, role: grantRole.value, namespace: grantNs.value },
              }),
            ).then(loadAccess)
          },
        },
        field('Principal', grantPrincipal),
        field('Role', grantRole),
        field('Scope', grantNs),
        h('button', { type: 'submit' }, 'Grant'),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'bindings-title' },
      h('h2', { id: 'bindings-title' }, 'Kubernetes bindings'),
      bindingsBox,
      h(
        'form',
        {
          class: 'row',
          onsubmit: (e) => {
            e.preventDefault()
            void attempt(`Create ${bindKind.value} ${bindName.value}`, () =>
              api('/kubernetes/bindings', {
                method: 'POST',
                body: {
                  kind: bindKind.value,
                  name: bindName.value.trim(),
                  ...(bindKind.value === 'RoleBinding' && { namespace: bindNs.value }),
                  role: bindRole.value,
                  subjectKind: bindSubjectKind.value,
                  subject: bindSubject.value,
                },
              }),
            ).then(loadAccess)
          },
        },
        field('Kind', bindKind),
        field('Name', bindName),
        field('Namespace', bindNs),
        field('ClusterRole', bindRole),
        field('Subject kind', bindSubjectKind),
        field('Subject', bindSubject),
        h('button', { type: 'submit' }, 'Create binding'),
      ),
    ),
    h('section', { 'aria-labelledby': 'users-title' }, h('h2', { id: 'users-title' }, 'Users'), usersBox),
  )

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
        ? h('p', {}, 'No sign-in is waiting. Run kubectl with a kubelogin kubeconfig (or any device-code client) to start one.')
        : h(
            'table',
            {},
            h('caption', {}, 'Device codes waiting for a user'),
            h('thead', {}, h('tr', {}, ['Code', 'Client', 'Resource', 'Expires', 'Answer'].map((x) => h('th', { scope: 'col' }, x)))),
            h(
              'tbody',
              {},
              pending.map((c) => {
                const who = select('user', userOptions())
                who.setAttribute('aria-label', `Sign in code ${c.userCode} as`)
                const decide = (decision) =>
                  attempt(`${decision === 'approve' ? 'Approve' : 'Decline'} ${c.userCode}`, () =>
                    api(`/device-codes/${encodeURIComponent(c.userCode)}/${decision}`, { method: 'POST', body: { user: who.value } }),
                  ).then(() => shared.refreshState())
                return h(
                  'tr',
                  {},
                  h('td', {}, h('code', {}, c.userCode)),
                  h('td', {}, c.client),
                  h('td', {}, c.resource),
                  h('td', {}, c.expiresAt.slice(11, 19)),
                  h(
                    'td',
                    { class: 'actions' },
                    who,
                    h('button', { type: 'button', onclick: () => decide('approve') }, `Approve ${c.userCode}`),
                    h('button', { type: 'button', class: 'secondary', onclick: () => decide('decline') }, `Decline ${c.userCode}`),
                  ),
                )
              }),
            ),
          ),
    )
  }

  async function loadAccess() {
    const [a, b] = await Promise.all([api('/access/assignments'), api('/access/bindings')])
    roles = a.roles ?? []
    namespaces = b.namespaces ?? []
    clusterRoles = b.clusterRoles ?? []
    const keep = (sel, fill) => {
      const v = sel.value
      clear(sel)
      fill()
      if ([...sel.options].some((o) => o.value === v)) sel.value = v
    }
    keep(grantPrincipal, () => principalOptions().forEach(([v, t]) => grantPrincipal.append(h('option', { value: v }, t))))
    keep(grantRole, () =>
      roles.filter((r) => r.dataActions.length > 0).forEach((r) => grantRole.append(h('option', { value: r.name }, r.name))),
    )
    keep(grantNs, () => {
      grantNs.append(h('option', { value: '' }, 'the whole cluster'))
      namespaces.forEach((n) => grantNs.append(h('option', { value: n }, `namespace ${n}`)))
    })
    keep(bindNs, () => namespaces.forEach((n) => bindNs.append(h('option', { value: n }, n))))
    keep(bindRole, () =>
      clusterRoles.filter((r) => !r.startsWith('system:')).forEach((r) => bindRole.append(h('option', { value: r }, r))),
    )
    clear(assignmentsBox).append(
      h(
        'ul',
        { class: 'plain' },
        a.value.map((x) =>
          h(
            'li',
            {},
            `${x.principal} — ${x.role} — ${x.namespace ? `namespace ${x.namespace}` : x.scope === a.clusterResourceId ? 'cluster' : x.scope} `,
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () =>
                  attempt(`Revoke ${x.role} from ${x.principal}`, () =>
                    api(`/azure/role-assignments/${x.id}`, { method: 'DELETE' }),
                  ).then(loadAccess),
              },
              `Revoke ${x.role} from ${x.principal}`,
            ),
          ),
        ),
      ),
    )
    clear(bindingsBox).append(
      h(
        'ul',
        { class: 'plain' },
        b.value.map((x) =>
          h(
            'li',
            {},
            `${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name} → ${x.role.kind} ${x.role.name} for ${x.subjects.map((s) => s.displayName ?? s.name).join(', ')} `,
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () =>
                  attempt(`Delete ${x.kind} ${x.name}`, () =>
                    api(`/kubernetes/bindings/${x.kind}/${encodeURIComponent(x.name)}${x.namespace ? `?namespace=${encodeURIComponent(x.namespace)}` : ''}`, { method: 'DELETE' }),
                  ).then(loadAccess),
              },
              `Delete ${x.name}`,
            ),
          ),
        ),
      ),
    )
  }

  async function loadUsers() {
    directory = await shared.loadDirectory(true)
    fillSubjects()
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
                    api(`/directory/users/${encodeURIComponent(u.oid)}`, { method: 'PATCH', body: { accountEnabled: !u.accountEnabled } }),
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
    .catch((err) => (codesBox.textContent = `Could not load: ${err.message}`))
  return {
    onState: renderState,
    onShow() {
      void shared.refreshState().catch(() => undefined)
      void loadUsers().then(loadAccess).catch(() => undefined)
    },
  }
}
