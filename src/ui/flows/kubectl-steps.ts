/**
 * A kubectl request end to end: the API server's `request.completed` event (with its authentication
 * and authorization trace) joined with the webhook's TokenReview and SubjectAccessReview events of
 * the same request and the sign-in that issued the token — each piece optional.
 */
import { forbidden } from '../../apiserver/index.js'
import type { SimEvent } from '../../kernel/events.js'
import { arr, duration, facts, iso, ms, num, rec, str, strings, type Data } from './event-data.js'
import type { FlowDraft } from './sign-in.js'
import type { FlowOutcome, FlowStep } from './types.js'
import { accessReviewStep, tokenReviewSteps } from './webhook-steps.js'

export interface KubectlParts {
  tokenReview?: { event: SimEvent; related: SimEvent[] }
  accessReview?: SimEvent
  signIn?: { id: string; title: string; at: string }
  /** The user's object id, when an earlier TokenReview told it (the API server's event has no extra). */
  oid?: string
}

const STATUS_REASONS: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
}

/** What a request looks like to the person who typed it: `list pods -n prod`. */
export function requestTitle(d: Data): string {
  const resource = str(d.resource)
  if (!resource) return `${str(d.method) ?? 'GET'} ${str(d.path) ?? '/'}`
  const name = str(d.name)
  const ns = str(d.namespace)
  return `${str(d.verb) ?? '?'} ${resource}${name ? `/${name}` : ''}${ns ? ` -n ${ns}` : ''}`
}

function splitResource(d: Data): { resource: string; subresource: string } {
  const [resource = '', subresource = ''] = (str(d.resource) ?? '').split('/')
  return { resource, subresource }
}

/** What kubectl prints for this answer (the Forbidden text of apiserver responsewriters/errors.go). */
export function kubectlMessage(d: Data): string {
  const status = num(d.status) ?? 0
  if (status === 401)
    // kubectl 1.26+ reports a 401 met while discovering the API with client-go's default text.
    return /^\/(api|apis|openapi)(\/|$)/.test(str(d.path) ?? '') && !str(d.resource)
      ? 'error: You must be logged in to the server (the server has asked for the client to provide credentials)'
      : 'error: You must be logged in to the server (Unauthorized)'
  if (status === 403) {
    const authz = rec(d.authorization)
    const { resource, subresource } = splitResource(d)
    const err = forbidden(
      {
        user: { username: str(d.user) ?? '', groups: strings(d.groups) },
        verb: str(d.verb) ?? '',
        resourceRequest: resource !== '',
        path: str(d.path) ?? '',
        namespace: str(d.namespace) ?? '',
        apiGroup: str(d.apiGroup) ?? '',
        apiVersion: '',
        resource,
        subresource,
        name: str(d.name) ?? '',
      },
      str(authz?.reason) ?? '',
    )
    return `Error from server (Forbidden): ${err.message}`
  }
  if (status >= 400)
    return `Error from server (${STATUS_REASONS[status] ?? `HTTP ${status}`}): ${str(d.reason) ?? ''}`
  return `success: HTTP ${status}`
}

export function outcomeOf(status: number): FlowOutcome {
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status >= 500) return 'error'
  return 'allowed'
}

type Step = Data & { authenticator?: string; outcome?: string }

function authnSteps(d: Data): Step[] {
  return arr(rec(d.authentication)?.steps)
    .map(rec)
    .filter((s): s is Data => s !== undefined)
}

/** The decisive reason in one line. */
function decisiveReason(d: Data, parts: KubectlParts): string | undefined {
  const status = num(d.status) ?? 0
  if (status === 401) {
    const tr = parts.tokenReview?.event.data
    const failed = authnSteps(d).find((s) => s.outcome !== 'authenticated')
    return (
      str(tr?.error) ??
      str(failed?.error) ??
      str(failed?.reason) ??
      (authnSteps(d).length === 0 ? 'no credentials, and anonymous requests are refused' : str(d.reason))
    )
  }
  const authz = rec(d.authorization)
  if (authz) {
    const reason = str(authz.reason)
    if (status === 403) return reason || 'no authorizer allowed the request (every one had no opinion)'
    if (str(authz.decision) === 'Allow') {
      const by = str(rec(authz.detail)?.decidedBy) ?? str(rec(authz.detail)?.authorizer)
      return reason || (by === 'privileged-group' ? 'member of system:masters' : `allowed by ${by ?? '?'}`)
    }
  }
  return str(d.reason)
}

