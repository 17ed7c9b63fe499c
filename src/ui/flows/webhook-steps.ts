/**
 * Steps 5–8 from the webhook's `token_review.completed` event (plus the Entra key and Graph requests
 * the webhook made meanwhile), and the Azure RBAC half of step 9 from `subject_access_review.completed`.
 */
import type { SimEvent } from '../../kernel/events.js'
import { arr, duration, facts, ms, num, rec, str, strings, type Data } from './event-data.js'
import type { FlowStep, StepBody } from './types.js'

/** A failed review's reason, mapped to the step that failed. */
function failedStep(reason: string): 6 | 7 | 8 {
  if (reason.startsWith('graph') || reason === 'spn_overage') return 7
  if (['user_disabled', 'user_deleted', 'audience_mismatch', 'bad_claims'].includes(reason)) return 8
  return 6
}

const isKeyFetch = (e: SimEvent) => {
  const path = str(e.data.path) ?? ''
  return e.service === 'entra' && (path.includes('/discovery/') || path.includes('openid-configuration'))
}
const isGraphCall = (e: SimEvent) => e.service === 'graph' && e.type === 'request.completed'
const isGraphToken = (e: SimEvent) => e.type === 'token.issued' && str(e.data.grant) === 'client_credentials'

const call = (e: SimEvent) =>
  `${str(e.data.method) ?? ''} ${str(e.data.path) ?? ''} → ${num(e.data.status) ?? '?'}${duration(e.data.durationMs) !== undefined ? ` (${ms(duration(e.data.durationMs))})` : ''}`

/** The TokenReview reply as the webhook sent it, rebuilt from the event (which never holds the token). */
export function tokenReviewBody(d: Data, groups?: string[]): StepBody {
  const given = rec(d.review) ?? rec(d.response)
  if (given) return { label: 'TokenReview response', json: given }
  const authenticated = str(d.outcome) === 'authenticated'
  return {
    label: 'TokenReview response (rebuilt from the webhook event)',
    json: {
      apiVersion: str(d.apiVersion) ?? 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      status: authenticated
        ? {
            authenticated: true,
            user: {
              username: str(d.user),
              groups: groups ?? `${num(d.groups) ?? 0} group object ids`,
              extra: { oid: [str(d.oid)] },
            },
          }
        : { user: {}, error: str(d.error) },
    },
  }
}

/** Steps 5–8 of a TokenReview, with the related requests it made. */
export function tokenReviewSteps(ev: SimEvent, related: SimEvent[], groups?: string[]): FlowStep[] {
  const d = ev.data
  const outcome = str(d.outcome) ?? 'unknown'
  const reason = str(d.reason) ?? ''
  const cached = d.cached === true
  const claims = rec(d.claims) ?? {}
  const exp = num(claims.exp)
  const keyCalls = related.filter(isKeyFetch)
  const graphCalls = related.filter(isGraphCall)
  const graphTokens = related.filter(isGraphToken)
  const failedAt = outcome === 'authenticated' ? 0 : outcome === 'bad_request' ? 5 : failedStep(reason)
  const error = str(d.error)
  const steps: FlowStep[] = [
    {
      n: 5,
      state: failedAt === 5 ? 'failed' : 'ok',
      summary:
        failedAt === 5
          ? `the webhook refused the review itself: ${error ?? reason}`
          : `TokenReview (${str(d.apiVersion) ?? 'authentication.k8s.io/v1'}) received by the webhook`,
      ...(duration(d.durationMs) !== undefined && { durationMs: duration(d.durationMs) }),
      facts: facts({
        'token (sha-256 prefix)': str(d.token),
        'webhook review cache': cached ? 'hit' : 'miss',
        'HTTP status': num(d.status),
      }),
    },
  ]
  if (failedAt === 5) return steps
  steps.push({
    n: 6,
    state: cached ? 'cached' : failedAt === 6 ? 'failed' : 'ok',
    summary: cached
      ? "answered from the webhook's review cache: the token was verified earlier"
      : failedAt === 6
        ? (error ?? reason)
        : `signature (RS256), issuer and expiry verified${keyCalls.length ? ` — keys fetched from Entra ID` : ' with cached Entra ID keys'}`,
    facts: facts({
      aud: str(claims.aud),
      iss: str(claims.iss),
      ver: str(claims.ver),
      exp: exp === undefined ? undefined : new Date(exp * 1000).toISOString(),
      idtyp: str(claims.idtyp),
      ...Object.fromEntries(keyCalls.map((e, i) => [`Entra call ${i + 1}`, call(e)])),
    }),
  })
  if (failedAt === 6) return steps
  const source = str(d.groupsSource)
  const groupCount = num(d.groups)
  steps.push({
    n: 7,
    state: failedAt === 7 ? 'failed' : source === 'graph' ? 'ok' : cached ? 'cached' : 'not-needed',
    ...(failedAt !== 7 &&
      source !== 'graph' &&
      !cached && {
        reason:
          source === 'claim'
            ? 'not needed: the groups were in the token (groups claim), so the webhook did not ask Graph'
            : 'not needed: the token has no groups and no overage claim',
      }),
    summary:
      failedAt === 7
        ? (error ?? reason)
        : source === 'graph'
          ? `groups overage claim: Microsoft Graph getMemberGroups returned ${groupCount ?? '?'} groups`
          : source === 'claim'
            ? `${groupCount ?? '?'} groups from the token's groups claim — no Graph call`
            : cached
              ? 'groups from the cached review'
              : 'the token has no groups',
    ...(graphCalls[0] && { durationMs: duration(graphCalls[0].data.durationMs) }),
    facts: facts({
      'groups source': source,
      ...Object.fromEntries(graphCalls.map((e, i) => [`Graph call ${i + 1}`, call(e)])),
      ...Object.fromEntries(
        graphTokens.map((e, i) => [
          `Graph token ${i + 1}`,
          `client credentials for ${str(e.data.client) ?? '?'}`,
        ]),
      ),
    }),
  })
  if (failedAt === 7) return steps
  steps.push({
    n: 8,
    state: failedAt === 8 ? 'failed' : 'ok',
    summary:
      failedAt === 8
        ? (error ?? reason)
        : `authenticated as ${str(d.user) ?? '?'} with ${groupCount ?? '?'} groups and extra.oid`,
    facts: facts({ username: str(d.user), 'extra.oid': str(d.oid), reason: reason || undefined }),
    bodies: [tokenReviewBody(d, groups)],
  })
  return steps
}

