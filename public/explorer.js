// The access explorer: who is who (users, nested groups), what grants access (Azure role assignments,
// Kubernetes bindings), "may this user …, and why" and "who can …".
import { api, attempt, clear, field, h, messageOf, select, table } from './dom.js'
import { renderAnswer, renderWhoCan } from './explorer-answer.js'

/** @typedef {import('./types.js').AccessAnswer} AccessAnswer */
/** @typedef {import('./types.js').AssignmentsAnswer} AssignmentsAnswer */
/** @typedef {import('./types.js').BindingsAnswer} BindingsAnswer */
/** @typedef {import('./types.js').DirectoryGroup} DirectoryGroup */
/** @typedef {import('./types.js').Page} Page */
/** @typedef {import('./types.js').Shared} Shared */
/** @typedef {import('./types.js').WhoCanAnswer} WhoCanAnswer */
/** @typedef {import('./dom.js').Child} Child */

const VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'impersonate',
  '*',
]
/** @type {[string, string][]} resource, API group */
const RESOURCES = [
  ['pods', ''],
  ['pods/log', ''],
  ['pods/exec', ''],
  ['deployments', 'apps'],
  ['services', ''],
  ['configmaps', ''],
  ['secrets', ''],
  ['namespaces', ''],
  ['nodes', ''],
  ['rolebindings', 'rbac.authorization.k8s.io'],
  ['clusterrolebindings', 'rbac.authorization.k8s.io'],
]

/**
 * @param {HTMLElement} root
 * @param {Shared} shared
 * @returns {Page}
 */
