/**
 * Prometheus metrics of one simulator (prom-client): one Registry, created with the kernel and fed
 * from the event stream every service already writes (`request.completed`, `token.issued`,
 * `token_review.completed`, …), so no slice imports a metrics singleton and no service is
 * instrumented twice. Names are the real systems' where they exist:
 *
 * - kube-apiserver: `apiserver_request_total`, `apiserver_request_duration_seconds`,
 *   `authentication_attempts`, `apiserver_authorization_decisions_total`;
 * - guard: `tokenreviews_handler_requests_total`, `subjectaccessreviews_handler_requests_total`,
 *   `request_duration_seconds{handler,method}`, `guard_azure_graph_failure_total`;
 * - the simulator's own, prefixed `aks_auth_sim_`: per-service HTTP requests and latency, tokens
 *   issued by grant, TokenReview outcomes by reason and cache hits, SAR outcomes, device codes.
 *
 * Every label takes values from a bounded set (methods, codes, reasons the code defines, resources
 * the API server serves): nothing a caller sends becomes a label value, so the series stay bounded.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { SimEvent } from './events.js'

export interface Metrics {
  registry: Registry
  /** Updates the metrics from one event of the bus (subscribe it). */
  record(event: SimEvent): void
  /** Counts of the live device codes by state, read at each scrape. */
  deviceCodeStates(read: () => Record<string, number>): void
  /** The text exposition format, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
/** kube-apiserver's request latency buckets (apiserver/pkg/endpoints/metrics). */
const APISERVER_BUCKETS = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
]
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** guard's buckets for request_duration_seconds. */
const GUARD_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 15, 20]

