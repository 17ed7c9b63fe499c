/**
 * The node's image pull from a simulated registry (docs/acr.md#aks-pulls-from-acr): when a pod whose
 * image is `<login server>/<repo>[:tag|@digest]` of a simulated registry is created, the kubelet's ACR
 * credential provider and containerd run the real exchange over the wire, as the cluster's kubelet
 * identity: `GET /v2/` (the challenge), a managed-identity token from IMDS for
 * `https://containerregistry.azure.net`, `POST /oauth2/exchange`
 * (`access_token_refresh_token`, as cloud-provider-azure sends it), `GET /oauth2/token` with Basic
 * `00000000-…:<refresh token>` and `repository:<repo>:pull` (containerd), then the manifest. The pod
 * keeps running when the pull succeeds; otherwise its container waits with `ErrImagePull` and
 * containerd's message, then `ImagePullBackOff` / `Back-off pulling image "…"` until the next try.
 * The kubelet retries with its image back-off (10 s doubling to 300 s, kubelet's
 * `backOffPeriod`/`MaxContainerBackOff`) on the simulator clock, so `clock advance` brings the next
 * attempt; a role granted meanwhile makes it succeed and the pod runs. Each step is an event
 * (`acr.pull.challenge`, `.identity`, `.exchange`, `.token`, `.manifest`, `.failed`, `.backoff`) the
 * UI shows as a flow, and each attempt leaves the kubelet's Kubernetes events (Pulling, Failed,
 * BackOff, Pulled).
 */
import type { ApiServer, KubeObject } from '../apiserver/index.js'
import { sendHttps, type HttpsAnswer } from '../http/index.js'
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import { guard } from '../kernel/guard.js'

const NULL_GUID = '00000000-0000-0000-0000-000000000000'
const ACR_RESOURCE = 'https://containerregistry.azure.net'
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ')

/** Why a pull failed, in containerd's words (`failed to pull and unpack image …`). */
class PullFailure extends Error {}

export interface KubeletPullDeps {
  server: ApiServer
  /** The registries' login servers. */
  loginServers: () => string[]
  imdsUrl: string
  tenantId: string
  /** The kubelet identity's client id (identityProfile.kubeletidentity.clientId); undefined: none. */
  kubeletClientId: () => string | undefined
  caPem: string
  events: EventBus
  /** The simulator clock: back-off delays run on it (`clock advance` brings the next attempt). */
  clock: Pick<Clock, 'now'>
  onUnexpected: (err: unknown) => void
  /** How often (real time) due retries are looked for besides every clock advance; default 1 s. */
  tickMs?: number
}

/** The kubelet's image pull back-off: 10 s, doubling, at most 300 s (pkg/kubelet: backOffPeriod, MaxContainerBackOff). */
export const PULL_BACKOFF_INITIAL_MS = 10_000
export const PULL_BACKOFF_MAX_MS = 300_000
/** How long after a failed attempt the container shows ErrImagePull before ImagePullBackOff (the next pod sync). */
export const BACKOFF_SHOWN_AFTER_MS = 5_000

export const pullBackoffMs = (failures: number): number =>
  Math.min(PULL_BACKOFF_INITIAL_MS * 2 ** Math.max(0, failures - 1), PULL_BACKOFF_MAX_MS)

/** `<login server>/<repo>:<tag>` / `@<digest>` split, when the host is a simulated registry. */
export function registryImage(
  image: string,
  loginServers: string[],
): { loginServer: string; repository: string; reference: string } | undefined {
  const ls = loginServers.find((l) => image.startsWith(`${l}/`))
  if (!ls) return undefined
  const rest = image.slice(ls.length + 1)
  const at = rest.indexOf('@')
  if (at >= 0) return { loginServer: ls, repository: rest.slice(0, at), reference: rest.slice(at + 1) }
  const colon = rest.lastIndexOf(':')
  return colon > rest.lastIndexOf('/') && colon >= 0
    ? { loginServer: ls, repository: rest.slice(0, colon), reference: rest.slice(colon + 1) }
    : { loginServer: ls, repository: rest, reference: 'latest' }
}

