// The UI shell: hash routing between the three pages, the tenant and clock in the header.
import { api, byId, clear, h } from './dom.js'
import { mountFlow } from './flow.js'
import { mountExplorer } from './explorer.js'
import { mountControls } from './controls.js'

/** @typedef {import('./types.js').Page} Page */
/** @typedef {import('./types.js').Shared} Shared */
/** @typedef {import('./types.js').UiDirectory} UiDirectory */
/** @typedef {import('./types.js').UiState} UiState */

const pages = { flow: mountFlow, explorer: mountExplorer, controls: mountControls }
/** @typedef {keyof typeof pages} PageName */
/** @type {Map<PageName, Page>} */
const mounted = new Map()

/**
 * @param {string} name
 * @returns {name is PageName}
 */
const isPage = (name) => Object.hasOwn(pages, name)

/** @type {Shared} */
export const shared = {
  state: undefined,
  directory: undefined,
  /** Re-reads /api/state and tells every page. */
  async refreshState() {
    const state = /** @type {UiState} */ (await api('/state'))
    shared.state = state
    renderHeader()
    for (const page of mounted.values()) page.onState?.(state)
    return state
  },
  async loadDirectory(force = false) {
    if (!shared.directory || force) shared.directory = /** @type {UiDirectory} */ (await api('/directory'))
    return shared.directory
  },
}

function renderHeader() {
  const s = shared.state
  if (!s) return
  clear(byId('tenant')).append(`${s.tenant.domain}`)
  const offset = s.clock.offsetSeconds ? ` (+${s.clock.offsetSeconds} s)` : ''
  clear(byId('clock')).append(
    h('span', { class: 'muted' }, 'Simulator time '),
    h('time', { datetime: s.clock.now }, s.clock.now.replace('T', ' ').slice(0, 19) + offset),
  )
}

/** @param {string} name */
function show(name) {
  const page = isPage(name) ? name : 'flow'
  for (const key of Object.keys(pages)) {
    byId(`page-${key}`).hidden = key !== page
    const link = document.querySelector(`nav a[data-page="${key}"]`)
    if (key === page) link?.setAttribute('aria-current', 'page')
    else link?.removeAttribute('aria-current')
  }
  const shown = mounted.get(page)
  if (!shown) mounted.set(page, pages[page](byId(`page-${page}`), shared))
  else shown.onShow?.()
  document.title = `${document.querySelector(`nav a[data-page="${page}"]`)?.textContent ?? ''} — aks-auth-sim`
}

window.addEventListener('hashchange', () => {
  show(location.hash.slice(1))
  byId('main').focus()
})

await shared.refreshState().catch(() => undefined)
show(location.hash.slice(1))
// The clock moves on its own; the header follows it without a stream of its own.
setInterval(() => void shared.refreshState().catch(() => undefined), 10_000)
