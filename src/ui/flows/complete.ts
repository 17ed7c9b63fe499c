/**
 * Every flow shows all 11 steps: the builders (kubectl-steps, webhook-steps, sign-in, control-flows)
 * say what they saw, and this fills each step they did not mention with an explicit state and the
 * reason it did not happen — "not reached: step 7 failed", "a sign-in ends at step 2", … — so the
 * list (and the diagram) never has a silent gap.
 */
import type { FlowDraft } from './sign-in.js'
import { FLOW_STEPS, type FlowKind, type FlowStep } from './types.js'

const ALL = FLOW_STEPS.map((s) => s.n)
const AKS_KINDS: ReadonlySet<FlowKind> = new Set([
  'kubectl',
  'sign-in',
  'token-review',
  'access-review',
  'control',
])
/**
 * Marks the steps this file made up. A flow updated later (a sign-in approved, a Graph call joining
 * its review) is rebuilt from its stored steps: these are dropped and filled again, never kept stale.
 * A non-enumerable symbol property rather than a WeakSet: JSON and `toEqual` do not see it, and a
 * weak collection gaining ten entries per flow is walked by every young-generation GC.
 */
const MADE_UP = Symbol('made-up step')
const isMadeUp = (s: FlowStep) => (s as { [MADE_UP]?: true })[MADE_UP] === true

/** The last failed step before `n`, which is why `n` never happened. */
const failedBefore = (steps: FlowStep[], n: number): FlowStep | undefined =>
  steps.filter((s) => s.state === 'failed' && s.n < n).at(-1)

function step(n: number, state: FlowStep['state'], reason: string): FlowStep {
  const made: FlowStep = { n, state, summary: reason, reason }
  return Object.defineProperty(made, MADE_UP, { value: true })
}

const notReached = (failed: FlowStep, n: number): FlowStep =>
  step(n, 'not-reached', `not reached: step ${failed.n} failed — ${failed.summary}`)

function signInStep(flow: FlowDraft, n: number): FlowStep {
  if (n === 1) {
    const grant = flow.steps.find((s) => s.n === 2)?.facts?.grant
    return grant && grant !== 'device_code'
      ? step(1, 'not-needed', `the ${String(grant)} grant has no interactive device-code sign-in`)
      : step(1, 'unobserved', 'no device-code sign-in was seen for this token request')
  }
  if (flow.outcome === 'pending')
    return step(n, 'not-reached', 'not reached yet: the sign-in is waiting (steps 1–2)')
  if (n === 2) return step(2, 'not-reached', 'no token was issued')
  return step(
    n,
    'elsewhere',
    'a sign-in ends when Entra ID issues the token (step 2); each kubectl request that uses it is a flow of its own',
  )
}

/** `earlier`: the steps before `n`, as completed so far. */
function fill(flow: FlowDraft, n: number, earlier: FlowStep[]): FlowStep {
  const failed = failedBefore(earlier, n)
  if (failed && flow.kind !== 'control') return notReached(failed, n)
  switch (flow.kind) {
    case 'sign-in':
      return signInStep(flow, n)
    case 'token-review':
      return n < 5
        ? step(
            n,
            'elsewhere',
            'the TokenReview was posted straight to the webhook: no sign-in or kubectl request is part of this flow',
          )
        : step(
            n,
            'elsewhere',
            'a TokenReview answers authentication only: authorization (step 9) is a SubjectAccessReview of its own',
          )
    case 'access-review':
      return step(
        n,
        'elsewhere',
        n < 9
          ? 'the SubjectAccessReview was posted straight to the webhook: whoever sent it authenticated the user'
          : 'the webhook answered the SubjectAccessReview; no kubectl request is part of this flow',
      )
    case 'control': {
      const touched = flow.steps.map((s) => s.n)
      return step(
        n,
        'not-needed',
        touched.length > 0
          ? `a host action or change: it affects step ${touched.join(', ')} only`
          : `${flow.title.split(':')[0] ?? 'this service'}: a request outside the AKS sign-in steps`,
      )
    }
    default:
      return step(n, 'unobserved', 'no event of this step was seen')
  }
}

export function completeSteps(input: FlowDraft): FlowDraft {
  // Pod-identity and registry-pull flows number their own steps (pod-flows.ts, registry-flows.ts).
  if (!AKS_KINDS.has(input.kind)) return input
  const flow = { ...input, steps: input.steps.filter((s) => !isMadeUp(s)) }
  const known = new Map(flow.steps.map((s) => [s.n, s]))
  const steps: FlowStep[] = []
  for (const n of ALL) {
    const seen = known.get(n)
    steps.push(seen ?? fill(flow, n, steps))
  }
  // Steps outside 1–11 (none today) are kept at the end rather than dropped.
  for (const s of flow.steps) if (!ALL.includes(s.n)) steps.push(s)
  return { ...flow, steps }
}
