/**
 * Steps 1–2: device-code sign-ins (issued → approved/declined → token or error) and other token
 * grants, from the Entra events.
 */
import type { SimEvent } from '../../kernel/events.js'
import { clockTime, duration, facts, ms, num, str } from './event-data.js'
import type { Flow, FlowStep } from './types.js'

export type FlowDraft = Omit<Flow, 'seq'>

const replaceStep = (flow: FlowDraft, step: FlowStep): FlowStep[] =>
  [...flow.steps.filter((s) => s.n !== step.n), step].sort((a, b) => a.n - b.n)

export function signInStarted(id: string, e: SimEvent): FlowDraft {
  const code = str(e.data.userCode) ?? '?'
  const client = str(e.data.client) ?? str(e.data.clientId) ?? 'a client'
  return {
    id,
    kind: 'sign-in',
    startedAt: e.time,
    endedAt: e.time,
    title: `Device code sign-in — ${client} (code ${code})`,
    outcome: 'pending',
    decision: 'waiting for the user',
    steps: [
      {
        n: 1,
        state: 'pending',
        summary: `code ${code} issued; waiting for someone to enter it on the device login page`,
        facts: facts({ client, 'client id': str(e.data.clientId), resource: str(e.data.aud) }),
      },
      { n: 2, state: 'pending', summary: 'the client polls the token endpoint until the user answers' },
    ],
    eventIds: [e.id],
  }
}

export function signInDecided(flow: FlowDraft, e: SimEvent, approved: boolean, polls?: number): FlowDraft {
  const user = str(e.data.user) ?? '?'
  const disabled = e.data.accountEnabled === false
  const step1: FlowStep = {
    n: 1,
    state: approved ? 'ok' : 'failed',
    summary: approved
      ? `approved by ${user}${disabled ? ' — a disabled account: the token endpoint will refuse it (AADSTS50057)' : ''}`
      : `declined by ${user}`,
    facts: { ...flow.steps.find((s) => s.n === 1)?.facts, ...facts({ user, 'polls so far': polls }) },
  }
  const next: FlowDraft = {
    ...flow,
    user,
    endedAt: e.time,
    steps: replaceStep(flow, step1),
    eventIds: [...flow.eventIds, e.id],
  }
  if (approved) return { ...next, decision: 'approved, waiting for the token request' }
  return {
    ...next,
    outcome: 'unauthorized',
    decision: 'declined',
    reason: 'authorization_declined: the user declined the sign-in on the device login page',
    steps: replaceStep(next, {
      n: 2,
      state: 'failed',
      summary: 'the next poll gets authorization_declined (AADSTS65004); the client stops with an error',
    }),
  }
}

export function tokenIssuedStep(e: SimEvent, polls?: number): FlowStep {
  const groups = e.data.groups
  return {
    n: 2,
    state: 'ok',
    summary: `${str(e.data.grant) ?? 'token'} grant: v${str(e.data.ver) ?? '?'} access token for ${str(e.data.aud) ?? '?'} issued to ${str(e.data.user) ?? str(e.data.client) ?? '?'}`,
    facts: facts({
      grant: str(e.data.grant),
      client: str(e.data.client),
      aud: str(e.data.aud),
      ver: str(e.data.ver),
      'signing key (kid)': str(e.data.kid),
      groups: groups === 'overage' ? 'overage claim (more than 200 groups)' : num(groups),
      oid: str(e.data.oid),
      polls,
    }),
  }
}

export function signInCompleted(flow: FlowDraft, e: SimEvent, polls?: number): FlowDraft {
  return {
    ...flow,
    endedAt: e.time,
    outcome: 'allowed',
    decision: 'signed in',
    reason: `token issued to ${str(e.data.user) ?? '?'}`,
    steps: replaceStep(flow, tokenIssuedStep(e, polls)),
    eventIds: [...flow.eventIds, e.id],
  }
}

