/**
 * Flows of the pod identities, laid out on their own pictures (public/diagram-pod.js):
 *
 * - workload identity (learn.microsoft.com/azure/aks/workload-identity-overview): 1 the API server
 *   issues a service account token (TokenRequest), 2 the kubelet writes it into the pod's projected
 *   volume, 3 the pod sends it to Entra ID as a client assertion, 4 Entra ID matches a federated
 *   credential, 5 checks the signature with the issuer's keys, 6 returns the access token. One flow per
 *   `federation.exchange`; steps 1–2 come from the latest token the kubelet wrote for that service account.
 * - managed identity through IMDS: 1 the caller asks IMDS, 2 IMDS gets the identity's token from
 *   Entra ID (`imds.token`, `nmi.token`), 3 IMDS answers (`request.completed` of imds, logged last).
 */
import type { SimEvent } from '../../kernel/events.js'
import { clockTime, facts, num, str, strings } from './event-data.js'
import type { FlowDraft } from './sign-in.js'
import type { FlowStore } from './store.js'
import type { FlowStep } from './types.js'

/** How Entra ID refused the assertion (`outcome` of `federation.exchange`) → the step that failed. */
const FAILED_AT: Record<string, number> = {
  malformed: 4,
  subject_mismatch: 4,
  propagating: 4,
  audience_mismatch: 4,
  expired: 4,
  chaining: 4,
  signature: 5,
  issuer_metadata: 5,
  key_not_found: 5,
}
/** An IMDS answer is matched with the token event logged just before it, within this time. */
const IMDS_WINDOW_MS = 5_000
const MAX_REMEMBERED = 256

export interface PodFlows {
  /** True when the event was one of these flows' (the tracker then goes on to the next event). */
  ingest(e: SimEvent): boolean
}

function remember<V>(map: Map<string, V>, key: string, value: V) {
  map.delete(key)
  map.set(key, value)
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!)
}