/** kube-apiserver reports the route's action verb: create is POST, update PUT (endpoints/installer.go). */
const ACTION_VERB: Record<string, string> = { create: 'POST', update: 'PUT' }
const apiVerb = (v: unknown): string => {
  const verb = typeof v === 'string' ? v : ''
  return ACTION_VERB[verb] ?? word(verb.toUpperCase())
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const code = (v: unknown): string => (typeof v === 'number' ? String(v) : '')
const method = (v: unknown): string => (typeof v === 'string' && METHODS.has(v) ? v : 'other')
/** A short word made of [a-z0-9_] (the reasons the services define); anything else is `other`. */
const word = (v: unknown): string => (typeof v === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(v) ? v : 'other')
const seconds = (ms: unknown): number | undefined =>
  typeof ms === 'number' && ms >= 0 ? ms / 1000 : undefined

export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const httpRequests = new Counter({
    name: 'aks_auth_sim_http_requests_total',
    help: 'HTTP requests answered, by service (listener), method and status code.',
    labelNames: ['service', 'method', 'code'],
    registers,
  })
  const httpDuration = new Histogram({
    name: 'aks_auth_sim_http_request_duration_seconds',
    help: 'HTTP request latency by service, method and status code.',
    labelNames: ['service', 'method', 'code'],
    buckets: HTTP_BUCKETS,
    registers,
  })
  const apiRequests = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, group, resource, subresource, scope, component, and HTTP response code.',
    labelNames: ['verb', 'group', 'resource', 'subresource', 'scope', 'component', 'code'],
    registers,
  })
  const apiDuration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, group, resource, subresource, scope and component.',
    labelNames: ['verb', 'group', 'resource', 'subresource', 'scope', 'component'],
    buckets: APISERVER_BUCKETS,
    registers,
  })
  const authnAttempts = new Counter({
    name: 'authentication_attempts',
    help: 'Counter of authenticated attempts.',
    labelNames: ['result'],
    registers,
  })
  const authzDecisions = new Counter({
    name: 'apiserver_authorization_decisions_total',
    help: 'Total number of terminal decisions made by an authorizer split by authorizer type, name, and decision.',
    labelNames: ['type', 'name', 'decision'],
    registers,
  })
  const tokenReviewsHandler = new Counter({
    name: 'tokenreviews_handler_requests_total',
    help: 'A counter for requests to the tokenreviews handler.',
    labelNames: ['code', 'method'],
    registers,
  })
  const sarHandler = new Counter({
    name: 'subjectaccessreviews_handler_requests_total',
    help: 'A counter for requests to the subjectaccessreviews handler.',
    labelNames: ['code', 'method'],
    registers,
  })
  const guardDuration = new Histogram({
    name: 'request_duration_seconds',
    help: 'A histogram of latencies for requests.',
    labelNames: ['handler', 'method'],
    buckets: GUARD_BUCKETS,
    registers,
  })
  const graphFailures = new Counter({
    name: 'guard_azure_graph_failure_total',
    help: 'Azure graph getMemberGroups call failed.',
    registers,
  })
  const tokenReviews = new Counter({
    name: 'aks_auth_sim_token_reviews_total',
    help: 'TokenReviews answered by the webhook, by outcome, reason and whether the review cache answered.',
    labelNames: ['outcome', 'reason', 'cached'],
    registers,
  })
  const sarOutcomes = new Counter({
    name: 'aks_auth_sim_subject_access_reviews_total',
    help: 'SubjectAccessReviews answered by the webhook (Azure RBAC), by outcome.',
    labelNames: ['outcome'],
    registers,
  })
  const tokensIssued = new Counter({
    name: 'aks_auth_sim_tokens_issued_total',
    help: 'Access tokens issued by mock Entra ID, by grant type.',
    labelNames: ['grant'],
    registers,
  })
  const deviceCodeEvents = new Counter({
    name: 'aks_auth_sim_device_codes_total',
    help: 'Device codes by event: issued, approved, declined.',
    labelNames: ['event'],
    registers,
  })
  const keyRotations = new Counter({
    name: 'aks_auth_sim_key_rotations_total',
    help: 'Rotations of the Entra signing key.',
    registers,
  })
  let readStates: () => Record<string, number> = () => ({})
  new Gauge({
    name: 'aks_auth_sim_device_codes',
    help: 'Device codes held by mock Entra ID, by state.',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset()
      for (const [state, n] of Object.entries(readStates())) this.set({ state }, n)
    },
  })

  const onRequest = (e: SimEvent) => {
    const d = e.data
    const labels = { service: e.service, method: method(d.method), code: code(d.status) }
    httpRequests.inc(labels)
    const s = seconds(d.durationMs)
    if (s !== undefined) httpDuration.observe(labels, s)
    if (e.service === 'apiserver') onApiRequest(d, s)
  }
  const onApiRequest = (d: Record<string, unknown>, s: number | undefined) => {
    const known = d.status !== 404 && d.resource !== undefined
    const [resource = '', subresource = ''] = known ? str(d.resource).split('/') : []
    const labels = {
      verb: apiVerb(d.verb),
      group: known ? word(d.apiGroup || 'core') : '',
      resource: known ? word(resource) : '',
      subresource: known && subresource ? word(subresource) : '',
      scope: d.resource === undefined ? '' : d.name ? 'resource' : d.namespace ? 'namespace' : 'cluster',
      component: 'apiserver',
    }
    apiRequests.inc({ ...labels, code: code(d.status) })
    if (s !== undefined) apiDuration.observe(labels, s)
    const authn = d.authentication as { method?: string; steps?: { outcome?: string }[] } | undefined
    if (authn && authn.method !== 'x509')
      authnAttempts.inc({
        result:
          authn.method !== 'none'
            ? 'success'
            : authn.steps?.some((x) => x.outcome === 'error')
              ? 'error'
              : 'failure',
      })
    const authz = d.authorization as { decision?: string; detail?: { authorizer?: string } } | undefined
    if (authz) {
      const type = word(authz.detail?.authorizer ?? 'none')
      authzDecisions.inc({
        type,
        name: type.toLowerCase(),
        decision:
          authz.decision === 'Allow' ? 'allowed' : authz.decision === 'Deny' ? 'denied' : 'no_opinion',
      })
    }
  }
  const handlers: Record<string, (e: SimEvent) => void> = {
    'request.completed': onRequest,
    'token.issued': (e) => tokensIssued.inc({ grant: word(e.data.grant) }),
    'token_review.completed': (e) => {
      const d = e.data
      tokenReviewsHandler.inc({ code: code(d.status), method: 'POST' })
      const s = seconds(d.durationMs)
      if (s !== undefined) guardDuration.observe({ handler: 'tokenreviews', method: 'POST' }, s)
      tokenReviews.inc({
        outcome: word(d.outcome),
        reason: d.outcome === 'authenticated' ? '' : word(d.reason),
        cached: d.cached === true ? 'true' : 'false',
      })
      if (str(d.reason).startsWith('graph_')) graphFailures.inc()
    },
    'subject_access_review.completed': (e) => {
      sarHandler.inc({ code: code(e.data.status), method: 'POST' })
      sarOutcomes.inc({ outcome: word(e.data.outcome) })
    },
    'device_code.issued': () => deviceCodeEvents.inc({ event: 'issued' }),
    'device_code.approved': () => deviceCodeEvents.inc({ event: 'approved' }),
    'device_code.declined': () => deviceCodeEvents.inc({ event: 'declined' }),
    'keys.rotated': () => keyRotations.inc(),
  }
  return {
    registry,
    record: (e) => handlers[e.type]?.(e),
    deviceCodeStates(read) {
      readStates = read
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
  }
}