export function signInFailed(flow: FlowDraft, e: SimEvent): FlowDraft {
  const reason = str(e.data.reason) ?? `HTTP ${num(e.data.status) ?? '?'}`
  return {
    ...flow,
    endedAt: e.time,
    outcome: 'unauthorized',
    decision: 'token request refused',
    reason,
    steps: replaceStep(flow, {
      n: 2,
      state: 'failed',
      summary: `the token endpoint refused: ${reason}`,
      ...(duration(e.data.durationMs) !== undefined && { durationMs: duration(e.data.durationMs) }),
      facts: facts({
        'HTTP status': num(e.data.status),
        request: `${str(e.data.method)} ${str(e.data.path)}`,
      }),
    }),
    eventIds: [...flow.eventIds, e.id],
  }
}

/**
 * A code nobody used before it expired (simulator clock): the client's next poll gets expired_token
 * (AADSTS70020) and the admin list drops it, so the flow stops saying "waiting".
 */
export function signInExpired(flow: FlowDraft, expiredAt: string): FlowDraft {
  const step1 = flow.steps.find((s) => s.n === 1)
  const approved = step1?.state === 'ok'
  const reason = `expired_token: the code expired at ${clockTime(expiredAt)} (simulator clock) ${approved ? 'before the client redeemed it' : 'without anyone entering it'}`
  return {
    ...flow,
    endedAt: expiredAt,
    outcome: 'unauthorized',
    decision: 'expired',
    reason,
    steps: replaceStep(
      approved
        ? flow
        : {
            ...flow,
            steps: replaceStep(flow, {
              n: 1,
              state: 'failed',
              summary: `code expired unused at ${clockTime(expiredAt)} (simulator clock)`,
              ...(step1?.facts && { facts: step1.facts }),
            }),
          },
      {
        n: 2,
        state: 'failed',
        summary: `${reason}; a poll now gets expired_token (AADSTS70020)`,
      },
    ),
  }
}

/**
 * A token issued outside a sign-in the view followed (a refresh, client credentials, …): its header,
 * without `steps` and `eventIds`. The tracker adds the steps as a builder run when they are first read
 * (`tokenFlowSteps`), then the event ids, so the keys keep the order of every flow's JSON: a test
 * suite's thousands of token requests with no browser open build no steps.
 */
export function tokenFlowHeader(id: string, e: SimEvent): Omit<FlowDraft, 'steps' | 'eventIds'> {
  const who = str(e.data.user) ?? str(e.data.client) ?? '?'
  const header = {
    id,
    kind: 'sign-in',
    startedAt: e.time,
    endedAt: e.time,
    title: `Token issued — ${str(e.data.grant) ?? 'grant'} for ${who}`,
  } as Omit<FlowDraft, 'steps' | 'eventIds'>
  const user = str(e.data.user)
  if (user) header.user = user
  header.outcome = 'allowed'
  header.decision = 'token issued'
  return header
}

export const tokenFlowSteps = (e: SimEvent): FlowStep[] => [tokenIssuedStep(e)]

/** An Entra request refused outside any sign-in the view knows about. */
export function refusedTokenFlow(id: string, e: SimEvent): FlowDraft {
  const reason = str(e.data.reason) ?? `HTTP ${num(e.data.status) ?? '?'}`
  return {
    id,
    kind: 'sign-in',
    startedAt: e.time,
    endedAt: e.time,
    title: `Entra ID refused ${str(e.data.method) ?? ''} ${str(e.data.path) ?? ''}`,
    outcome: 'unauthorized',
    decision: 'refused',
    reason,
    status: num(e.data.status) ?? 0,
    steps: [
      {
        n: 2,
        state: 'failed',
        summary: `${reason} (${ms(duration(e.data.durationMs)) ?? '?'})`,
        facts: facts({ 'HTTP status': num(e.data.status), trace: str(e.data.traceId) }),
      },
    ],
    eventIds: [e.id],
  }
}
