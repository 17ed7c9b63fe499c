// The live flow: every request through the simulator on the 11 steps of the AKS sign-in diagram,
// updated by server-sent events. Keeps at most MAX_FLOWS flows, like the server.
import { badge, clear, factList, field, h, jsonBlock, select } from './dom.js'
import { createDiagram, stepsOfFlow } from './diagram.js'

/** @typedef {import('./types.js').Flow} Flow */
/** @typedef {import('./types.js').FlowStep} FlowStep */
/** @typedef {import('./types.js').Page} Page */
/** @typedef {import('./types.js').Shared} Shared */
/** @typedef {import('./types.js').StepMeta} StepMeta */
/** @typedef {import('./types.js').StepState} StepState */

const MAX_FLOWS = 500
/** @type {Record<StepState, string>} */
const STATE_LABELS = {
  ok: 'done',
  failed: 'failed',
  cached: 'cached',
  skipped: 'skipped',
  pending: 'waiting',
  unobserved: 'not seen',
  'not-reached': 'not reached',
  'not-needed': 'not needed',
  elsewhere: 'another flow',
}
/** @type {Record<StepState, string>} */
const STATE_ICONS = {
  ok: '✓',
  failed: '✗',
  cached: '↺',
  skipped: '–',
  pending: '…',
  unobserved: '?',
  'not-reached': '⊘',
  'not-needed': '–',
  elsewhere: '→',
}
const DISCOVERY = /^(GET|get) (\/api|\/apis|\/openapi|\/version|\/healthz|\/livez|\/readyz)/

/**
 * @param {HTMLElement} root
 * @param {Shared} shared
 * @returns {Page}
 */