function authorizationStep(d: Data, parts: KubectlParts): FlowStep {
  const authz = rec(d.authorization)
  if (!authz)
    return {
      n: 9,
      state: num(d.status) === 401 ? 'skipped' : 'unobserved',
      summary: num(d.status) === 401 ? 'not reached: authentication failed' : 'no authorization trace',
    }
  const detail = rec(authz.detail) ?? {}
  const chain = arr(detail.chain)
    .map(rec)
    .filter((c): c is Data => c !== undefined)
  const matched = rec(detail.matched)
  const binding = rec(matched?.binding)
  const decision = str(authz.decision) ?? '?'
  const base: FlowStep = {
    n: 9,
    state: decision === 'Allow' ? 'ok' : 'failed',
    summary: `${decision}${str(detail.decidedBy) ? ` by ${str(detail.decidedBy)}` : ''}${str(authz.reason) ? ` — ${str(authz.reason)}` : ''}`,
    facts: facts({
      ...Object.fromEntries(
        chain.map((c, i) => [
          `authorizer ${i + 1}: ${str(c.authorizer) ?? '?'}`,
          `${str(c.decision) ?? '?'}${str(c.reason) ? ` — ${str(c.reason)}` : ''}`,
        ]),
      ),
      'RBAC binding': binding
        ? `${str(binding.kind)} ${str(binding.namespace) ? `${str(binding.namespace)}/` : ''}${str(binding.name)}`
        : undefined,
      'API server SAR cache': detail.cached === true ? 'hit (no webhook call)' : undefined,
      'webhook time': ms(num(detail.webhookMs)),
      'evaluation error': str(authz.evaluationError),
    }),
  }
  if (!parts.accessReview) return base
  const { resource, subresource } = splitResource(d)
  const specGuess: Data = {
    resourceAttributes: {
      ...(str(d.namespace) && { namespace: str(d.namespace) }),
      verb: str(d.verb),
      ...(str(d.apiGroup) && { group: str(d.apiGroup) }),
      resource,
      ...(subresource && { subresource }),
      ...(str(d.name) && { name: str(d.name) }),
    },
    user: str(d.user),
    groups: strings(d.groups),
    ...((str(parts.tokenReview?.event.data.oid) ?? parts.oid) && {
      extra: { oid: [str(parts.tokenReview?.event.data.oid) ?? parts.oid] },
    }),
  }
  const azure = accessReviewStep(parts.accessReview, specGuess)
  return {
    ...base,
    facts: { ...base.facts, ...azure.facts },
    bodies: azure.bodies ?? [],
  }
}

