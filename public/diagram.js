// The picture of a flow: an SVG of the components as boxes and the steps as numbered arrows (the AKS
// sign-in, the pod identities, the registry pull). The selected flow lights up the steps it took, each
// in its state with a glyph, a line pattern and a colour (never colour alone); a step's reason shows on
// hover, on focus and on click (Enter or Space on a focused arrow). A step the flow has not got is
// drawn "not reached". As flows arrive, the steps that changed light up in the flow's order (a stream of
// alike requests does not flicker), unless the reader prefers less motion.
import { badge, clear, h } from './dom.js'
import { pictureFor } from './diagram-pictures.js'

/** @typedef {import('./types.js').Flow} Flow */
/** @typedef {import('./types.js').FlowStep} FlowStep */
/** @typedef {import('./types.js').StepMeta} StepMeta */

/**
 * @typedef {object} PictureNode
 * @property {string} id
 * @property {string} label
 * @property {string} [sub]
 * @property {number} x
 * @property {number} y
 * @property {number} w
 * @property {number} h
 */
/**
 * @typedef {object} PictureArrow
 * @property {number} n the step number
 * @property {string} d the SVG path, drawn from the step's sender to its receiver
 * @property {[number, number]} at where the numbered circle sits (on the path)
 * @property {string} caption a word or two next to the number
 * @property {[number, number]} captionAt
 */
/**
 * @typedef {object} Picture
 * @property {string} id
 * @property {string} title its name, shown before the flow's title
 * @property {string} description what the picture shows (its accessible name)
 * @property {number} width
 * @property {number} height
 * @property {PictureNode[]} nodes
 * @property {PictureArrow[]} arrows
 * @property {readonly StepMeta[]} [steps] the steps' titles; the AKS picture takes the server's list
 */

const SVG = 'http://www.w3.org/2000/svg'

/** The states a step is drawn in: the flow's own, and `not-reached` for a step the flow has not got. */
const STATES = {
  ok: { label: 'done', glyph: '✓' },
  cached: { label: 'cached', glyph: '↺' },
  failed: { label: 'failed', glyph: '✗' },
  pending: { label: 'waiting', glyph: '…' },
  skipped: { label: 'skipped', glyph: '–' },
  unobserved: { label: 'not seen', glyph: '?' },
  'not-reached': { label: 'not reached', glyph: '' },
}
/** @typedef {keyof typeof STATES} DrawnState */

/**
 * @param {string} state
 * @returns {{ label: string, glyph: string }}
 */
export const stateLook = (state) =>
  Object.hasOwn(STATES, state)
    ? STATES[/** @type {DrawnState} */ (state)]
    : { label: state.replaceAll('-', ' '), glyph: '•' }

/**
 * An SVG element with attributes and children (text children become text nodes).
 * @param {string} tag
 * @param {Record<string, string | number | undefined>} [attrs]
 * @param {(Node | string | null | undefined)[]} children
 * @returns {SVGElement}
 */
function s(tag, attrs = {}, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG, tag))
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v))
  for (const c of children) if (c !== null && c !== undefined) el.append(c)
  return el
}

/**
 * The step's text: its reason when it has one (a newer server sends it), else its summary.
 * @param {FlowStep | undefined} step
 */
function stepText(step) {
  if (!step) return ''
  const extra = /** @type {{ reason?: unknown }} */ (step)
  const reason = typeof extra.reason === 'string' && extra.reason ? extra.reason : ''
  const summary = step.summary ?? ''
  if (reason && summary && reason !== summary) return `${summary} — ${reason}`
  return reason || summary
}