async function pull(
  d: KubeletPullDeps,
  image: string,
  target: { loginServer: string; repository: string; reference: string },
  pod: string,
): Promise<void> {
  const base = `https://${target.loginServer}`
  const step = (s: string, data: Record<string, unknown>) =>
    d.events.emit(`acr.pull.${s}`, 'kubelet', { pod, image, registry: target.loginServer, ...data })
  const call = (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) =>
    sendHttps(new URL(path, base), {
      method: init.method ?? 'GET',
      ca: d.caPem,
      headers: init.headers ?? {},
      ...(init.body !== undefined && { body: init.body }),
      timeoutMs: 10_000,
      timeoutError: () => new Error('i/o timeout'),
    })
  const challenge = await call('/v2/')
  step('challenge', {
    status: challenge.status,
    wwwAuthenticate: challenge.headers['www-authenticate'],
  })
  const scope = `repository:${target.repository}:pull`
  const tokenUrl = `${base}/oauth2/token?scope=${encodeURIComponent(scope)}&service=${encodeURIComponent(target.loginServer)}`
  const denied = (status: number | undefined, text: string | undefined) =>
    new PullFailure(
      `failed to authorize: failed to fetch oauth token: unexpected status from GET request to ${tokenUrl}: ${status} ${text ?? ''}`.trimEnd(),
    )
  // The credential provider: a managed-identity token for the ACR audience from IMDS.
  const clientId = d.kubeletClientId()
  let entraToken: string | undefined
  if (clientId) {
    const q = new URLSearchParams({
      'api-version': '2018-02-01',
      resource: ACR_RESOURCE,
      client_id: clientId,
    })
    const res = await fetch(`${d.imdsUrl}/metadata/identity/oauth2/token?${q}`, {
      headers: { Metadata: 'true' },
    })
    const body = (await res.json()) as { access_token?: string }
    entraToken = body.access_token
    step('identity', { status: res.status, clientId })
  }
  let refresh: string | undefined
  if (entraToken) {
    const ex = await call('/oauth2/exchange', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'kubernetes-credentialprovider-acr',
      },
      body: new URLSearchParams({
        grant_type: 'access_token_refresh_token',
        service: target.loginServer,
        tenant: d.tenantId,
        access_token: entraToken,
        refresh_token: entraToken,
      }).toString(),
    })
    step('exchange', { status: ex.status })
    if (ex.status === 200)
      refresh = (JSON.parse(ex.body.toString('utf8')) as { refresh_token?: string }).refresh_token
  }
  // containerd: GET /oauth2/token with the credential provider's username and password (anonymous without).
  const token: HttpsAnswer = await call(tokenUrl.slice(base.length), {
    headers: refresh
      ? { authorization: `Basic ${Buffer.from(`${NULL_GUID}:${refresh}`).toString('base64')}` }
      : {},
  })
  step('token', { status: token.status, scope })
  if (token.status !== 200) throw denied(token.status, token.statusMessage)
  const access = (JSON.parse(token.body.toString('utf8')) as { access_token?: string }).access_token ?? ''
  const manifest = await call(`/v2/${target.repository}/manifests/${target.reference}`, {
    headers: { authorization: `Bearer ${access}`, accept: ACCEPT },
  })
  step('manifest', { status: manifest.status, digest: manifest.headers['docker-content-digest'] })
  if (manifest.status === 200) return
  if (manifest.status === 404)
    throw new PullFailure(`failed to resolve reference "${image}": ${image}: not found`)
  if (manifest.status === 401 || manifest.status === 403)
    throw new PullFailure(
      `failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
    )
  throw new PullFailure(`failed to resolve reference "${image}": unexpected status code ${manifest.status}`)
}

/**
 * A pod whose container could not pull: Pending, waiting with `ErrImagePull` and containerd's
 * message, or `ImagePullBackOff` and `Back-off pulling image "…"` between attempts.
 */
function waitingPod(
  pod: KubeObject,
  container: string,
  image: string,
  waiting: { reason: 'ErrImagePull' | 'ImagePullBackOff'; message: string },
): KubeObject {
  const status = (pod.status ?? {}) as Record<string, unknown>
  const notReady = (type: string) => ({
    type,
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: status.startTime,
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${container}]`,
  })
  const conditions = ((status.conditions ?? []) as { type: string }[]).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady' ? notReady(c.type) : c,
  )
  const containerStatuses = ((status.containerStatuses ?? []) as Record<string, unknown>[]).map((c) =>
    c.name === container
      ? {
          name: c.name,
          state: {
            waiting,
          },
          lastState: {},
          ready: false,
          restartCount: 0,
          image,
          imageID: '',
          started: false,
        }
      : c,
  )
  return { ...pod, status: { ...status, phase: 'Pending', conditions, containerStatuses } }
}