export function createPodFlows(store: FlowStore, newId: (prefix: string) => string): PodFlows {
  /** `namespace/serviceaccount` → the latest TokenRequest for it. */
  const saTokens = new Map<string, SimEvent>()
  /** `namespace/pod` → the latest projected token write. */
  const written = new Map<string, SimEvent>()
  /** Token events of IMDS waiting for the request's own log line. */
  const imdsTokens: SimEvent[] = []

  function tokenSteps(sa: string): FlowStep[] {
    const issued = saTokens.get(sa)
    const pod = str(issued?.data.bound)
    const ns = sa.split('/')[0]
    const write = pod ? written.get(`${ns}/${pod}`) : undefined
    if (!issued)
      return [
        {
          n: 1,
          state: 'unobserved',
          summary: `no TokenRequest for ${sa} was seen: the token file was written before, or by something else`,
        },
      ]
    return [
      {
        n: 1,
        state: 'ok',
        summary: `token for ${sa} issued at ${clockTime(issued.time)}${pod ? `, bound to pod ${pod}` : ''}`,
        facts: facts({ audience: strings(issued.data.aud).join(', ') || str(issued.data.aud) }),
      },
      write
        ? {
            n: 2,
            state: 'ok',
            summary: `written to volume ${str(write.data.volume) ?? '?'} of ${str(write.data.pod) ?? '?'} at ${clockTime(write.time)}`,
            facts: facts({ writes: num(write.data.writes), expires: str(write.data.expiresAt) }),
          }
        : { n: 2, state: 'unobserved', summary: 'no projected volume write was seen for this token' },
    ]
  }

  function onExchange(e: SimEvent) {
    const d = e.data
    const outcome = str(d.outcome) ?? 'unknown'
    const sub = str(d.sub) ?? ''
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub)
    const sa = m ? `${m[1]}/${m[2]}` : sub
    const failedAt = outcome === 'accepted' ? undefined : (FAILED_AT[outcome] ?? 4)
    const error = str(d.error)
    const stateAt = (n: number): FlowStep['state'] =>
      failedAt === undefined || n < failedAt ? 'ok' : 'failed'
    const steps: FlowStep[] = [
      ...tokenSteps(sa),
      {
        n: 3,
        state: 'ok',
        summary: `client_assertion for app ${str(d.clientId) ?? '?'}`,
        facts: facts({ issuer: str(d.iss), subject: sub, audience: strings(d.aud).join(', ') }),
      },
      {
        n: 4,
        state: stateAt(4),
        summary:
          failedAt === 4
            ? `no federated credential matches (${outcome}): ${error ?? ''}`
            : `federated credential ${str(d.credential) ?? ''} matches issuer, subject and audience`,
      },
    ]
    if (failedAt === undefined || failedAt >= 5)
      steps.push({
        n: 5,
        state: stateAt(5),
        summary:
          failedAt === 5
            ? `the signature does not verify (${outcome}): ${error ?? ''}`
            : "the signature verifies with the issuer's keys",
      })
    if (failedAt === undefined)
      steps.push({ n: 6, state: 'ok', summary: `access token issued to app ${str(d.clientId) ?? '?'}` })
    store.put({
      id: newId('wi'),
      kind: 'workload-identity',
      startedAt: e.time,
      endedAt: e.time,
      title: `Workload identity: ${sa} → app ${str(d.clientId) ?? '?'}`,
      ...(m && { namespace: m[1] }),
      outcome: failedAt === undefined ? 'allowed' : 'unauthorized',
      decision: failedAt === undefined ? 'token issued' : 'assertion refused',
      ...(failedAt !== undefined && { reason: error ?? outcome }),
      steps,
      eventIds: [e.id],
    })
  }

  function onImdsRequest(e: SimEvent): boolean {
    const path = str(e.data.path) ?? ''
    if (!/\/identity\/oauth2\/token$|\/host\/token\/?$|\/metadata\/identity\/oauth2\/token/.test(path))
      return false
    const at = Date.parse(e.time)
    const i = imdsTokens.findLastIndex((t) => at - Date.parse(t.time) <= IMDS_WINDOW_MS)
    const token = i >= 0 ? imdsTokens.splice(i, 1)[0] : undefined
    const status = num(e.data.status) ?? 0
    const ok = status === 200 && token !== undefined
    const pod = str(e.data.pod) ?? str(token?.data.pod)
    const identity = str(token?.data.identity) ?? str(token?.data.clientId)
    const draft: FlowDraft = {
      id: newId('mi'),
      kind: 'managed-identity',
      startedAt: token?.time ?? e.time,
      endedAt: e.time,
      title: `Managed identity (IMDS): ${pod ?? 'node'} → ${identity ?? 'IMDS'}`,
      ...(pod && { namespace: pod.split('/')[0] }),
      outcome: ok ? 'allowed' : status >= 500 ? 'error' : 'unauthorized',
      decision: `HTTP ${status}`,
      ...(!ok && { reason: `IMDS answered HTTP ${status}` }),
      status,
      steps: [
        { n: 1, state: 'ok', summary: `${str(e.data.method) ?? 'GET'} ${path}`, facts: facts({ pod }) },
        token
          ? {
              n: 2,
              state: 'ok',
              summary: `token for ${identity ?? '?'}${str(token.data.resource) ? ` (resource ${str(token.data.resource)})` : ''}`,
              facts: facts({ 'client id': str(token.data.clientId) }),
            }
          : { n: 2, state: 'failed', summary: `IMDS got no token for the caller: HTTP ${status}` },
        { n: 3, state: ok ? 'ok' : 'failed', summary: `HTTP ${status}` },
      ],
      eventIds: [...(token ? [token.id] : []), e.id],
    }
    store.put(draft)
    return true
  }

  return {
    ingest(e) {
      if (e.type === 'serviceaccount.token_issued') {
        const sa = str(e.data.serviceAccount)
        if (sa) remember(saTokens, sa, e)
        return true
      }
      if (e.type === 'kubelet.token_written') {
        const pod = str(e.data.pod)
        if (pod) remember(written, pod, e)
        return true
      }
      if (e.type === 'federation.exchange') {
        onExchange(e)
        return true
      }
      if (e.type === 'imds.token' || e.type === 'nmi.token') {
        imdsTokens.push(e)
        if (imdsTokens.length > MAX_REMEMBERED) imdsTokens.shift()
        return true
      }
      if (e.type === 'request.completed' && e.service === 'imds') return onImdsRequest(e)
      return false
    },
  }
}
