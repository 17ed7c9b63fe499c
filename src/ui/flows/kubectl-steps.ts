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
  /**
   * For a token the API server answered from its cache: the request whose TokenReview filled it (the
   * latest one with a real webhook call for this user — often a discovery request the list hides).
   */
  cachedBy?: { id: string; title: string }
  /** Every webhook attempt kube-apiserver made for this request (it retries a 500 up to 5 times). */
  attempts?: SimEvent[]
  /**
   * Whose token a refused request carried: the webhook's verified subject (a disabled user), or what
   * the token claimed when its signature failed (`verified: false`).
   */
  owner?: { user: string; verified: boolean }
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
    return num(d.status) === 401
      ? {
          n: 9,
          state: 'not-reached',
          summary: 'not reached: authentication failed, the API server answers 401 before authorizing',
          reason: 'authentication failed (steps 5–8)',
        }
      : { n: 9, state: 'unobserved', summary: 'no authorization trace', reason: 'no authorization trace' }
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
      // One form in the simulator's own words (namespace/name, as kubectl's -A listings and the explorer);
      // the authorizer's reason is Kubernetes' text verbatim, which quotes a RoleBinding as "name/namespace".
      'binding name form':
        str(binding?.kind) === 'RoleBinding' && str(binding?.namespace)
          ? `namespace/name here; Kubernetes' own reason text quotes it "${str(binding?.name)}/${str(binding?.namespace)}" (name/namespace)`
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

/**
 * Step 5 as kube-apiserver saw it: the webhook call's HTTP status, its total time (all attempts, with
 * the backoff between them) and the attempts. A non-2xx answer is a failed call, whatever the
 * webhook's own review event says about its part.
 */
function webhookCallStep(five: FlowStep, detail: Data, attempts: SimEvent[]): FlowStep {
  const status = num(detail.webhookStatus)
  const total = num(detail.webhookMs)
  const tries = num(detail.attempts) ?? (attempts.length || 1)
  const failed = detail.transportError === true || (status !== undefined && (status < 200 || status > 206))
  const oldestFirst = [...attempts].sort((a, b) => a.id - b.id)
  return {
    ...five,
    state: failed ? 'failed' : five.state,
    summary: failed
      ? `the webhook call failed: HTTP ${status ?? '?'}${tries > 1 ? ` on each of ${tries} attempts (kube-apiserver retries with backoff)` : ''}, ${ms(total) ?? '?'} in all`
      : `${five.summary}; HTTP ${status ?? '?'} after ${ms(total) ?? '?'}${tries > 1 ? ` (${tries} attempts)` : ''}`,
    ...(total !== undefined ? { durationMs: total } : {}),
    facts: {
      ...five.facts,
      ...facts({ attempts: tries, 'total time (all attempts)': ms(total) }),
      ...Object.fromEntries(
        oldestFirst.map((e, i) => [
          `attempt ${i + 1}`,
          `HTTP ${num(e.data.status) ?? '?'} in ${ms(duration(e.data.durationMs)) ?? '?'} at the webhook${str(e.data.reason) ? ` — ${str(e.data.reason)}` : ''}`,
        ]),
      ),
    },
  }
}

/**
 * The steps this request's events tell (complete.ts fills the others). Reads only `e` and `parts`,
 * which the tracker does not change afterwards: the tracker runs it when the flow is first read.
 */
