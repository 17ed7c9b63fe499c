// Small DOM and API helpers shared by the pages. Text always goes in as text nodes, never as HTML.

/**
 * h('p', { class: 'x', onclick: fn }, 'text', child) — an element with attributes, listeners and children.
 * `null`, `undefined` and `false` children are skipped; arrays are flattened.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'dataset') Object.assign(el.dataset, value)
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
}

export const clear = (el) => {
  while (el.firstChild) el.firstChild.remove()
  return el
}

/** JSON API call; throws an Error with the server's message on a non-2xx answer. */
export async function api(path, { method = 'GET', body } = {}) {
  const init = { method, headers: { accept: 'application/json' } }
  if (method !== 'GET') {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body ?? {})
  }
  const res = await fetch(`/api${path}`, init)
  if (res.status === 204) return undefined
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`)
  return data
}

/** Announces a message to screen readers and shows it in the page's status line. */
export function announce(message, kind = 'info') {
  const region = document.getElementById('status')
  if (!region) return
  region.textContent = message
  region.dataset.kind = kind
}

/** Runs an async action from a form or button, reporting failure in the status line. */
export async function attempt(what, action) {
  try {
    const result = await action()
    announce(`${what}: done`)
    return result
  } catch (err) {
    announce(`${what} failed: ${err.message}`, 'error')
    return undefined
  }
}

/** A <dl> of label → value pairs. */
export function factList(facts) {
  const entries = Object.entries(facts ?? {})
  if (entries.length === 0) return null
  return h(
    'dl',
    { class: 'facts' },
    entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
  )
}

/** A collapsible pretty-printed JSON body. */
export function jsonBlock(label, json, open = false) {
  return h(
    'details',
    { class: 'body', open },
    h('summary', {}, label),
    h('pre', { tabindex: '0' }, h('code', {}, JSON.stringify(json, null, 2))),
  )
}

export const OUTCOME_LABELS = {
  allowed: 'Allowed',
  forbidden: 'Forbidden',
  unauthorized: 'Unauthorized',
  error: 'Error',
  pending: 'Pending',
  info: 'Change',
}

/** A status badge with text (never colour alone). */
export const badge = (outcome, text) =>
  h('span', { class: `badge badge-${outcome}` }, text ?? OUTCOME_LABELS[outcome] ?? outcome)

/** A labelled form control: h-compatible wrapper. */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`
  control.id = id
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id)
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl)
}

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