export function kubectlFlow(id: string, e: SimEvent, parts: KubectlParts): FlowDraft {
  const d = e.data
  const status = num(d.status) ?? 0
  const took = duration(d.durationMs)
  const started = took === undefined ? e.time : iso(Date.parse(e.time) - took, e.time)
  const steps = authnSteps(d)
  const webhookStep = steps.find((s) => s.authenticator === 'webhook')
  const webhookDetail = rec(webhookStep?.detail) ?? {}
  const method = str(rec(d.authentication)?.method)
  const usesToken = webhookStep !== undefined
  const out: FlowStep[] = []

  if (parts.signIn)
    out.push(
      { n: 1, state: 'ok', summary: `signed in earlier (${parts.signIn.title})` },
      { n: 2, state: 'ok', summary: `token issued at ${parts.signIn.at}` },
    )
  else
    out.push({
      n: 1,
      state: usesToken ? 'unobserved' : 'skipped',
      summary: usesToken
        ? 'no sign-in seen by this simulator run for this user: the token came from a cache (kubelogin keeps one) or another run'
        : `no Entra sign-in: the request used ${method ?? 'no'} credentials`,
    })
  out.push({
    n: 3,
    state: 'ok',
    summary: usesToken
      ? 'bearer token from the kubeconfig (on AKS: the exec plugin, kubelogin get-token)'
      : method === 'x509'
        ? 'client certificate from the kubeconfig'
        : method === 'token-file'
          ? "the local account's static token"
          : 'no credentials',
    facts: facts({ 'user agent': str(d.userAgent) }),
  })
  out.push({
    n: 4,
    state: 'ok',
    summary: `${str(d.method) ?? 'GET'} ${str(d.path) ?? '/'}`,
    facts: facts({
      verb: str(d.verb),
      resource: str(d.resource),
      'API group': str(d.apiGroup),
      namespace: str(d.namespace),
      name: str(d.name),
      'audit id': str(d.traceId),
    }),
  })
  if (!usesToken) {
    const first = steps[0]
    out.push({
      n: 5,
      state: 'skipped',
      summary: first
        ? `${str(first.authenticator) ?? '?'}: ${str(first.outcome) ?? '?'}${str(first.error) ? ` — ${str(first.error)}` : ''} (no webhook)`
        : 'no credentials: no webhook call',
    })
  } else if (webhookDetail.cached === true && !parts.tokenReview) {
    const groups = strings(webhookStep.groups)
    out.push(
      {
        n: 5,
        state: 'cached',
        summary:
          "answered from the API server's token cache (--authentication-token-webhook-cache-ttl): no webhook call",
        facts: facts({ outcome: str(webhookStep.outcome), user: str(webhookStep.user) }),
      },
      { n: 6, state: 'cached', summary: 'the token was verified on an earlier request' },
      { n: 7, state: 'cached', summary: `${groups.length} groups from the earlier answer` },
      {
        n: 8,
        state: webhookStep.outcome === 'authenticated' ? 'cached' : 'failed',
        summary:
          webhookStep.outcome === 'authenticated'
            ? `the cached answer: ${str(webhookStep.user) ?? '?'} with ${groups.length} groups`
            : `the cached answer: ${str(webhookStep.error) ?? 'not authenticated'}`,
        facts: facts({ username: str(webhookStep.user), 'extra.oid': parts.oid }),
      },
    )
  } else if (parts.tokenReview) {
    const trSteps = tokenReviewSteps(
      parts.tokenReview.event,
      parts.tokenReview.related,
      strings(webhookStep.groups),
    )
    const five = trSteps[0]!
    out.push(
      {
        ...five,
        summary: `${five.summary}; HTTP ${num(webhookDetail.webhookStatus) ?? '?'} after ${ms(num(webhookDetail.webhookMs)) ?? '?'}${(num(webhookDetail.attempts) ?? 1) > 1 ? ` (${num(webhookDetail.attempts)} attempts)` : ''}`,
      },
      ...trSteps.slice(1),
    )
  } else {
    out.push({
      n: 5,
      state: webhookStep.outcome === 'authenticated' ? 'ok' : 'failed',
      summary: `webhook: ${str(webhookStep.outcome) ?? '?'}${str(webhookStep.error) ? ` — ${str(webhookStep.error)}` : ''} (the webhook's own event was not seen)`,
      facts: facts({
        'webhook time': ms(num(webhookDetail.webhookMs)),
        'HTTP status': num(webhookDetail.webhookStatus),
      }),
    })
  }
  out.push(authorizationStep(d, parts))
  out.push({
    n: 10,
    state: status < 400 ? 'ok' : 'failed',
    summary: `HTTP ${status}${str(d.reason) && status >= 400 ? ` — ${str(d.reason)}` : ''}`,
    ...(took !== undefined && { durationMs: took }),
  })
  out.push({ n: 11, state: status < 400 ? 'ok' : 'failed', summary: kubectlMessage(d) })

  const reason = decisiveReason(d, parts)
  return {
    id,
    kind: 'kubectl',
    startedAt: started,
    endedAt: e.time,
    title: requestTitle(d),
    ...(str(d.user) && { user: str(d.user) }),
    ...(str(d.namespace) && { namespace: str(d.namespace) }),
    outcome: outcomeOf(status),
    decision: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : `Allowed (HTTP ${status})`,
    ...(reason && { reason }),
    status,
    ...(took !== undefined && { durationMs: took }),
    steps: out,
    eventIds: [
      ...(parts.tokenReview
        ? [parts.tokenReview.event.id, ...parts.tokenReview.related.map((r) => r.id)]
        : []),
      ...(parts.accessReview ? [parts.accessReview.id] : []),
      e.id,
    ],
    ...(parts.signIn && { related: [{ id: parts.signIn.id, title: parts.signIn.title }] }),
  }
}
