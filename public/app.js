// The UI shell: hash routing between the three pages, the tenant and clock in the header.
import { api, clear, h } from './dom.js'
import { mountFlow } from './flow.js'
import { mountExplorer } from './explorer.js'
import { mountControls } from './controls.js'

const pages = { flow: mountFlow, explorer: mountExplorer, controls: mountControls }
const mounted = new Map()

export const shared = {
  state: undefined,
  directory: undefined,
  /** Re-reads /api/state and tells every page. */
  async refreshState() {
    shared.state = await api('/state')
    renderHeader()
    for (const page of mounted.values()) page.onState?.(shared.state)
    return shared.state
  },
  async loadDirectory(force = false) {
    if (!shared.directory || force) shared.directory = await api('/directory')
    return shared.directory
  },
}

function renderHeader() {
  const s = shared.state
  if (!s) return
  clear(document.getElementById('tenant')).append(`${s.tenant.domain}`)
  const offset = s.clock.offsetSeconds ? ` (+${s.clock.offsetSeconds} s)` : ''
  clear(document.getElementById('clock')).append(
    h('span', { class: 'muted' }, 'Simulator time '),
    h('time', { datetime: s.clock.now }, s.clock.now.replace('T', ' ').slice(0, 19) + offset),
  )
}

function show(name) {
  const page = pages[name] ? name : 'flow'
  for (const key of Object.keys(pages)) {
    document.getElementById(`page-${key}`).hidden = key !== page
    const link = document.querySelector(`nav a[data-page="${key}"]`)
    if (key === page) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
  if (!mounted.has(page)) mounted.set(page, pages[page](document.getElementById(`page-${page}`), shared))
  else mounted.get(page).onShow?.()
  document.title = `${document.querySelector(`nav a[data-page="${page}"]`).textContent} — aks-auth-sim`
}

window.addEventListener('hashchange', () => {
  show(location.hash.slice(1))
  document.getElementById('main').focus()
})

await shared.refreshState().catch(() => undefined)
show(location.hash.slice(1))
// The clock moves on its own; the header follows it without a stream of its own.
setInterval(() => void shared.refreshState().catch(() => undefined), 10_000)
