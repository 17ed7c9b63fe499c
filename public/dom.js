// Small DOM and API helpers shared by the pages. Text always goes in as text nodes, never as HTML.

/** @typedef {Node | string | number | null | undefined | false} Leaf */
/**
 * A child of h(): a node, text, or a list of children; `null`, `undefined` and `false` are skipped.
 * append() flattens lists of any depth; the pages nest two at most, and JSDoc cannot name a recursive list.
 * @typedef {Leaf | Leaf[] | Leaf[][]} Child
 */

/** @typedef {(e: Event) => unknown} Listener */
/**
 * Attributes of h(): `on…` keys are event listeners, `dataset` is copied into data-* attributes,
 * `true` is an empty (boolean) attribute, `false`, `null` and `undefined` leave the attribute out.
 * @typedef {{ [event: `on${string}`]: Listener | undefined, dataset?: Record<string, string> }
 *   & { [attribute: string]: string | number | boolean | null | undefined | Listener | Record<string, string> }} Attrs
 */

/**
 * h('p', { class: 'x', onclick: fn }, 'text', child) — an element with attributes, listeners and children.
 * `null`, `undefined` and `false` children are skipped; arrays are flattened.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {Child[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'dataset' && typeof value === 'object') Object.assign(el.dataset, value)
    else if (typeof value !== 'object' && typeof value !== 'function')
      el.setAttribute(key, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

/**
 * @param {Element} el
 * @param {readonly Child[]} children
 */
function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
}

/**
 * Removes every child of `el`, and returns it.
 * @template {Node} T
 * @param {T} el
 * @returns {T}
 */
export const clear = (el) => {
  while (el.firstChild) el.firstChild.remove()
  return el
}

/**
 * The element of index.html with this id; the pages are written against that page, so a missing one is a bug.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const el = document.getElementById(id)
  if (!el) throw new Error(`index.html has no element #${id}`)
  return el
}

/**
 * The message of whatever a failed action threw.
 * @param {unknown} err
 * @returns {string}
 */
export const messageOf = (err) => (err instanceof Error ? err.message : String(err))

/**
 * JSON API call; throws an Error with the server's message on a non-2xx answer. The answer is
 * `unknown` here: each caller states the shape it expects (see types.js).
 * @param {string} path
 * @param {{ method?: string, body?: unknown }} [options]
 * @returns {Promise<unknown>}
 */
export async function api(path, { method = 'GET', body } = {}) {
  /** @type {RequestInit & { headers: Record<string, string> }} */
  const init = { method, headers: { accept: 'application/json' } }
  if (method !== 'GET') {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body ?? {})
  }
  const res = await fetch(`/api${path}`, init)
  if (res.status === 204) return undefined
  const data = await /** @type {Promise<{ error?: { code?: string, message?: string } } | null>} */ (
    res.json().catch(() => ({}))
  )
  // Other machines can reach this simulator: the host signs in first (src/ui/host-signin.ts).
  if (res.status === 401 && data?.error?.code === 'host_sign_in_required') location.assign('/host-signin')
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`)
  return data
}

/**
 * Announces a message to screen readers and shows it in the page's status line.
 * @param {string} message
 * @param {'info' | 'error'} [kind]
 */
export function announce(message, kind = 'info') {
  const region = document.getElementById('status')
  if (!region) return
  region.textContent = message
  region.dataset.kind = kind
}

/**
 * Runs an async action from a form or button, reporting failure in the status line.
 * @template T
 * @param {string} what
 * @param {() => Promise<T>} action
 * @returns {Promise<T | undefined>}
 */
export async function attempt(what, action) {
  try {
    const result = await action()
    announce(`${what}: done`)
    return result
  } catch (err) {
    announce(`${what} failed: ${messageOf(err)}`, 'error')
    return undefined
  }
}

/**
 * A <dl> of label → value pairs.
 * @param {Record<string, unknown> | undefined} facts
 */
export function factList(facts) {
  const entries = Object.entries(facts ?? {})
  if (entries.length === 0) return null
  return h(
    'dl',
    { class: 'facts' },
    entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
  )
}

/**
 * A collapsible pretty-printed JSON body.
 * @param {string} label
 * @param {unknown} json
 */
export function jsonBlock(label, json, open = false) {
  return h(
    'details',
    { class: 'body', open },
    h('summary', {}, label),
    h('pre', { tabindex: '0' }, h('code', {}, JSON.stringify(json, null, 2))),
  )
}

/** @type {Record<string, string>} */
export const OUTCOME_LABELS = {
  allowed: 'Allowed',
  forbidden: 'Forbidden',
  unauthorized: 'Unauthorized',
  error: 'Error',
  pending: 'Pending',
  info: 'Change',
}

/**
 * A status badge with text (never colour alone).
 * @param {string} outcome
 * @param {string} [text]
 */
export const badge = (outcome, text) =>
  h('span', { class: `badge badge-${outcome}` }, text ?? OUTCOME_LABELS[outcome] ?? outcome)

/**
 * A labelled form control: h-compatible wrapper.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`
  control.id = id
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id)
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl)
}

/**
 * A <select>; an option is a value that is its own label, or [value, label].
 * @param {string} name
 * @param {(string | [string, string])[]} options
 * @param {string} [value] the option selected at first
 */
export function select(name, options, value) {
  return h(
    'select',
    { name },
    options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o]
      return h('option', { value: v, selected: v === value }, text)
    }),
  )
}

/**
 * A captioned table with column headers.
 * @param {string} caption
 * @param {string[]} headers
 * @param {Child[][]} rows
 */
export function table(caption, headers, rows) {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((x) => h('th', { scope: 'col' }, x)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  )
}
