/**
 * The pod-identity and registry-pull flows the tracker builds from their services' events: the
 * workload identity exchange with the projected token before it, a refused assertion at the step
 * that refused it, an IMDS token, and the kubelet's pull step by step up to the manifest or the failure.
 */
import { describe, expect, it } from 'vitest'
import { createEventBus } from '../../src/kernel/events.js'
import { createFlowStore } from '../../src/ui/flows/store.js'
import { createFlowTracker } from '../../src/ui/flows/tracker.js'

function setup() {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const bus = createEventBus(() => now)
  const store = createFlowStore(100)
  const errors: unknown[] = []
  const tracker = createFlowTracker({ store, onError: (e) => errors.push(e) })
  bus.subscribe((e) => tracker.ingest(e))
  return { bus, store, errors, advance: (ms: number) => (now += ms) }
}

const states = (steps: { n: number; state: string }[]) => Object.fromEntries(steps.map((s) => [s.n, s.state]))

describe('pod identity flows', () => {
  it('a workload identity exchange, with the token the kubelet projected before it', () => {
    const { bus, store, errors } = setup()
    bus.emit('serviceaccount.token_issued', 'apiserver', {
      serviceAccount: 'dev/orders',
      aud: ['api://AzureADTokenExchange'],
      bound: 'orders-api-0',
    })
    bus.emit('kubelet.token_written', 'kubelet', {
      pod: 'dev/orders-api-0',
      volume: 'azure-identity-token',
      writes: 1,
    })
    bus.emit('federation.exchange', 'entra', {
      clientId: 'app-1',
      iss: 'https://issuer.example/',
      sub: 'system:serviceaccount:dev:orders',
      aud: ['api://AzureADTokenExchange'],
      outcome: 'accepted',
      credential: 'orders-fic',
    })
    const [flow] = store.list()
    expect(flow).toMatchObject({ kind: 'workload-identity', outcome: 'allowed', namespace: 'dev' })
    expect(states(flow!.steps)).toEqual({ 1: 'ok', 2: 'ok', 3: 'ok', 4: 'ok', 5: 'ok', 6: 'ok' })
    expect(flow!.steps[1]!.summary).toContain('azure-identity-token of dev/orders-api-0')
    expect(errors).toEqual([])
  })

  it('a refused assertion stops at the step that refused it; an unseen token says so', () => {
    const { bus, store } = setup()
    bus.emit('federation.exchange', 'entra', {
      clientId: 'app-1',
      sub: 'system:serviceaccount:dev:other',
      outcome: 'signature',
      error: 'AADSTS700... The provided signature value did not match the expected signature value.',
    })
    const [flow] = store.list()
    expect(flow).toMatchObject({ outcome: 'unauthorized', decision: 'assertion refused' })
    expect(states(flow!.steps)).toEqual({ 1: 'unobserved', 3: 'ok', 4: 'ok', 5: 'failed' })
    expect(flow!.reason).toContain('signature')
  })

  it('an IMDS token: the request, the identity, the answer', () => {
    const { bus, store } = setup()
    bus.emit('imds.token', 'imds', {
      clientId: 'c-1',
      identity: 'kubelet-identity',
      resource: 'https://management.azure.com/',
    })
    bus.emit('request.completed', 'imds', {
      method: 'GET',
      path: '/metadata/identity/oauth2/token',
      status: 200,
    })
    bus.emit('request.completed', 'imds', { method: 'GET', path: '/metadata/instance', status: 200 })
    const flows = store.list()
    expect(flows).toHaveLength(1)
    expect(flows[0]).toMatchObject({ kind: 'managed-identity', outcome: 'allowed' })
    expect(states(flows[0]!.steps)).toEqual({ 1: 'ok', 2: 'ok', 3: 'ok' })
    bus.emit('request.completed', 'imds', {
      method: 'GET',
      path: '/metadata/identity/oauth2/token',
      status: 400,
    })
    expect(states(store.list().at(-1)!.steps)).toEqual({ 1: 'ok', 2: 'failed', 3: 'failed' })
  })
})

describe('registry pull flows', () => {
  const pull = {
    pod: 'default/orders',
    image: 'contosoacr.azurecr.io/orders/api:1',
    registry: 'contosoacr.azurecr.io',
  }

  it('one flow per pull, lit step by step up to the manifest', () => {
    const { bus, store } = setup()
    bus.emit('acr.pull.challenge', 'kubelet', { ...pull, status: 401, wwwAuthenticate: 'Bearer realm="x"' })
    expect(store.list()[0]).toMatchObject({ kind: 'registry-pull', outcome: 'pending' })
    bus.emit('acr.pull.identity', 'kubelet', { ...pull, status: 200, clientId: 'k-1' })
    bus.emit('acr.pull.exchange', 'kubelet', { ...pull, status: 200 })
    bus.emit('acr.pull.token', 'kubelet', { ...pull, status: 200, scope: 'repository:orders/api:pull' })
    bus.emit('acr.pull.manifest', 'kubelet', { ...pull, status: 200, digest: 'sha256:ab' })
    const flows = store.list()
    expect(flows).toHaveLength(1)
    expect(flows[0]).toMatchObject({ outcome: 'allowed', decision: 'pulled' })
    expect(states(flows[0]!.steps)).toEqual({ 1: 'ok', 2: 'ok', 3: 'ok', 4: 'ok', 5: 'ok' })
  })

  it("a refused manifest fails step 5 with containerd's message; a new pull of the same pod is a new flow", () => {
    const { bus, store } = setup()
    bus.emit('acr.pull.challenge', 'kubelet', { ...pull, status: 401 })
    bus.emit('acr.pull.token', 'kubelet', { ...pull, status: 200 })
    bus.emit('acr.pull.manifest', 'kubelet', { ...pull, status: 403 })
    bus.emit('acr.pull.failed', 'kubelet', {
      pod: pull.pod,
      image: pull.image,
      message: 'pull access denied',
    })
    const [flow] = store.list()
    expect(flow).toMatchObject({
      outcome: 'forbidden',
      decision: 'ErrImagePull',
      reason: 'pull access denied',
    })
    expect(states(flow!.steps)).toEqual({ 1: 'ok', 4: 'ok', 5: 'failed' })
    bus.emit('acr.pull.challenge', 'kubelet', { ...pull, status: 401 })
    expect(store.list()).toHaveLength(2)
  })

  it('a failure before any step fails the next one', () => {
    const { bus, store } = setup()
    bus.emit('acr.pull.challenge', 'kubelet', { ...pull, status: 401 })
    bus.emit('acr.pull.failed', 'kubelet', {
      pod: pull.pod,
      image: pull.image,
      message: 'failed to do request: i/o timeout',
    })
    expect(states(store.list()[0]!.steps)).toEqual({ 1: 'ok', 2: 'failed' })
  })
})