/** A container the kubelet keeps trying to pull for. */
interface Retry {
  namespace: string
  name: string
  uid: string | undefined
  container: string
  image: string
  target: { loginServer: string; repository: string; reference: string }
  /** The pod's status before the first failure: what it gets back once the image is pulled. */
  runningStatus: unknown
  failures: number
  /** Simulator time of the next attempt, and of the switch to ImagePullBackOff. */
  nextAttemptAt: number
  backOffShownAt: number
  state: 'failed' | 'backoff' | 'pulling'
}

const retryKey = (namespace: string, name: string, container: string) => `${namespace}/${name}/${container}`

/** Watches pod creations and retries failed pulls with the kubelet's back-off; returns the stop function. */
export function startKubeletAcrPull(d: KubeletPullDeps): () => void {
  const def = d.server.registry.byResource('', 'pods')
  if (!def) return () => {}
  let seq = 0
  let stopped = false
  const retries = new Map<string, Retry>()
  // The kubelet's events on the pod, which `kubectl describe pod` lists.
  const kubeEvent = (
    pod: KubeObject,
    container: string,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ) => {
    const node = (pod.spec as { nodeName?: string }).nodeName ?? ''
    const now = new Date(d.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z')
    d.server.writer.create('', 'events', pod.metadata.namespace ?? '', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata.name ?? ''}.pull${Date.now().toString(16)}${seq++}` },
      involvedObject: {
        kind: 'Pod',
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        apiVersion: 'v1',
        fieldPath: `spec.containers{${container}}`,
      },
      reason,
      message,
      source: { component: 'kubelet', host: node },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: 'kubelet',
      reportingInstance: node,
    })
  }
  /** The pod as stored now, if it is still the one the retry is for. */
  const currentPod = (r: Pick<Retry, 'namespace' | 'name' | 'uid'>) => {
    const current = d.server.store.get(def, r.namespace, r.name)
    return current && current.metadata.uid === r.uid ? current : undefined
  }

  const attempt = (r: Retry) => {
    const pod = currentPod(r)
    if (!pod) return void retries.delete(retryKey(r.namespace, r.name, r.container))
    r.state = 'pulling'
    kubeEvent(pod, r.container, 'Normal', 'Pulling', `Pulling image "${r.image}"`)
    const podName = `${r.namespace}/${r.name}`
    const started = d.clock.now()
    void pull(d, r.image, r.target, podName).then(
      guard(d.onUnexpected, () => {
        if (stopped) return
        retries.delete(retryKey(r.namespace, r.name, r.container))
        const now = currentPod(r)
        if (!now) return
        if (r.failures > 0) {
          // The image is there at last: the container starts and the pod runs as before the failure.
          d.server.store.put(def, { ...now, status: r.runningStatus }, 'MODIFIED')
        }
        const took = ((d.clock.now() - started) / 1000).toFixed(3)
        kubeEvent(now, r.container, 'Normal', 'Pulled', `Successfully pulled image "${r.image}" in ${took}s`)
      }),
      guard(d.onUnexpected, (err: unknown) => {
        if (stopped) return
        const reason =
          err instanceof PullFailure ? err.message : `failed to do request: ${(err as Error).message}`
        d.events.emit('acr.pull.failed', 'kubelet', { pod: podName, image: r.image, message: reason })
        const now = currentPod(r)
        if (!now) return void retries.delete(retryKey(r.namespace, r.name, r.container))
        if (r.failures === 0) r.runningStatus = now.status
        r.failures++
        const at = d.clock.now()
        r.nextAttemptAt = at + pullBackoffMs(r.failures)
        r.backOffShownAt = at + BACKOFF_SHOWN_AFTER_MS
        r.state = 'failed'
        retries.set(retryKey(r.namespace, r.name, r.container), r)
        const message = `failed to pull and unpack image "${r.image}": ${reason}`
        d.server.store.put(
          def,
          waitingPod(now, r.container, r.image, {
            reason: 'ErrImagePull',
            message: `rpc error: code = Unknown desc = ${message}`,
          }),
          'MODIFIED',
        )
        kubeEvent(
          now,
          r.container,
          'Warning',
          'Failed',
          `Failed to pull image "${r.image}": rpc error: code = Unknown desc = ${message}`,
        )
        kubeEvent(now, r.container, 'Warning', 'Failed', 'Error: ErrImagePull')
        d.events.emit('acr.pull.backoff', 'kubelet', {
          pod: podName,
          image: r.image,
          attempt: r.failures,
          retryInSeconds: pullBackoffMs(r.failures) / 1000,
        })
      }),
    )
  }

  /** Moves every retry whose time has come: to ImagePullBackOff, or to its next attempt. */
  const tick = guard(d.onUnexpected, () => {
    if (stopped) return
    const now = d.clock.now()
    for (const r of [...retries.values()]) {
      if (r.state === 'pulling') continue
      if (now >= r.nextAttemptAt) {
        attempt(r)
        continue
      }
      if (r.state === 'failed' && now >= r.backOffShownAt) {
        const pod = currentPod(r)
        if (!pod) {
          retries.delete(retryKey(r.namespace, r.name, r.container))
          continue
        }
        r.state = 'backoff'
        const message = `Back-off pulling image "${r.image}"`
        d.server.store.put(
          def,
          waitingPod(pod, r.container, r.image, { reason: 'ImagePullBackOff', message }),
          'MODIFIED',
        )
        kubeEvent(pod, r.container, 'Normal', 'BackOff', message)
        kubeEvent(pod, r.container, 'Warning', 'Failed', 'Error: ImagePullBackOff')
      }
    }
  })

  const unsubscribePods = d.server.store.subscribe(
    guard(d.onUnexpected, (e: { type: string; gr: string; object: KubeObject }) => {
      if (e.gr !== '/pods') return
      const pod = e.object
      const namespace = pod.metadata.namespace ?? ''
      const name = pod.metadata.name ?? ''
      if (e.type === 'DELETED') {
        for (const [k, r] of retries) if (r.namespace === namespace && r.name === name) retries.delete(k)
        return
      }
      if (e.type !== 'ADDED') return
      const containers = (pod.spec as { containers?: { name: string; image: string }[] }).containers ?? []
      for (const c of containers) {
        const target = registryImage(c.image, d.loginServers())
        if (!target) continue
        const first: Retry = {
          namespace,
          name,
          uid: pod.metadata.uid,
          container: c.name,
          image: c.image,
          target,
          runningStatus: pod.status,
          failures: 0,
          nextAttemptAt: 0,
          backOffShownAt: 0,
          state: 'pulling',
        }
        // After the store has told every watcher of the pod (the attempt writes events of its own).
        setImmediate(guard(d.onUnexpected, () => !stopped && attempt(first)))
      }
    }),
  )
  const unsubscribeClock = d.events.subscribe((e) => {
    if (e.type === 'clock.advanced') tick()
  })
  const timer = setInterval(tick, d.tickMs ?? 1000)
  timer.unref()
  return () => {
    stopped = true
    unsubscribePods()
    unsubscribeClock()
    clearInterval(timer)
    retries.clear()
  }
}