export function kubectlSteps(e: SimEvent, parts: KubectlParts): FlowStep[] {
  const d = e.data
  const status = num(d.status) ?? 0
  const took = duration(d.durationMs)
  const steps = authnSteps(d)
  const webhookStep = steps.find((s) => s.authenticator === 'webhook')
  const webhookDetail = rec(webhookStep?.detail) ?? {}
  const method = str(rec(d.authentication)?.method)
  const usesToken = webhookStep !== undefined
  const out: FlowStep[] = []

  if (parts.signIn)
    out.push(
      {
        n: 1,
        state: 'ok',
        summary: `signed in earlier (${parts.signIn.title})`,
        refFlowId: parts.signIn.id,
        refTitle: parts.signIn.title,
      },
      {
        n: 2,
        state: 'ok',
        summary: `token issued at ${parts.signIn.at}`,
        refFlowId: parts.signIn.id,
        refTitle: parts.signIn.title,
      },
    )
  else if (usesToken) {
    const reason =
      'no sign-in seen by this simulator run for this user: the token came from a cache (kubelogin keeps one) or another run'
    out.push(
      { n: 1, state: 'unobserved', summary: reason, reason },
      { n: 2, state: 'unobserved', summary: 'the token was issued before this run saw it', reason },
    )
  } else {
    const reason = `no Entra sign-in: the request used ${method ?? 'no'} credentials`
    out.push(
      { n: 1, state: 'not-needed', summary: reason, reason },
      { n: 2, state: 'not-needed', summary: reason, reason },
    )
  }
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
    const reason = first
      ? `${str(first.authenticator) ?? '?'}: ${str(first.outcome) ?? '?'}${str(first.error) ? ` — ${str(first.error)}` : ''} (the API server checks these credentials itself: no webhook)`
      : 'no credentials: no webhook call'
    for (const n of [5, 6, 7, 8]) out.push({ n, state: 'not-needed', summary: reason, reason })
  } else if (webhookDetail.cached === true && !parts.tokenReview) {
    const groups = strings(webhookStep.groups)
    const by = parts.cachedBy
    const ref = by ? { refFlowId: by.id, refTitle: by.title } : {}
    const reason = by
      ? `answered from cache on request "${by.title}", which made the TokenReview`
      : 'answered from cache: the TokenReview was made for an earlier request this view no longer has'
    out.push(
      {
        n: 5,
        state: 'cached',
        summary: `answered from the API server's token cache (--authentication-token-webhook-cache-ttl): no webhook call; ${reason}`,
        reason,
        ...ref,
        facts: facts({ outcome: str(webhookStep.outcome), user: str(webhookStep.user) }),
      },
      { n: 6, state: 'cached', summary: 'the token was verified on an earlier request', reason, ...ref },
      { n: 7, state: 'cached', summary: `${groups.length} groups from the earlier answer`, reason, ...ref },
      {
        n: 8,
        state: webhookStep.outcome === 'authenticated' ? 'cached' : 'failed',
        summary:
          webhookStep.outcome === 'authenticated'
            ? `the cached answer: ${str(webhookStep.user) ?? '?'} with ${groups.length} groups`
            : `the cached answer: ${str(webhookStep.error) ?? 'not authenticated'}`,
        reason,
        ...ref,
        facts: facts({ username: str(webhookStep.user), 'extra.oid': parts.oid }),
      },
    )
  } else if (parts.tokenReview) {
    const trSteps = tokenReviewSteps(
      parts.tokenReview.event,
      parts.tokenReview.related,
      strings(webhookStep.groups),
    )
    out.push(webhookCallStep(trSteps[0]!, webhookDetail, parts.attempts ?? []), ...trSteps.slice(1))
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
  return out
}

/** The request's flow with `steps` as given, in its place among the flow's keys (the UI's JSON order). */
export function kubectlFlowWith(id: string, e: SimEvent, parts: KubectlParts, steps: FlowStep[]): FlowDraft {
  const d = e.data
  const status = num(d.status) ?? 0
  const took = duration(d.durationMs)
  const started = took === undefined ? e.time : iso(Date.parse(e.time) - took, e.time)
  const reason = decisiveReason(d, parts)
  return {
    id,
    kind: 'kubectl',
    startedAt: started,
    endedAt: e.time,
    title: requestTitle(d),
    ...(str(d.user)
      ? { user: str(d.user) }
      : parts.owner && { user: parts.owner.user, ...(!parts.owner.verified && { userVerified: false }) }),
    ...(str(d.namespace) && { namespace: str(d.namespace) }),
    outcome: outcomeOf(status),
    decision: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : `Allowed (HTTP ${status})`,
    ...(reason && { reason }),
    status,
    ...(took !== undefined && { durationMs: took }),
    steps,
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
