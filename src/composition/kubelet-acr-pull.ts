/**
 * The node's image pull from a simulated registry (docs/acr.md#aks-pulls-from-acr): when a pod whose
 * image is `<login server>/<repo>[:tag|@digest]` of a simulated registry is created, the kubelet's ACR
 * credential provider and containerd run the real exchange over the wire, as the cluster's kubelet
 * identity: `GET /v2/` (the challenge), a managed-identity token from IMDS for
 * `https://containerregistry.azure.net`, `POST /oauth2/exchange`
 * (`access_token_refresh_token`, as cloud-provider-azure sends it), `GET /oauth2/token` with Basic
 * `00000000-…:<refresh token>` and `repository:<repo>:pull` (containerd), then the manifest. The pod
 * keeps running when the pull succeeds; otherwise its container waits with `ErrImagePull` and
 * containerd's message. Each step is an event (`acr.pull.challenge`, `.identity`, `.exchange`,
 * `.token`, `.manifest`, `.failed`) the UI shows as a flow.
 */
import type { ApiServer, KubeObject } from '../apiserver/index.js'
import { sendHttps, type HttpsAnswer } from '../http/index.js'
import type { EventBus } from '../kernel/events.js'

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
  onUnexpected: (err: unknown) => void
}

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

/** A pod whose container could not pull: Pending, `ErrImagePull` with the kubelet's message. */
function failedPod(pod: KubeObject, container: string, image: string, reason: string): KubeObject {
  const status = (pod.status ?? {}) as Record<string, unknown>
  const message = `failed to pull and unpack image "${image}": ${reason}`
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
            waiting: { reason: 'ErrImagePull', message: `rpc error: code = Unknown desc = ${message}` },
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

/** Watches pod creations; returns the unsubscribe. */
export function startKubeletAcrPull(d: KubeletPullDeps): () => void {
  const def = d.server.registry.byResource('', 'pods')
  if (!def) return () => {}
  let seq = 0
  // The kubelet's `Warning Failed` events, which `kubectl describe pod` lists.
  const warn = (pod: KubeObject, container: string, message: string) => {
    const node = (pod.spec as { nodeName?: string }).nodeName ?? ''
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
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
      reason: 'Failed',
      message,
      source: { component: 'kubelet', host: node },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: 'Warning',
      reportingComponent: 'kubelet',
      reportingInstance: node,
    })
  }
  return d.server.store.subscribe((e) => {
    if (e.type !== 'ADDED' || e.gr !== '/pods') return
    const pod = e.object
    const containers = (
      (pod.spec as { containers?: { name: string; image: string }[] }).containers ?? []
    ).map((c) => ({ ...c, target: registryImage(c.image, d.loginServers()) }))
    const name = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`
    for (const c of containers) {
      if (!c.target) continue
      const target = c.target
      void pull(d, c.image, target, name).catch((err: unknown) => {
        const reason =
          err instanceof PullFailure ? err.message : `failed to do request: ${(err as Error).message}`
        d.events.emit('acr.pull.failed', 'kubelet', { pod: name, image: c.image, message: reason })
        try {
          const current = d.server.store.get(def, pod.metadata.namespace ?? '', pod.metadata.name ?? '')
          if (current?.metadata.uid === pod.metadata.uid && current) {
            d.server.store.put(def, failedPod(current, c.name, c.image, reason), 'MODIFIED')
            warn(
              current,
              c.name,
              `Failed to pull image "${c.image}": rpc error: code = Unknown desc = failed to pull and unpack image "${c.image}": ${reason}`,
            )
            warn(current, c.name, 'Error: ErrImagePull')
          }
        } catch (e2) {
          d.onUnexpected(e2)
        }
      })
    }
  })
}
