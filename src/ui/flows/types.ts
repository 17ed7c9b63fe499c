/**
 * What the flow view draws: one "flow" per thing that happened (a kubectl request, a sign-in, a
 * TokenReview or SubjectAccessReview posted straight to the webhook, a host action), each laid out
 * on the 11 numbered steps of the AKS sign-in diagram (learn.microsoft.com/azure/aks/concepts-identity).
 */

export type FlowKind =
  | 'kubectl'
  | 'sign-in'
  | 'token-review'
  | 'access-review'
  | 'control'
  // Their own pictures and step numbers: src/ui/flows/pod-flows.ts, registry-flows.ts.
  | 'workload-identity'
  | 'managed-identity'
  | 'registry-pull'

/** The filterable outcome; `decision` on the flow says it in the component's own words. */
export type FlowOutcome = 'allowed' | 'forbidden' | 'unauthorized' | 'error' | 'pending' | 'info'

/**
 * What happened at a step. Every flow carries all 11 steps (complete.ts fills the ones no event told
 * about), so a step that did not happen says why, in its state and its `reason`:
 * - `ok`: done; `failed`: done and refused or broken (the first failed step decides the flow);
 * - `cached`: answered from a cache instead of being done again (`refFlowId`: the request that did it);
 * - `pending`: not yet (a sign-in waiting for the user);
 * - `not-reached`: never happened because an earlier step failed or the flow stopped before it;
 * - `not-needed`: this path does not need the step (groups were in the token: no Graph call; a client
 *   certificate: no webhook; a host action that touches one step only);
 * - `elsewhere`: happens in another flow (a sign-in ends at step 2; a TokenReview posted straight to
 *   the webhook has no kubectl request around it); `refFlowId` names that flow when it is known;
 * - `unobserved`: it must have happened, but this simulator run saw no event of it (a token from
 *   kubelogin's cache);
 * - `skipped`: older name for "did not take part"; kept for other renderers, no longer produced.
 */
export type StepState =
  | 'ok'
  | 'failed'
  | 'cached'
  | 'skipped'
  | 'pending'
  | 'unobserved'
  | 'not-reached'
  | 'not-needed'
  | 'elsewhere'

export interface StepBody {
  label: string
  json: unknown
}

export interface FlowStep {
  /** 1–11: the step of the diagram. */
  n: number
  state: StepState
  /** One line: what happened at this step for this request. */
  summary: string
  durationMs?: number
  /** Label → value pairs shown under the step. */
  facts?: Record<string, string | number | boolean>
  bodies?: StepBody[]
  /** Why the step is in this state, for the states that did not do the step (not-reached, cached, …). */
  reason?: string
  /** The flow that did this step instead (the request whose TokenReview filled the cache). */
  refFlowId?: string
  /** That flow's title, for the link. */
  refTitle?: string
}

export interface Flow {
  id: string
  /** Sequence number of the flow's latest change (the SSE event id). */
  seq: number
  kind: FlowKind
  /** ISO times from the simulator clock. */
  startedAt: string
  endedAt: string
  title: string
  user?: string
  /**
   * False when `user` is only who the token claimed to be: its signature (or another check before the
   * claims could be trusted) failed. The user filter still finds the flow; the UI marks it unverified.
   */
  userVerified?: boolean
  namespace?: string
  outcome: FlowOutcome
  /** `Allow`, `Forbidden`, `NoOpinion`, `authenticated`, … */
  decision: string
  /** The one reason that decided the outcome (the text a user needs). */
  reason?: string
  /** HTTP status of the request, when there was one. */
  status?: number
  durationMs?: number
  /** The badge text when the outcome's own word misleads (an ARM credential read is "Read", not "Change"). */
  badge?: string
  /** All 11 steps in order (complete.ts), each with an explicit state. */
  steps: FlowStep[]
  /** Ids of the simulator events this flow was built from. */
  eventIds: number[]
  /** Other flows this one refers to (the sign-in that issued the token). */
  related?: { id: string; title: string }[]
}

/** The diagram's steps (AKS docs, concepts-identity "Webhook and API server"), in the simulator's words. */
export const FLOW_STEPS: readonly { n: number; title: string; actor: string }[] = [
  { n: 1, title: 'Sign in with the device code', actor: 'kubectl (kubelogin) → Entra ID' },
  { n: 2, title: 'Entra ID issues the tokens', actor: 'Entra ID → kubelogin' },
  { n: 3, title: 'kubectl gets the access token', actor: 'kubeconfig exec plugin → kubectl' },
  { n: 4, title: 'kubectl sends the token to the API server', actor: 'kubectl → API server' },
  { n: 5, title: 'API server asks the webhook (TokenReview)', actor: 'API server → webhook' },
  { n: 6, title: "Webhook checks the signature with Entra ID's keys", actor: 'webhook → Entra ID' },
  { n: 7, title: 'Group membership: token claim or Microsoft Graph', actor: 'webhook → Graph' },
  { n: 8, title: 'Webhook answers with the user and groups', actor: 'webhook → API server' },
  { n: 9, title: 'Authorization: Kubernetes RBAC, Azure RBAC', actor: 'API server → RBAC / webhook (SAR)' },
  { n: 10, title: 'API server answers kubectl', actor: 'API server → kubectl' },
  { n: 11, title: 'kubectl shows the result', actor: 'kubectl → you' },
]
