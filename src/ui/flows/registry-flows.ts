/**
 * The node's image pull from a simulated registry as a flow (picture: public/diagram-registry.js),
 * from the kubelet's events (src/composition/kubelet-acr-pull.ts): 1 `acr.pull.challenge` (GET /v2/,
 * 401 with the Bearer challenge), 2 `.identity` (IMDS token for the kubelet identity), 3 `.exchange`
 * (POST /oauth2/exchange), 4 `.token` (GET /oauth2/token), 5 `.manifest`; `.failed` carries
 * containerd's message. One flow per pod and image, updated as each step's event arrives.
 */
import type { SimEvent } from '../../kernel/events.js'
import { facts, num, str } from './event-data.js'
import type { FlowDraft } from './sign-in.js'
import type { FlowStore } from './store.js'
import type { FlowStep } from './types.js'

const STEP_OF: Record<string, number> = {
  'acr.pull.challenge': 1,
  'acr.pull.identity': 2,
  'acr.pull.exchange': 3,
  'acr.pull.token': 4,
  'acr.pull.manifest': 5,
}
const MAX_PULLS = 256

export interface RegistryFlows {
  ingest(e: SimEvent): boolean
}

function stepOf(n: number, e: SimEvent): FlowStep {
  const status = num(e.data.status)
  // The challenge is a 401 by design: the step worked when the registry said how to get a token.
  const ok = n === 1 ? status === 401 || status === 200 : status === 200
  const what: Record<number, string> = {
    1: `GET /v2/ → ${status ?? '?'}${str(e.data.wwwAuthenticate) ? ` ${str(e.data.wwwAuthenticate)}` : ''}`,
    2: `IMDS → ${status ?? '?'} for the kubelet identity ${str(e.data.clientId) ?? ''}`.trimEnd(),
    3: `POST /oauth2/exchange → ${status ?? '?'}`,
    4: `GET /oauth2/token (${str(e.data.scope) ?? '?'}) → ${status ?? '?'}`,
    5: `GET manifest → ${status ?? '?'}${str(e.data.digest) ? ` ${str(e.data.digest)}` : ''}`,
  }
  return {
    n,
    state: ok ? 'ok' : 'failed',
    summary: what[n] ?? '',
    facts: facts({ 'HTTP status': status, registry: str(e.data.registry) }),
  }
}

export function createRegistryFlows(store: FlowStore, newId: (prefix: string) => string): RegistryFlows {
  /** `pod image` → the flow of that pull. */
  const pulls = new Map<string, string>()

  function flowFor(e: SimEvent): FlowDraft {
    const pod = str(e.data.pod) ?? '?'
    const image = str(e.data.image) ?? '?'
    const key = `${pod} ${image}`
    const found = pulls.get(key)
    const existing = found ? store.get(found) : undefined
    if (existing && existing.outcome === 'pending') return existing
    const id = newId('pull')
    pulls.delete(key)
    pulls.set(key, id)
    if (pulls.size > MAX_PULLS) pulls.delete(pulls.keys().next().value!)
    return {
      id,
      kind: 'registry-pull',
      startedAt: e.time,
      endedAt: e.time,
      title: `Registry pull: ${image} for pod ${pod}`,
      namespace: pod.split('/')[0] ?? '',
      outcome: 'pending',
      decision: 'pulling',
      steps: [],
      eventIds: [],
    }
  }

  return {
    ingest(e) {
      if (!e.type.startsWith('acr.pull.')) return false
      const flow = flowFor(e)
      const n = STEP_OF[e.type]
      let steps = flow.steps
      let done: Partial<FlowDraft> = {}
      if (n !== undefined) {
        steps = [...steps.filter((s) => s.n !== n), stepOf(n, e)].sort((a, b) => a.n - b.n)
        if (n === 5 && num(e.data.status) === 200)
          done = {
            outcome: 'allowed',
            decision: 'pulled',
            reason: `manifest ${str(e.data.digest) ?? ''}`.trim(),
          }
      } else if (e.type === 'acr.pull.failed') {
        const message = str(e.data.message) ?? 'the pull failed'
        // The step that failed has already said so; otherwise the next one is where it stopped.
        if (!steps.some((s) => s.state === 'failed')) {
          const next = (steps.at(-1)?.n ?? 0) + 1
          if (next <= 5) steps = [...steps, { n: next, state: 'failed', summary: message }]
        }
        done = { outcome: 'forbidden', decision: 'ErrImagePull', reason: message }
      } else return true
      store.put({ ...flow, ...done, endedAt: e.time, steps, eventIds: [...flow.eventIds, e.id] })
      return true
    },
  }
}