/** @param {number} v */
const formatMs = (v) =>
  v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`

/**
 * The step titles for a flow's picture: the picture's own, or (AKS) the server's list.
 * @param {Flow} flow
 * @param {readonly StepMeta[]} serverSteps
 * @returns {readonly StepMeta[]}
 */
export const stepsOfFlow = (flow, serverSteps) => pictureFor(flow.kind).steps ?? serverSteps

/**
 * @param {{ steps: () => readonly StepMeta[], controls?: HTMLElement }} options the server's AKS step
 *   titles, and controls to put beside the caption
 */
export function createDiagram(options) {
  const caption = h('p', { class: 'diagram-caption', id: 'diagram-caption' }, 'No request selected yet.')
  const detail = h('p', { class: 'diagram-detail', id: 'diagram-detail', 'aria-live': 'polite' })
  const holder = h('div', { class: 'diagram-canvas' })
  const key = h(
    'ul',
    { class: 'diagram-key', 'aria-label': 'How a step is drawn' },
    Object.entries(STATES).map(([state, look]) =>
      h(
        'li',
        { dataset: { state } },
        h('span', { class: 'key-line', 'aria-hidden': 'true' }),
        look.glyph ? h('span', { class: 'key-glyph', 'aria-hidden': 'true' }, look.glyph) : null,
        look.label,
      ),
    ),
  )
  const el = h(
    'figure',
    { class: 'diagram', id: 'flow-diagram', 'aria-labelledby': 'diagram-caption' },
    h('div', { class: 'diagram-head' }, caption, options.controls),
    detail,
    holder,
    key,
  )

  /** @type {Flow | undefined} */
  let flow
  /** @type {number | undefined} */
  let pinned
  /** @type {Map<number, { arrow: SVGElement, text: string, state: string }>} */
  let arrows = new Map()

  /** @param {number | undefined} n */
  function describe(n) {
    const a = n === undefined ? undefined : arrows.get(n)
    detail.textContent = a ? a.text : flow ? 'Point at or select a numbered step to read what happened.' : ''
  }

  /** @param {number} n */
  function togglePin(n) {
    pinned = pinned === n ? undefined : n
    for (const [m, a] of arrows) a.arrow.setAttribute('aria-pressed', String(m === pinned))
    describe(pinned ?? n)
  }

  /**
   * Draws `next` (or nothing); `animate` lights the steps that changed since the last drawing in order.
   * @param {Flow | undefined} next
   * @param {boolean} [animate]
   */
  function show(next, animate = false) {
    if (next?.id !== flow?.id) pinned = undefined
    flow = next
    const active = document.activeElement
    const focused = active && holder.contains(active) ? Number(active.getAttribute('data-step')) : undefined
    const before = new Map([...arrows].map(([n, a]) => [n, a.state]))
    clear(holder)
    arrows = new Map()
    el.dataset.flow = next?.id ?? ''
    if (!next) {
      clear(caption).append('No request selected yet.')
      el.dataset.picture = ''
      describe(undefined)
      return
    }
    const picture = pictureFor(next.kind)
    const metas = picture.steps ?? options.steps()
    el.dataset.picture = picture.id
    caption.title = `${next.title}${next.reason ? ` — ${next.reason}` : ''}`
    clear(caption).append(
      next.title.startsWith(picture.title)
        ? ''
        : h('span', { class: 'diagram-picture' }, `${picture.title}: `),
      badge(next.outcome),
      ' ',
      h('strong', {}, next.title),
      next.user ? h('span', { class: 'flow-user' }, next.user) : '',
      next.reason ? h('span', { class: 'diagram-reason' }, ` — ${next.reason}`) : '',
    )
    const byN = new Map(next.steps.map((st) => [st.n, st]))
    // The steps that changed, in the flow's order: their place is the animation's delay.
    const entering = animate ? next.steps.filter((st) => before.get(st.n) !== st.state).map((st) => st.n) : []
    const svg = s('svg', {
      viewBox: `0 0 ${picture.width} ${picture.height}`,
      role: 'group',
      'aria-label': `${picture.description}: ${next.title}`,
    })
    svg.append(markers(picture.id))
    for (const node of picture.nodes) svg.append(box(node))
    for (const a of picture.arrows) {
      const step = byN.get(a.n)
      const state = step?.state ?? 'not-reached'
      const look = stateLook(state)
      const meta = metas.find((m) => m.n === a.n)
      const what = stepText(step) || (step ? '' : 'this flow did not reach this step')
      const time = step?.durationMs !== undefined ? ` (${formatMs(step.durationMs)})` : ''
      const text = `Step ${a.n}${meta ? `, ${meta.title}` : ''}: ${look.label}${what ? ` — ${what}` : ''}${time}`
      const place = entering.indexOf(a.n)
      const arrow = arrowOf(picture.id, a, state, look, text, place >= 0 ? place : undefined)
      arrow.addEventListener('pointerenter', () => describe(a.n))
      arrow.addEventListener('pointerleave', () => describe(pinned))
      arrow.addEventListener('focus', () => describe(a.n))
      arrow.addEventListener('blur', () => describe(pinned))
      arrow.addEventListener('click', () => togglePin(a.n))
      arrow.addEventListener('keydown', (e) => {
        const k = /** @type {KeyboardEvent} */ (e).key
        if (k !== 'Enter' && k !== ' ') return
        e.preventDefault()
        togglePin(a.n)
      })
      arrows.set(a.n, { arrow, text, state })
      svg.append(arrow)
    }
    holder.append(svg)
    for (const [m, a] of arrows) a.arrow.setAttribute('aria-pressed', String(m === pinned))
    // A redrawing (the flow changed, or a new one came) keeps the keyboard where it was.
    const refocus = focused === undefined ? undefined : arrows.get(focused)?.arrow
    if (refocus) refocus.focus({ preventScroll: true })
    describe(refocus ? focused : pinned)
  }

  return {
    el,
    show,
    /** @returns {string | undefined} the flow shown */
    shown: () => flow?.id,
  }
}

/** @param {PictureNode} node */
function box(node) {
  const cx = node.x + node.w / 2
  const lines = node.sub ? [node.y + node.h / 2 - 4, node.y + node.h / 2 + 24] : [node.y + node.h / 2 + 8]
  return s(
    'g',
    { class: 'node', 'data-node': node.id },
    s('rect', { x: node.x, y: node.y, width: node.w, height: node.h, rx: 12 }),
    s('text', { x: cx, y: lines[0], class: 'node-label', 'text-anchor': 'middle' }, node.label),
    node.sub ? s('text', { x: cx, y: lines[1], class: 'node-sub', 'text-anchor': 'middle' }, node.sub) : null,
  )
}

/** One arrowhead per state, coloured by the stylesheet. @param {string} pictureId */
function markers(pictureId) {
  return s(
    'defs',
    {},
    ...Object.keys(STATES).map((state) =>
      s(
        'marker',
        {
          id: `${pictureId}-head-${state}`,
          class: `head head-${state}`,
          viewBox: '0 0 10 10',
          refX: 8,
          refY: 5,
          markerWidth: 3.5,
          markerHeight: 3.5,
          orient: 'auto-start-reverse',
          markerUnits: 'strokeWidth',
        },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z' }),
      ),
    ),
  )
}

/**
 * @param {string} pictureId
 * @param {PictureArrow} a
 * @param {string} state
 * @param {{ label: string, glyph: string }} look
 * @param {string} text
 * @param {number | undefined} order its place among the steps that just changed (animation delay)
 */
function arrowOf(pictureId, a, state, look, text, order) {
  const head = Object.hasOwn(STATES, state) ? state : 'unobserved'
  const [x, y] = a.at
  const reached = state !== 'not-reached'
  const g = s(
    'g',
    {
      class: `arrow${reached ? ' lit' : ''}${order === undefined ? '' : ' enter'}`,
      'data-step': a.n,
      'data-state': state,
      tabindex: 0,
      role: 'button',
      // A short name (the step and its state); the whole text is the description (the <title>), and
      // is read out from the live region below the caption when the arrow gets focus.
      'aria-label': `Step ${a.n}: ${look.label}`,
      style: order === undefined ? undefined : `--order: ${order}`,
    },
    s('title', {}, text),
    s('path', { d: a.d, class: 'hit' }),
    s('path', { d: a.d, class: 'line', 'marker-end': `url(#${pictureId}-head-${head})` }),
    s('circle', { cx: x, cy: y, r: 17, class: 'num' }),
    s('text', { x, y: y + 6, class: 'num-text', 'text-anchor': 'middle' }, String(a.n)),
    look.glyph && reached
      ? s(
          'g',
          { class: 'glyph' },
          s('circle', { cx: x + 30, cy: y, r: 12 }),
          s('text', { x: x + 30, y: y + 6, 'text-anchor': 'middle' }, look.glyph),
        )
      : null,
    s(
      'text',
      { x: a.captionAt[0], y: a.captionAt[1] + 5, class: 'caption', 'text-anchor': 'middle' },
      a.caption,
    ),
  )
  return g
}