/** Which of the flow outcomes a TokenReview event means. */
export function tokenReviewOutcome(d: Data): 'allowed' | 'unauthorized' | 'error' {
  const o = str(d.outcome)
  return o === 'authenticated' ? 'allowed' : o === 'rejected' ? 'unauthorized' : 'error'
}

/** The assignment that granted, or a line per assignment considered. */
function explanationFacts(explanation: Data | undefined): Record<string, string | number | boolean> {
  if (!explanation) return {}
  const decisions = arr(explanation.decisions)
    .map(rec)
    .filter((x): x is Data => x !== undefined)
  const verdicts = decisions.flatMap((dec) => arr(dec.verdicts).map(rec))
  return facts({
    'guard step': str(explanation.step),
    'data action': str(explanation.dataAction),
    scope: str(explanation.scope),
    'groups sent': strings(explanation.groupsSent).length || undefined,
    'groups dropped (not GUIDs)': strings(explanation.groupsDropped).join(', ') || undefined,
    ...Object.fromEntries(
      verdicts
        .filter((v): v is Data => v !== undefined)
        .slice(0, 12)
        .map((v, i) => [
          `assignment ${i + 1}`,
          `${str(v.roleName) ?? '?'} (${str(v.via) ?? '?'}): ${str(v.outcome) ?? '?'} — ${str(v.detail) ?? ''}`,
        ]),
    ),
  })
}

export function sarDecision(d: Data): {
  outcome: 'allowed' | 'forbidden' | 'info' | 'error'
  decision: string
} {
  const o = str(d.outcome)
  if (o === 'allowed') return { outcome: 'allowed', decision: 'Allow' }
  if (o === 'denied') return { outcome: 'forbidden', decision: 'Deny' }
  if (o === 'no_opinion') return { outcome: 'info', decision: 'NoOpinion' }
  return { outcome: 'error', decision: o ?? 'error' }
}

/** The Azure RBAC webhook's part of step 9. */
export function accessReviewStep(ev: SimEvent, specGuess?: Data): FlowStep {
  const d = ev.data
  const explanation = rec(d.explanation)
  const { decision } = sarDecision(d)
  const given = rec(d.spec) ?? rec(d.review)
  const spec = given ?? specGuess ?? { user: str(d.user), resourceAttributes: rec(d.attributes) }
  const status = {
    allowed: decision === 'Allow',
    ...(decision === 'Deny' && { denied: true }),
    ...(str(d.reason) && { reason: str(d.reason) }),
  }
  return {
    n: 9,
    state: decision === 'Allow' ? 'ok' : decision === 'Deny' ? 'failed' : 'skipped',
    summary: `Azure RBAC webhook: ${decision}${str(d.reason) ? ` — ${str(d.reason)}` : ''}`,
    facts: facts({
      explanation: str(explanation?.summary),
      ...explanationFacts(explanation),
      'HTTP status': num(d.status),
    }),
    bodies: [
      {
        label: given
          ? 'SubjectAccessReview spec'
          : specGuess
            ? 'SubjectAccessReview spec (as the API server builds it from the request)'
            : 'SubjectAccessReview spec (from the webhook event)',
        json: spec,
      },
      { label: 'SubjectAccessReview status (the webhook answer)', json: status },
    ],
  }
}