export function mountExplorer(root, shared) {
  const result = h('div', { class: 'result', id: 'access-result', 'aria-live': 'polite' })
  const userSel = select('user', [])
  const verbSel = select('verb', VERBS, 'list')
  const resourceIn = h('input', {
    name: 'resource',
    list: 'resource-list',
    value: 'pods',
    required: true,
    autocomplete: 'off',
  })
  const groupIn = h('input', { name: 'group', value: '', autocomplete: 'off', placeholder: 'core' })
  const nsSel = select('namespace', [['', '(cluster scope / all namespaces)']], 'default')
  const nameIn = h('input', { name: 'name', autocomplete: 'off' })
  resourceIn.addEventListener('change', () => {
    const known = RESOURCES.find(([r]) => r === resourceIn.value)
    if (known) groupIn.value = known[1]
  })
  const query = () => ({
    verb: verbSel.value,
    resource: resourceIn.value.trim(),
    group: groupIn.value.trim(),
    namespace: nsSel.value,
    name: nameIn.value.trim(),
  })

  const form = h(
    'form',
    {
      class: 'check-form',
      'aria-labelledby': 'check-title',
      onsubmit: async (e) => {
        e.preventDefault()
        const answer = await attempt(
          'Access check',
          () =>
            /** @type {Promise<AccessAnswer>} */ (
              api('/access/check', { method: 'POST', body: { ...query(), user: userSel.value } })
            ),
        )
        if (answer) renderAnswer(result, answer)
      },
    },
    h('h2', { id: 'check-title' }, 'May this user…?'),
    h(
      'div',
      { class: 'row' },
      field('User', userSel),
      field('Verb', verbSel),
      field('Resource', resourceIn, 'pods, deployments, pods/log …'),
      field('API group', groupIn, 'empty for the core group'),
      field('Namespace', nsSel),
      field('Name (optional)', nameIn),
    ),
    h(
      'datalist',
      { id: 'resource-list' },
      RESOURCES.map(([r]) => h('option', { value: r })),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Check access'),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: async () => {
            const answer = await attempt(
              'Who can',
              () =>
                /** @type {Promise<WhoCanAnswer>} */ (
                  api('/access/who-can', { method: 'POST', body: query() })
                ),
            )
            if (answer) renderWhoCan(result, answer, query())
          },
        },
        'Who can do this?',
      ),
    ),
  )

  const usersBox = h('div', { class: 'table-wrap' })
  const groupsBox = h('div', { class: 'groups' })
  const assignmentsBox = h('div', { class: 'table-wrap' })
  const showBootstrap = h('input', { type: 'checkbox', id: 'show-bootstrap' })
  const bindingsBox = h('div', { class: 'table-wrap' })
  showBootstrap.addEventListener('change', () => void loadBindings())

  root.append(
    h('h1', { id: 'explorer-title' }, 'Access explorer'),
    form,
    result,
    h('h2', {}, 'Users, as the cluster sees them'),
    usersBox,
    h('h2', {}, 'Groups (nested)'),
    groupsBox,
    h('h2', {}, 'Azure role assignments'),
    assignmentsBox,
    h('h2', {}, 'Kubernetes role bindings'),
    h(
      'div',
      { class: 'field checkbox' },
      showBootstrap,
      h('label', { for: 'show-bootstrap' }, 'Show the bootstrap (system:) bindings'),
    ),
    bindingsBox,
  )

  async function loadDirectory() {
    const dir = await shared.loadDirectory(true)
    const current = userSel.value
    clear(userSel)
    for (const u of dir.users)
      userSel.append(
        h('option', { value: u.upn, selected: u.upn === current }, `${u.displayName} (${u.upn})`),
      )
    clear(usersBox).append(
      table(
        'Directory users',
        ['User', 'Kubernetes username', 'Type', 'Account', 'Groups in the request', 'Direct groups'],
        dir.users.map((u) => [
          `${u.displayName} — ${u.upn}`,
          u.username,
          u.userType,
          u.accountEnabled ? 'enabled' : 'disabled',
          `${u.groups.length - 1} (${u.groupsSource === 'graph' ? 'overage: from Graph' : u.groupsSource === 'claim' ? 'groups claim' : 'none'})`,
          u.directGroups.length > 8
            ? `${u.directGroups.slice(0, 8).join(', ')} … +${u.directGroups.length - 8}`
            : u.directGroups.join(', '),
        ]),
      ),
    )
    const byName = new Map(dir.groups.map((g) => [g.name, g]))
    /** @param {string[]} names */
    const listed = (names) =>
      names.length > 12 ? `${names.slice(0, 12).join(', ')} … +${names.length - 12}` : names.join(', ')
    const roots = dir.groups.filter(
      (g) => g.memberOf.length === 0 && (g.members.length > 1 || !/^project-\d+$/.test(g.name)),
    )
    const shown = new Set()
    /** @type {(g: DirectoryGroup, seen: Set<string>) => HTMLLIElement} */
    const tree = (g, seen) => {
      shown.add(g.name)
      return h(
        'li',
        {},
        h('strong', {}, g.name),
        ` — ${g.id}`,
        g.description ? h('span', { class: 'muted' }, ` (${g.description})`) : null,
        h(
          'div',
          { class: 'members' },
          `Direct members: ${g.members.filter((m) => !byName.has(m)).join(', ') || 'none'}`,
          g.members.some((m) => byName.has(m))
            ? `; nested groups: ${g.members.filter((m) => byName.has(m)).join(', ')}`
            : '',
        ),
        g.nestedMembers.length > 0
          ? h(
              'div',
              { class: 'members nested' },
              `Members through nested groups (transitive): ${listed(g.nestedMembers.map((m) => `${m.name} (via ${m.via})`))}`,
            )
          : null,
        h(
          'ul',
          {},
          g.members.flatMap((m) => {
            const member = seen.has(m) ? undefined : byName.get(m)
            return member ? [tree(member, new Set([...seen, m]))] : []
          }),
        ),
      )
    }
    const list = h(
      'ul',
      { class: 'tree', 'aria-label': 'Groups and their nested groups' },
      roots.map((g) => tree(g, new Set([g.name]))),
    )
    const hidden = dir.groups.length - shown.size
    clear(groupsBox).append(list)
    // Element.append(null) would add the text "null": append the note only when there is one.
    if (hidden > 0)
      groupsBox.append(
        h(
          'p',
          { class: 'muted' },
          `${hidden} more groups with a single member each (project groups) are not listed.`,
        ),
      )
  }

  async function loadAssignments() {
    const a = /** @type {AssignmentsAnswer} */ (await api('/access/assignments'))
    clear(assignmentsBox).append(
      a.value.length === 0
        ? h('p', {}, a.enabled === false ? 'No Azure section in the scenario.' : 'No role assignments.')
        : table(
            `Role assignments${a.enabled ? '' : ' (Azure RBAC for Kubernetes is off)'}`,
            ['Principal', 'Type', 'Role', 'Scope'],
            a.value.map((x) => [
              x.principal,
              x.principalType,
              x.role,
              x.namespace
                ? `namespace ${x.namespace}`
                : x.scope === a.clusterResourceId
                  ? 'cluster'
                  : x.scope,
            ]),
          ),
    )
  }

  async function loadBindings() {
    const b = /** @type {BindingsAnswer} */ (
      await api(`/access/bindings${showBootstrap.checked ? '?all=true' : ''}`)
    )
    const current = nsSel.dataset.loaded ? nsSel.value : 'default'
    nsSel.dataset.loaded = 'true'
    clear(nsSel).append(h('option', { value: '' }, '(cluster scope / all namespaces)'))
    for (const ns of b.namespaces) nsSel.append(h('option', { value: ns, selected: ns === current }, ns))
    clear(bindingsBox).append(
      !b.available
        ? h('p', {}, 'No Kubernetes objects.')
        : table(
            'Bindings',
            ['Kind', 'Namespace', 'Name', 'Role', 'Subjects'],
            b.value.map((x) => [
              x.kind,
              x.namespace ?? '—',
              x.name,
              `${x.role.kind} ${x.role.name}`,
              x.subjects
                .map((s) => `${s.kind} ${s.displayName ? `${s.displayName} (${s.name})` : s.name}`)
                .join(', '),
            ]),
          ),
    )
  }

  void Promise.all([loadDirectory(), loadAssignments(), loadBindings()]).catch(
    (/** @type {unknown} */ err) => {
      result.textContent = `Could not load the directory: ${messageOf(err)}`
    },
  )
  return {
    onShow() {
      void Promise.all([loadDirectory(), loadAssignments(), loadBindings()]).catch(() => undefined)
    },
  }
}
