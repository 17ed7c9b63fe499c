/**
 * A flow's steps are what only a reader of the flow needs (the UI's detail view, the stream), while
 * a flow is made for every event — every TokenReview of a test suite, with no browser open. So the
 * tracker can give a flow's steps as a builder, run when the steps are first read: `steps` is then
 * an enumerable getter (JSON, spreads and `toEqual` see an ordinary array) that builds them once and
 * keeps them. The builders only read what they were given (callers pass copies of what they change).
 */
import type { FlowStep } from './types.js'

/** Objects whose `steps` is a getter from here. */
const lazy = new WeakSet<object>()
/** Of those, the ones not yet stored: nobody else holds them, so the store may take them as they are. */
const fresh = new WeakSet<object>()

/**
 * `target` (changed in place) with a `steps` property built by `build` on first read. A `steps` the
 * target has already (a placeholder) is replaced where it is, keeping the order of the keys.
 */
export function withLazySteps<T extends object>(
  target: T,
  build: () => FlowStep[],
): T & { steps: FlowStep[] } {
  let steps: FlowStep[] | undefined
  Object.defineProperty(target, 'steps', {
    enumerable: true,
    configurable: true,
    get: () => (steps ??= build()),
    // Copies share this getter: an assignment makes `steps` a plain value of that one object.
    set(this: object, value: FlowStep[]) {
      Object.defineProperty(this, 'steps', { value, writable: true, enumerable: true, configurable: true })
    },
  })
  lazy.add(target)
  fresh.add(target)
  return target as T & { steps: FlowStep[] }
}

/**
 * `{ ...input, seq }` without building lazy steps: a lazy flow not stored before is taken as it is,
 * one stored before is copied property by property (its getter with it), anything else is spread.
 */
export function withSeq<T extends object>(input: T, seq: number): T & { seq: number } {
  if (fresh.delete(input)) return Object.assign(input, { seq })
  if (!lazy.has(input)) return { ...input, seq }
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(input)) as T & { seq: number }
  lazy.add(copy)
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
