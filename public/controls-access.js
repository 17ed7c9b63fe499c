// Host controls for access: Azure role assignments and Kubernetes bindings, listed with revoke/delete buttons.
import { api, attempt, clear, field, h, select } from './dom.js'

/** @typedef {import('./types.js').AssignmentsAnswer} AssignmentsAnswer */
/** @typedef {import('./types.js').BindingsAnswer} BindingsAnswer */
/** @typedef {import('./types.js').UiDirectory} UiDirectory */

/**
 * The two sections and their loader; `directory` is the UI's /api/directory answer (read when loading).
 * @param {() => UiDirectory | undefined} directory
 */
export function accessControls(directory) {
  const assignmentsBox = h('div', { class: 'table-wrap' })
  const bindingsBox = h('div', { class: 'table-wrap' })
  /** @returns {[string, string][]} */
  const userOptions = () => (directory()?.users ?? []).map((u) => [u.upn, `${u.displayName} (${u.upn})`])
  /** @returns {[string, string][]} */
  const principalOptions = () => [
    ...userOptions(),
    ...(directory()?.groups ?? [])
      .filter((g) => !/^project-\d+$/.test(g.name))
      .map((g) => /** @type {[string, string]} */ ([g.name, `group ${g.name}`])),
  ]
  // Role assignments
  const grantPrincipal = select('principal', [])
  const grantRole = select('role', [])
  const grantNs = select('namespace', [])

  // Bindings
  const bindKind = select('kind', ['RoleBinding', 'ClusterRoleBinding'])
  const bindName = h('input', {
    name: 'name',
    required: true,
    placeholder: 'bob-view-prod',
    autocomplete: 'off',
  })
  const bindNs = select('namespace', [])
  const bindRole = select('role', [])
  const bindSubjectKind = select('subjectKind', ['User', 'Group'])
  const bindSubject = select('subject', [])
  const fillSubjects = () => {
    clear(bindSubject)
    /** @type {[string, string][]} */
    const opts =
      bindSubjectKind.value === 'Group'
        ? (directory()?.groups ?? [])
            .filter((g) => !/^project-\d+$/.test(g.name))
            .map((g) => [g.name, g.name])
        : userOptions()
    for (const [v, t] of opts) bindSubject.append(h('option', { value: v }, t))
  }
  bindSubjectKind.addEventListener('change', fillSubjects)
  bindKind.addEventListener('change', () => (bindNs.disabled = bindKind.value === 'ClusterRoleBinding'))
  const sections = [
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
  ]

  async function loadAccess() {
    const [a, b] = /** @type {[AssignmentsAnswer, BindingsAnswer]} */ (
      await Promise.all([api('/access/assignments'), api('/access/bindings')])
    )
    const roles = a.roles ?? []
    const namespaces = b.namespaces ?? []
    const clusterRoles = b.clusterRoles ?? []
    /**
     * Refills a select, keeping its choice when the new options still have it.
     * @param {HTMLSelectElement} sel
     * @param {() => void} fill
     */
    const keep = (sel, fill) => {
      const v = sel.value
      clear(sel)
      fill()
      if ([...sel.options].some((o) => o.value === v)) sel.value = v
    }
    keep(grantPrincipal, () =>
      principalOptions().forEach(([v, t]) => grantPrincipal.append(h('option', { value: v }, t))),
    )
    keep(grantRole, () =>
      roles
        .filter((r) => r.dataActions.length > 0)
        .forEach((r) => grantRole.append(h('option', { value: r.name }, r.name))),
    )
    keep(grantNs, () => {
      grantNs.append(h('option', { value: '' }, 'the whole cluster'))
      namespaces.forEach((n) => grantNs.append(h('option', { value: n }, `namespace ${n}`)))
    })
    keep(bindNs, () => namespaces.forEach((n) => bindNs.append(h('option', { value: n }, n))))
    keep(bindRole, () =>
      clusterRoles
        .filter((r) => !r.startsWith('system:'))
        .forEach((r) => bindRole.append(h('option', { value: r }, r))),
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
                    api(
                      `/kubernetes/bindings/${x.kind}/${encodeURIComponent(x.name)}${x.namespace ? `?namespace=${encodeURIComponent(x.namespace)}` : ''}`,
                      { method: 'DELETE' },
                    ),
                  ).then(loadAccess),
              },
              `Delete ${x.name}`,
            ),
          ),
        ),
      ),
    )
  }
  return { sections, load: loadAccess, fillSubjects }
}