export function mountFlow(root, shared) {
  /** @type {Map<string, { flow: Flow, el: HTMLLIElement }>} */
  const flows = new Map()
  /** @type {Set<string>} */
  const open = new Set()
  // Flows shown whatever the filters say: the ones a step's link was followed to (a hidden discovery request).
  /** @type {Set<string>} */
  const pinned = new Set()
  /** @type {readonly StepMeta[]} */
  let steps = shared.state?.steps ?? []
  const filters = { user: '', namespace: '', outcome: '', kind: '', hideDiscovery: true }

  const live = h('span', { class: 'live', id: 'live-state' }, 'connecting…')
  const announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite', id: 'flow-announcer' })
  const userFilter = select('user', [['', 'Everyone']])
  const nsFilter = select('namespace', [['', 'All namespaces']])
  const outcomeFilter = select('outcome', [
    ['', 'Any outcome'],
    ['allowed', 'Allowed'],
    ['forbidden', 'Forbidden'],
    ['unauthorized', 'Unauthorized'],
    ['error', 'Error'],
    ['pending', 'Pending'],
    ['info', 'Changes'],
  ])
  const kindFilter = select('kind', [
    ['', 'Everything'],
    ['kubectl', 'kubectl requests'],
    ['sign-in', 'Sign-ins and tokens'],
    ['token-review', 'TokenReviews (direct)'],
    ['access-review', 'SubjectAccessReviews (direct)'],
    ['control', 'Host actions and other services'],
    ['workload-identity', 'Workload identity exchanges'],
    ['managed-identity', 'Managed identity (IMDS)'],
    ['registry-pull', 'Registry pulls'],
  ])
  const discovery = h('input', { type: 'checkbox', name: 'hideDiscovery', checked: true })
  const list = h('ol', { class: 'flows', id: 'flow-list', 'aria-label': 'Requests, newest first' })
  const empty = h(
    'p',
    { class: 'empty' },
    'Nothing yet. Run kubectl against the simulated cluster, sign in, or post a TokenReview to the webhook.',
  )

  const legendSteps = h('ol', { class: 'step-legend' }, [])
  const legend = h(
    'details',
    { class: 'legend' },
    h('summary', {}, 'The 11 steps of an AKS sign-in (from the AKS documentation)'),
    legendSteps,
  )
  const renderLegend = () => {
    const ol = clear(legendSteps)
    for (const s of steps) ol.append(h('li', { value: s.n }, h('strong', {}, s.title), ` — ${s.actor}`))
  }
  renderLegend()

  // The picture: the newest request while "Follow" is on, else the one opened in the list.
  const follow = h('input', { type: 'checkbox', id: 'diagram-follow', checked: true })
  const diagram = createDiagram({
    steps: () => steps,
    controls: h(
      'div',
      { class: 'field checkbox diagram-follow' },
      follow,
      h('label', { for: 'diagram-follow' }, 'Follow new requests'),
    ),
  })
  follow.addEventListener('change', () => {
    if (follow.checked) showOnDiagram(newestDrawable(), true)
  })

  root.append(
    h('h1', { id: 'flow-title' }, 'Live flow ', live),
    diagram.el,
    legend,
    h(
      'form',
      { class: 'filters', 'aria-label': 'Filter requests', onsubmit: (e) => e.preventDefault() },
      field('User', userFilter),
      field('Namespace', nsFilter),
      field('Outcome', outcomeFilter),
      field('Show', kindFilter),
      h(
        'div',
        { class: 'field checkbox' },
        discovery,
        h('label', { for: 'hide-discovery' }, 'Hide discovery requests'),
      ),
    ),
    announcer,
    empty,
    list,
  )
  discovery.id = 'hide-discovery'
  /** @type {[HTMLSelectElement, 'user' | 'namespace' | 'outcome' | 'kind'][]} */
  const selectFilters = [
    [userFilter, 'user'],
    [nsFilter, 'namespace'],
    [outcomeFilter, 'outcome'],
    [kindFilter, 'kind'],
  ]
  for (const [el, key] of selectFilters)
    el.addEventListener('change', () => {
      filters[key] = el.value
      // A new filter choice is a new question: flows revealed by a link follow the filters again.
      pinned.clear()
      applyFilters()
    })
  discovery.addEventListener('change', () => {
    filters.hideDiscovery = discovery.checked
    pinned.clear()
    applyFilters()
  })

  /** @param {Flow} f */
  const visible = (f) =>
    pinned.has(f.id) ||
    ((!filters.user || f.user === filters.user) &&
      (!filters.namespace || f.namespace === filters.namespace) &&
      (!filters.outcome || f.outcome === filters.outcome) &&
      (!filters.kind || f.kind === filters.kind) &&
      !(filters.hideDiscovery && f.kind === 'kubectl' && DISCOVERY.test(f.title) && f.outcome === 'allowed'))

  /**
   * Shows the flow a step refers to, even when a filter hides it, opened and scrolled into view.
   * @param {string} id
   */
  function reveal(id) {
    const target = flows.get(id)
    if (!target) {
      announcer.textContent = 'That request is no longer in the list (the view keeps the latest 500 flows).'
      return
    }
    pinned.add(id)
    open.add(id)
    target.el.hidden = false
    empty.hidden = true
    const details = target.el.querySelector('details')
    if (details) details.open = true
    target.el.scrollIntoView({ block: 'start' })
    target.el.querySelector('summary')?.focus()
  }

  function applyFilters() {
    let shown = 0
    for (const { flow, el } of flows.values()) {
      el.hidden = !visible(flow)
      if (!el.hidden) shown++
    }
    empty.hidden = shown > 0
    const current = flows.get(diagram.shown() ?? '')?.flow
    if (follow.checked && !(current && drawable(current))) showOnDiagram(newestDrawable(), false)
  }

  /**
   * @param {HTMLSelectElement} sel
   * @param {string | undefined} value
   */
  function addOption(sel, value) {
    if (!value || [...sel.options].some((o) => o.value === value)) return
    sel.append(h('option', { value }, value))
  }

  /**
   * @param {FlowStep} step
   * @param {readonly StepMeta[]} metas the step titles of the flow's picture
   */
  function stepItem(step, metas) {
    const meta = metas.find((s) => s.n === step.n)
    return h(
      'li',
      { class: `step step-${step.state}`, value: step.n, dataset: { step: String(step.n) } },
      h(
        'div',
        { class: 'step-head' },
        h('span', { class: 'step-n', 'aria-hidden': 'true' }, String(step.n)),
        h('span', { class: 'step-title' }, meta ? meta.title : `Step ${step.n}`),
        h(
          'span',
          { class: `state state-${step.state}` },
          `${STATE_ICONS[step.state] ?? ''} ${STATE_LABELS[step.state] ?? step.state}`,
        ),
        step.durationMs !== undefined
          ? h('span', { class: 'duration' }, `${formatMs(step.durationMs)}`)
          : null,
      ),
      meta ? h('div', { class: 'actor' }, meta.actor) : null,
      h('p', { class: 'step-summary' }, step.summary),
      step.reason && step.reason !== step.summary ? h('p', { class: 'step-reason' }, step.reason) : null,
      step.refFlowId
        ? h(
            'p',
            { class: 'step-ref' },
            h(
              'a',
              {
                href: `#flow-${step.refFlowId}`,
                dataset: { ref: step.refFlowId },
                onclick: (e) => {
                  e.preventDefault()
                  reveal(/** @type {string} */ (step.refFlowId))
                },
              },
              `Show the request: ${step.refTitle ?? step.refFlowId}`,
            ),
            flows.has(step.refFlowId) && !visible(/** @type {Flow} */ (flows.get(step.refFlowId)?.flow))
              ? ' (hidden by the filters, e.g. "Hide discovery requests")'
              : null,
          )
        : null,
      factList(step.facts),
      (step.bodies ?? []).map((b) => jsonBlock(b.label, b.json)),
    )
  }

  /** @param {Flow} flow */
  function flowItem(flow) {
    const details = h(
      'details',
      {
        class: 'flow',
        open: open.has(flow.id),
        ontoggle: (e) =>
          /** @type {HTMLDetailsElement} */ (e.target).open ? open.add(flow.id) : open.delete(flow.id),
      },
      h(
        'summary',
        {
          // Opening a flow puts it on the picture and stops the picture following new requests.
          onclick: (e) => {
            if (/** @type {HTMLElement} */ (e.currentTarget).parentElement?.hasAttribute('open')) return
            follow.checked = false
            showOnDiagram(flows.get(flow.id)?.flow ?? flow, false)
          },
        },
        h('span', { class: 'flow-time' }, flow.endedAt.slice(11, 19)),
        badge(flow.outcome, flow.badge),
        h('span', { class: 'flow-title' }, flow.title),
        flow.user
          ? h(
              'span',
              {
                class: flow.userVerified === false ? 'flow-user unverified' : 'flow-user',
                title:
                  flow.userVerified === false
                    ? 'who the token claimed to be: its signature did not verify, so this is unverified'
                    : null,
              },
              flow.user,
              flow.userVerified === false ? ' (unverified)' : null,
            )
          : null,
        flow.durationMs !== undefined ? h('span', { class: 'duration' }, formatMs(flow.durationMs)) : null,
        flow.reason ? h('span', { class: 'flow-reason' }, flow.reason) : null,
      ),
      h(
        'div',
        { class: 'flow-body' },
        h(
          'p',
          { class: 'decision' },
          h('strong', {}, 'Decision: '),
          flow.decision,
          flow.reason ? [h('br'), h('strong', {}, 'Why: '), flow.reason] : null,
        ),
        flow.related?.length
          ? h('p', { class: 'related' }, 'Token from: ', flow.related.map((r) => r.title).join(', '))
          : null,
        h(
          'ol',
          { class: 'steps', 'aria-label': `Steps of ${flow.title}` },
          flow.steps.map((st) => stepItem(st, stepsOfFlow(flow, steps))),
        ),
      ),
    )
    return h(
      'li',
      {
        id: `flow-${flow.id}`,
        dataset: { kind: flow.kind, outcome: flow.outcome },
        'aria-current': diagram.shown() === flow.id ? 'true' : null,
      },
      details,
    )
  }

  /** @param {Flow} f a flow the picture can draw: one with steps */
  const drawable = (f) => f.steps.length > 0 && visible(f)
  const newestDrawable = () => [...flows.values()].map((x) => x.flow).findLast(drawable)

  /**
   * @param {Flow | undefined} flow
   * @param {boolean} animate
   */
  function showOnDiagram(flow, animate) {
    const before = diagram.shown()
    if (before !== flow?.id) flows.get(before ?? '')?.el.removeAttribute('aria-current')
    diagram.show(flow, animate && !matchMedia('(prefers-reduced-motion: reduce)').matches)
    if (flow) flows.get(flow.id)?.el.setAttribute('aria-current', 'true')
  }

  /** @param {Flow} flow */
  function upsert(flow) {
    const old = flows.get(flow.id)
    const el = flowItem(flow)
    if (old) old.el.remove()
    list.prepend(el)
    flows.set(flow.id, { flow, el })
    if (flow.id === diagram.shown() || (follow.checked && drawable(flow))) showOnDiagram(flow, true)
    addOption(userFilter, flow.user)
    addOption(nsFilter, flow.namespace)
    el.hidden = !visible(flow)
    if (!el.hidden) {
      empty.hidden = true
      if (!old && flow.kind !== 'control')
        announcer.textContent = `${flow.title}: ${flow.decision}${flow.reason ? ` — ${flow.reason}` : ''}`
    }
    // A map iterates in insertion order: the oldest flows come first.
    for (const id of flows.keys()) {
      if (flows.size <= MAX_FLOWS) break
      remove(id)
    }
    if (flow.kind === 'control' || flow.kind === 'sign-in') refreshSoon()
  }

  // Host actions and sign-ins change the header and the controls page: re-read the state once a burst is over.
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let refreshTimer
  function refreshSoon() {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => void shared.refreshState().catch(() => undefined), 250)
  }

  /** @param {string} id */
  function remove(id) {
    const old = flows.get(id)
    if (!old) return
    old.el.remove()
    flows.delete(id)
    open.delete(id)
    if (diagram.shown() === id) showOnDiagram(follow.checked ? newestDrawable() : undefined, false)
  }

  function connect() {
    const source = new EventSource('/api/stream')
    source.addEventListener('open', () => {
      live.textContent = 'live'
      live.dataset.state = 'live'
    })
    source.addEventListener('error', () => {
      live.textContent = 'reconnecting…'
      live.dataset.state = 'down'
    })
    source.addEventListener('reset', () => {
      for (const id of [...flows.keys()]) remove(id)
      applyFilters()
    })
    source.addEventListener('flow', (e) => upsert(/** @type {Flow} */ (dataOf(e))))
    source.addEventListener('remove', (e) => {
      remove(/** @type {{ id: string }} */ (dataOf(e)).id)
      applyFilters()
    })
  }
  applyFilters()
  connect()
  return {
    onState(state) {
      if (steps.length === 0 && state.steps) {
        steps = state.steps
        renderLegend()
      }
    },
  }
}

/**
 * The JSON an SSE event carries; the stream's own event names (flow, remove) arrive as plain Events.
 * @param {Event} e
 * @returns {unknown}
 */
const dataOf = (e) => JSON.parse(/** @type {MessageEvent<string>} */ (e).data)

/** @param {number} v */
function formatMs(v) {
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`
}
