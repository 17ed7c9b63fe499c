/**
 * Turns the simulator's event stream into flows. Events of one kubectl request come from three
 * services with no shared id: the webhook's TokenReview and SubjectAccessReview events arrive first
 * (each shown at once as a flow of its own), then the API server's `request.completed`, which claims
 * the webhook flows of the same user inside its time span and replaces them with one kubectl flow.
 * Entra key and Graph requests made during a TokenReview are claimed by it the same way. Every
 * buffer here is bounded by count and age, whatever the traffic.
 */
import type { SimEvent } from '../../kernel/events.js'
import { completeSteps } from './complete.js'
import { controlFlow, CONTROL_EVENT_TYPES } from './control-flows.js'
import { arr, clockTime, duration, iso, num, rec, str, timeOf } from './event-data.js'
import { kubectlFlowWith, kubectlSteps, requestTitle, type KubectlParts } from './kubectl-steps.js'
import { headerOf, withLazySteps } from './lazy-steps.js'
import {
  refusedTokenFlow,
  signInCompleted,
  signInDecided,
  signInFailed,
  signInExpired,
  signInStarted,
  tokenFlowHeader,
  tokenFlowSteps,
  type FlowDraft,
} from './sign-in.js'
import { createPodFlows } from './pod-flows.js'
import { createRegistryFlows } from './registry-flows.js'
import type { FlowStore } from './store.js'
import type { Flow, FlowStep } from './types.js'
import { accessReviewStep, sarDecision, tokenReviewOutcome, tokenReviewSteps } from './webhook-steps.js'

export interface TrackerOptions {
  store: FlowStore
  /** Polls so far of a device code (from the Entra store), for the sign-in facts. */
  devicePolls?: (userCode: string) => number | undefined
  /** When a device code expires (ms, simulator clock), from the Entra store; unknown codes never expire here. */
  deviceCodeExpiry?: (userCode: string) => number | undefined
  /** Client names whose client-credentials tokens belong to the webhook (its Graph calls). */
  webhookClients?: string[]
  /** A bug met while reading an event; the event is skipped, the stream goes on. */
  onError?: (err: unknown) => void
  /**
   * True while nobody can see a flow change (no browser has the stream open). TokenReview events then
   * wait until something reads the flows or another event or a tick comes (`flush`), and a review
   * whose flow the store would forget before then (more than its capacity of reviews came after it)
   * only updates the correlation state: a test suite's thousands of reviews with no browser open cost
   * the UI almost nothing. What a reader then sees is what processing every event at once gives
   * (test/ui/deferred-reviews.test.ts).
   */
  deferReviews?: () => boolean
}

export interface FlowTracker {
  ingest(event: SimEvent): void
  /** Marks the sign-ins whose code has expired by `now` (ms, simulator clock); ingest does it too. */
  tick(now: number): void
  /** Processes the TokenReviews waiting (see `deferReviews`): call it before reading the flow store. */
  flush(): void
  /** Sizes of the correlation buffers (diagnostics; each is bounded). */
  buffers(): Record<string, number>
}

interface Pending {
  flowId: string
  event: SimEvent
  start: number
  end: number
  related: SimEvent[]
}

const MAX_PENDING = 256
/** Requests older than this (simulator clock) are no longer matched. */
const MAX_AGE_MS = 60_000
/** Slack for the time span match: event times have millisecond resolution. */
const SLACK_MS = 25

/**
 * What an ARM request is, for its badge: a read (GET, or a POST action that only reads, such as
 * listClusterUserCredential — ARM's `list*` actions return secrets without changing anything) or a
 * change (PUT, PATCH, DELETE, other POST actions), and how it ended.
 */
export function armRequestKind(
  method: string,
  path: string,
  status: number,
): { outcome: Flow['outcome']; badge: string; what: string } {
  const action = /\/(list\w*|get\w*|check\w*)$/i.exec(path)?.[1]
  const read = method === 'GET' || method === 'HEAD' || (method === 'POST' && action !== undefined)
  const what = action ? `${action} (POST action, ${read ? 'a read' : 'a change'})` : read ? 'read' : 'change'
  if (status === 401) return { outcome: 'unauthorized', badge: 'Unauthorized', what }
  if (status === 403) return { outcome: 'forbidden', badge: 'Forbidden', what }
  if (status >= 400) return { outcome: 'error', badge: `HTTP ${status}`, what }
  return read ? { outcome: 'allowed', badge: 'Read', what } : { outcome: 'info', badge: 'Change', what }
}

