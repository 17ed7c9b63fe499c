/**
 * A flow's steps are what only a reader of the flow needs (the UI's detail view, the stream), while
 * a flow is made for every event — every TokenReview of a test suite, with no browser open. So the
 * tracker can give a flow's steps as a builder, run when the steps are first read: `steps` is then
 * an enumerable getter (JSON, spreads and `toEqual` see an ordinary array) that builds them once and
 * keeps them. The builders only read what they were given (callers pass copies of what they change).
 *
 * The builder and whether the object is stored yet live in one non-enumerable symbol property of
 * the flow, not in WeakSets: a weak collection that gains an entry per TokenReview is walked by every
 * young-generation GC, which made the UI the largest cost of an uncached review (docs/benchmarks.md).
 */
import type { FlowStep } from './types.js'

/** The builder, and the steps once built; shared by a flow and its copies (withSeq). */
const STATE = Symbol('lazy steps')

interface LazyState {
  build: () => FlowStep[]
  steps?: FlowStep[]
  /**
   * True until the flow is first stored: nobody else holds it, so the store may take it as it is.
   * Kept here rather than in a property of its own (one `defineProperty` less per flow): copies are
   * only ever made of stored flows, so a state shared with a copy is never fresh again.
   */
  fresh: boolean
}
type Lazy = { [STATE]?: LazyState }

const accessor: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Lazy) {
    const state = this[STATE]!
    return (state.steps ??= state.build())
  },
  // Copies share this getter: an assignment makes `steps` a plain value of that one object.
  set(this: object, value: FlowStep[]) {
    Object.defineProperty(this, 'steps', { value, writable: true, enumerable: true, configurable: true })
  },
}

/**
 * A flow with a `steps` property built by `build` on first read. A `target` without `steps` gets it
 * added, in place, as its last key so far (the caller adds any later keys). A `target` with a
 * `steps` placeholder is copied, the getter taking the placeholder's place among the keys: redefining
 * a property in the middle of an object would turn it into a slow dictionary-mode object.
 */
export function withLazySteps<T extends object>(
  target: T,
  build: () => FlowStep[],
): T & { steps: FlowStep[] } {
  let flow: T
  if (!Object.hasOwn(target, 'steps')) {
    Object.defineProperty(target, 'steps', accessor)
    flow = target
  } else {
    const copy: Record<string, unknown> = {}
    for (const key of Object.keys(target)) {
      if (key === 'steps') Object.defineProperty(copy, 'steps', accessor)
      else copy[key] = target[key as keyof T]
    }
    flow = copy as T
  }
  const state: LazyState = { build, steps: undefined, fresh: true }
  Object.defineProperty(flow, STATE, { value: state })
  return flow as T & { steps: FlowStep[] }
}

/**
 * `{ ...input, seq }` without building lazy steps: a lazy flow not stored before is taken as it is,
 * one stored before is copied property by property (its getter with it), anything else is spread.
 */
export function withSeq<T extends object>(input: T, seq: number): T & { seq: number } {
  const state = (input as T & Lazy)[STATE]
  if (state === undefined) return { ...input, seq }
  if (state.fresh) {
    state.fresh = false
    const flow = input as T & { seq: number }
    flow.seq = seq
    return flow
  }
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(input)) as T & { seq: number }
  copy.seq = seq
  return copy
}

/**
 * `flow` with its `steps` not built: an empty placeholder in their place among the keys, which
 * `withLazySteps` then fills in place (so the flow's JSON keeps its key order).
 */
export function headerOf<T extends { steps: FlowStep[] }>(flow: T): T {
  const header: Record<string, unknown> = {}
  for (const key of Object.keys(flow)) header[key] = key === 'steps' ? [] : flow[key as keyof T]
  return header as T
}