/**
 * Whose token a review was about: the verified subject (`user`, set once the signature and claims
 * verified), else the name the token claimed (`claimedUser`, not verified — its signature failed).
 */
function reviewOwner(d: Record<string, unknown>): { user: string; verified: boolean } | undefined {
  const user = str(d.user)
  if (user) return { user, verified: true }
  const claimed = str(d.claimedUser)
  return claimed ? { user: claimed, verified: false } : undefined
}

function bounded<T>(list: T[], item: T, max = MAX_PENDING): void {
  list.push(item)
  if (list.length === max + 1) list.shift()
  else if (list.length > max) list.splice(0, list.length - max)
}

const spanOf = (e: SimEvent) => {
  const end = timeOf(e)
  return { start: end - (duration(e.data.durationMs) ?? 0), end }
}

export function createFlowTracker(o: TrackerOptions): FlowTracker {
  // Every flow is stored with all 11 steps (complete.ts).
  const store = { ...o.store, put: (f: FlowDraft) => o.store.put(completeSteps(f)) }
  /**
   * A flow made for every review, whose steps are built when first read (lazy-steps.ts). A bug in a
   * step builder then surfaces there, outside ingest: it is reported and the flow keeps its header,
   * its steps shown as unobserved, rather than failing the reader. `header` gets the steps in place
   * when it has no `steps` yet, else in a copy where its placeholder was (the UI's JSON keeps its key
   * order); the tracker made `header` for this call and keeps no other reference to it.
   */
  const lazyFlow = (header: FlowDraft | Omit<FlowDraft, 'steps'>, raw: () => FlowStep[]): FlowDraft => {
    // Runs on first read: the header's fields as they were, with the steps the builder makes.
    const draft = (steps: FlowStep[]): FlowDraft => ({ ...headerOf(flow), steps })
    const flow = withLazySteps(header as FlowDraft, () => {
      try {
        return completeSteps(draft(raw())).steps
      } catch (err) {
        o.onError?.(err)
        return completeSteps(draft([])).steps
      }
    })
    return flow
  }
  const putLazy = (header: FlowDraft, raw: () => FlowStep[]) => o.store.put(lazyFlow(header, raw))
  let counter = 0
  const newId = (prefix: string) => `${prefix}-${++counter}`
  const accessories: SimEvent[] = []
  const reviews: Pending[] = []
  /** TokenReview events not processed yet (see `deferReviews`), oldest first. */
  const deferred: SimEvent[] = []
  const sars: Pending[] = []
  // userCode → sign-in flow id, and the sign-ins approved but without a token yet.
  const signIns = new Map<string, string>()
  const awaitingToken: { flowId: string; user: string; userCode: string }[] = []
  const lastSignIn = new Map<string, { id: string; title: string; at: string }>()
  const oidOf = new Map<string, string>()
  /** user → the latest request whose real TokenReview filled the API server's token cache. */
  const reviewedBy = new Map<string, { id: string; title: string }>()
  const webhookClients = new Set(o.webhookClients ?? [])
  /** Sign-in flow id → its code's expiry, while the sign-in has no token yet. */
  const unfinished = new Map<string, number>()
  /**
   * No sign-in in `unfinished` expires before this (it may be earlier than the earliest left, after a
   * sign-in got its token): every event checks for expiries, and a load of approved codes nobody
   * redeems (up to 1,000 kept) made that a walk of the whole map per event.
   */
  let earliestExpiry = Infinity
  const expireSignIns = (now: number) => {
    if (now < earliestExpiry) return
    let next = Infinity
    for (const [flowId, expiresAt] of unfinished) {
      if (expiresAt > now) {
        if (expiresAt < next) next = expiresAt
        continue
      }
      unfinished.delete(flowId)
      const flow = store.get(flowId)
      if (flow?.kind === 'sign-in' && (flow.outcome === 'pending' || flow.decision.startsWith('approved')))
        store.put(signInExpired(flow, new Date(expiresAt).toISOString()))
    }
    earliestExpiry = next
  }
  const podFlows = createPodFlows(store, newId)
  const registryPulls = createRegistryFlows(store, newId)

  const prune = (list: { end: number }[] | SimEvent[], now: number) => {
    while (list.length > 0) {
      const first = list[0]!
      const t = 'end' in first ? first.end : timeOf(first)
      if (now - t <= MAX_AGE_MS) break
      list.shift()
    }
  }
  /** Takes every match out of `list` (kube-apiserver retries a failing webhook); the latest one first. */
  const claim = (list: Pending[], match: (p: Pending) => boolean): Pending[] => {
    const taken = list.filter(match).sort((a, b) => b.end - a.end)
    for (const p of taken) list.splice(list.indexOf(p), 1)
    return taken
  }
  /** Each map's most recently remembered key: remembering it again with the same value changes nothing. */
  const newest = new Map<Map<string, unknown>, string>()
  const remember = (map: Map<string, unknown>, key: string, value: unknown) => {
    if (newest.get(map) === key && map.get(key) === value) return
    newest.set(map, key)
    map.delete(key)
    map.set(key, value)
    if (map.size > 1000) map.delete(map.keys().next().value!)
  }

  /** `forgotten`: the store would forget the flow before anyone could read it (see `deferReviews`). */
  function onTokenReview(e: SimEvent, forgotten: boolean) {
    const { start, end } = spanOf(e)
    const related: SimEvent[] = []
    for (let i = accessories.length - 1; i >= 0; i--) {
      const t = timeOf(accessories[i]!)
      if (t >= start - SLACK_MS && t <= end + SLACK_MS) related.unshift(...accessories.splice(i, 1))
    }
    const id = newId('tr')
    const d = e.data
    const outcome = tokenReviewOutcome(d)
    const user = str(d.user)
    const oid = str(d.oid)
    if (user && oid) remember(oidOf, user, oid)
    if (forgotten) {
      // Counted as a change the store made and forgot, as it would have; no flow is built.
      o.store.skip()
      bounded(reviews, { flowId: id, event: e, start, end, related })
      return
    }
    const owner = reviewOwner(d)
    // A copy: a Graph call that joins later rebuilds the flow from `related`, this one keeps what it saw.
    const seen = related.slice()
    // Field by field rather than with spreads (every review makes one): the keys keep this order.
    const flow = {
      id,
      kind: 'token-review',
      startedAt: iso(start, e.time),
      endedAt: e.time,
      title: `TokenReview${owner ? ` for ${owner.user}${owner.verified ? '' : ' (unverified)'}` : ''}`,
    } as FlowDraft
    if (owner) {
      flow.user = owner.user
      if (!owner.verified) flow.userVerified = false
    }
    flow.outcome = outcome
    flow.decision = str(d.outcome) ?? 'unknown'
    const reason = str(d.error) ?? str(d.reason)
    if (reason) flow.reason = reason
    const status = num(d.status)
    if (status !== undefined) flow.status = status
    const took = duration(d.durationMs)
    if (took !== undefined) flow.durationMs = took
    // `steps` goes here, before `eventIds`, as in every flow's JSON.
    const lazy = lazyFlow(flow, () => tokenReviewSteps(e, seen))
    const eventIds = related.map((r) => r.id)
    eventIds.push(e.id)
    lazy.eventIds = eventIds
    o.store.put(lazy)
    bounded(reviews, { flowId: id, event: e, start, end, related })
  }

  /**
   * A Graph call belongs to the TokenReview it was made for. Graph logs the call when its response has
   * been written, which can be after the webhook has answered and logged the review: then the call
   * joins that review's flow late, instead of waiting for a review that has already come.
   */
  function onGraphRequest(e: SimEvent) {
    const { start } = spanOf(e)
    const review = reviews.findLast((p) => start >= p.start - SLACK_MS && start <= p.end + SLACK_MS)
    const flow = review && store.get(review.flowId)
    if (!review || flow?.kind !== 'token-review') return bounded(accessories, e)
    review.related.push(e)
    const seen = review.related.slice()
    putLazy({ ...headerOf(flow), eventIds: [...seen.map((r) => r.id), review.event.id] }, () =>
      tokenReviewSteps(review.event, seen),
    )
  }

  function onAccessReview(e: SimEvent) {
    const { start, end } = spanOf(e)
    const id = newId('sar')
    const attrs = rec(e.data.attributes) ?? {}
    const { outcome, decision } = sarDecision(e.data)
    const flow: FlowDraft = {
      id,
      kind: 'access-review',
      startedAt: iso(start, e.time),
      endedAt: e.time,
      title: `SubjectAccessReview: ${str(attrs.verb) ?? '?'} ${str(attrs.resource) ?? str(attrs.path) ?? ''}${str(attrs.namespace) ? ` -n ${str(attrs.namespace)}` : ''}`,
      ...(str(e.data.user) && { user: str(e.data.user) }),
      ...(str(attrs.namespace) && { namespace: str(attrs.namespace) }),
      outcome,
      decision,
      ...(str(e.data.reason) && { reason: str(e.data.reason) }),
      ...(num(e.data.status) !== undefined && { status: num(e.data.status) }),
      steps: [],
      eventIds: [e.id],
    }
    putLazy(flow, () => [accessReviewStep(e)])
    bounded(sars, { flowId: id, event: e, start, end, related: [] })
  }

  function onApiRequest(e: SimEvent) {
    const { start, end } = spanOf(e)
    const d = e.data
    const user = str(d.user)
    const inSpan = (p: Pending) => p.end >= start - SLACK_MS && p.end <= end + SLACK_MS
    // A token answered from the API server's own cache made no webhook call.
    const webhookSteps = arr(rec(d.authentication)?.steps).filter(
      (s) => str(rec(s)?.authenticator) === 'webhook',
    )
    const webhookCalled = webhookSteps.some((s) => rec(rec(s)?.detail)?.cached !== true)
    const parts: KubectlParts = {}
    const trs = webhookCalled
      ? claim(
          reviews,
          (p) =>
            inSpan(p) &&
            (user === undefined
              ? str(p.event.data.outcome) !== 'authenticated'
              : str(p.event.data.user) === user),
        )
      : []
    const tr = trs[0]
    if (tr) parts.tokenReview = { event: tr.event, related: trs.flatMap((t) => t.related) }
    const resource = (str(d.resource) ?? '').split('/')
    const sarMatches = claim(sars, (p) => {
      const a = rec(p.event.data.attributes) ?? {}
      return (
        inSpan(p) &&
        str(p.event.data.user) === user &&
        str(a.verb) === str(d.verb) &&
        (str(a.resource) ?? '') === (resource[0] ?? '') &&
        (str(a.namespace) ?? '') === (str(d.namespace) ?? '')
      )
    })
    const sar = sarMatches[0]
    if (sar) parts.accessReview = sar.event
    // A refused request has no user; the review may still say whose token it was.
    const owner = user ?? str(tr?.event.data.user)
    if (!user) {
      const claimed = tr && reviewOwner(tr.event.data)
      if (claimed) parts.owner = claimed
    }
    const signIn = owner ? lastSignIn.get(owner) : undefined
    if (signIn && webhookSteps.length > 0) parts.signIn = signIn
    const oid = user ? oidOf.get(user) : undefined
    if (oid) parts.oid = oid
    if (trs.length > 0) parts.attempts = trs.map((t) => t.event)
    if (!webhookCalled && user && webhookSteps.length > 0) {
      const by = reviewedBy.get(user)
      if (by) parts.cachedBy = by
    }
    // Built when read, as a review's (putLazy): `parts` is made here and not changed afterwards.
    const saved = putLazy(kubectlFlowWith(newId('req'), e, parts, []), () => kubectlSteps(e, parts))
    // This request's TokenReview fills the API server's cache: later requests of the user point here.
    if (tr && user) remember(reviewedBy, user, { id: saved.id, title: saved.title })
    // The webhook flows are now part of this request.
    for (const p of [...trs, ...sarMatches]) store.remove(p.flowId)
  }

  function onDeviceCode(e: SimEvent) {
    const code = str(e.data.userCode)
    if (!code) return
    if (e.type === 'device_code.issued') {
      const id = newId('signin')
      remember(signIns, code, id)
      store.put(signInStarted(id, e))
      const expiresAt = o.deviceCodeExpiry?.(code)
      if (expiresAt !== undefined) {
        unfinished.set(id, expiresAt)
        // (Written so that an expiry that is no number, which the walk takes as expired, gets walked.)
        if (!(expiresAt >= earliestExpiry)) earliestExpiry = expiresAt
        if (unfinished.size > 1000) unfinished.delete(unfinished.keys().next().value!)
      }
      return
    }
    const id = signIns.get(code)
    const flow = id ? store.get(id) : undefined
    if (!flow) return
    const approved = e.type === 'device_code.approved'
    store.put(signInDecided(flow, e, approved, o.devicePolls?.(code)))
    if (!approved) unfinished.delete(flow.id)
    if (approved)
      bounded(awaitingToken, { flowId: flow.id, user: str(e.data.user) ?? '', userCode: code }, 64)
  }

  function onTokenIssued(e: SimEvent) {
    const user = str(e.data.user)
    const grant = str(e.data.grant)
    if (grant === 'client_credentials' && webhookClients.has(str(e.data.client) ?? '')) {
      bounded(accessories, e)
      return
    }
    let flow: FlowDraft | undefined
    if (grant === 'device_code' && user) {
      const i = awaitingToken.findLastIndex((w) => w.user === user)
      const waiting = i >= 0 ? awaitingToken.splice(i, 1)[0] : undefined
      const found = waiting ? store.get(waiting.flowId) : undefined
      if (found && waiting) {
        flow = signInCompleted(found, e, o.devicePolls?.(waiting.userCode))
        unfinished.delete(found.id)
      }
    }
    let saved: Flow
    if (flow) saved = store.put(flow)
    else {
      // Steps built when read, as a review's; the header has none yet, so they go in place, then the ids.
      const lazy = lazyFlow(tokenFlowHeader(newId('token'), e) as FlowDraft, () => tokenFlowSteps(e))
      lazy.eventIds = [e.id]
      saved = o.store.put(lazy)
    }
    if (user) {
      const entry = { id: saved.id, title: saved.title, at: clockTime(e.time) }
      remember(lastSignIn, user, entry)
      if (str(e.data.oid)) remember(lastSignIn, str(e.data.oid)!, entry)
    }
  }

  function onEntraRequest(e: SimEvent) {
    const path = str(e.data.path) ?? ''
    const status = num(e.data.status) ?? 0
    if (path.includes('/discovery/') || path.includes('openid-configuration')) {
      bounded(accessories, e)
      return
    }
    if (!path.endsWith('/token') || status < 400) return
    const reason = str(e.data.reason) ?? ''
    if (/^(authorization_pending|slow_down)\b/.test(reason)) return
    if (reason.startsWith('authorization_declined')) return // the declined sign-in already says so
    const waiting = awaitingToken.pop()
    const found = waiting ? store.get(waiting.flowId) : undefined
    if (found) unfinished.delete(found.id)
    store.put(found ? signInFailed(found, e) : refusedTokenFlow(newId('token'), e))
  }

  function onOtherRequest(e: SimEvent) {
    const status = num(e.data.status) ?? 0
    const caller = str(rec(e.data.detail)?.caller)
    const { outcome, badge, what } = armRequestKind(
      str(e.data.method) ?? 'GET',
      str(e.data.path) ?? '/',
      status,
    )
    store.put({
      id: newId('req'),
      kind: 'control',
      startedAt: e.time,
      endedAt: e.time,
      title: `${e.service}: ${requestTitle(e.data)}`,
      ...(caller && { user: caller }),
      outcome,
      badge,
      decision: `${what}: HTTP ${status}`,
      ...(str(e.data.reason) && { reason: str(e.data.reason) }),
      status,
      steps: [],
      eventIds: [e.id],
    })
  }

  function flush(): void {
    while (deferred.length > 0) ingestNow(deferred.shift()!, false)
  }

  function ingestNow(e: SimEvent, forgotten: boolean): void {
    try {
      const now = timeOf(e)
      expireSignIns(now)
      prune(accessories, now)
      prune(reviews, now)
      prune(sars, now)
      if (podFlows.ingest(e) || registryPulls.ingest(e)) return
      if (e.type === 'token_review.completed') onTokenReview(e, forgotten)
      else if (e.type === 'subject_access_review.completed') onAccessReview(e)
      else if (e.type.startsWith('device_code.')) onDeviceCode(e)
      else if (e.type === 'token.issued') onTokenIssued(e)
      else if (CONTROL_EVENT_TYPES.has(e.type)) {
        const flow = controlFlow(newId('ctl'), e)
        if (flow) store.put(flow)
      } else if (e.type === 'request.completed') {
        if (e.service === 'apiserver') onApiRequest(e)
        else if (e.service === 'graph') onGraphRequest(e)
        else if (e.service === 'entra') onEntraRequest(e)
        else if (e.service === 'arm') onOtherRequest(e)
      }
    } catch (err) {
      // The stream goes on without this event (it stays in the event log); the bug is reported.
      o.onError?.(err)
    }
  }

  return {
    buffers: () => ({
      accessories: accessories.length,
      reviews: reviews.length,
      accessReviews: sars.length,
      awaitingToken: awaitingToken.length,
      signIns: signIns.size,
      unfinishedSignIns: unfinished.size,
      users: lastSignIn.size + oidOf.size,
    }),
    flush,
    tick(now) {
      flush()
      try {
        expireSignIns(now)
      } catch (err) {
        o.onError?.(err)
      }
    },
    ingest(e) {
      if (e.type === 'token_review.completed' && o.deferReviews?.()) {
        deferred.push(e)
        // Followed by as many reviews as the store holds: their flows will push this one out.
        if (deferred.length > o.store.capacity()) ingestNow(deferred.shift()!, true)
        return
      }
      flush()
      ingestNow(e, false)
    },
  }
}
