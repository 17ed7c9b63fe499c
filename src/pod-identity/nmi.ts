/**
 * Pod-managed identity (aad-pod-identity's NMI, retired), as an optional mode of the IMDS listener
 * (aad-pod-identity `server.go`): the caller's pod is found (real NMI: by source IP; here by the path prefix
 * `/pods/<ns>/<name>` that the printed AZURE_POD_IDENTITY_AUTHORITY_HOST carries, or the `podns` /
 * `podname` headers of `/host/token/`), its `aadpodidbinding` label is matched against
 * AzureIdentityBinding selectors, the AzureAssignedIdentity goes Created → Assigned after the MIC delay
 * (simulated clock) while NMI holds the request (16 + 4 polls), and the errors are NMI's text/plain
 * 404 / 403 / 500 (or 503 + Retry-After: 20). Exception pods go straight to IMDS.
 */
import type { EventBus } from '../kernel/events.js'
import type { Clock } from '../kernel/clock.js'
import type { ClusterObjects, K8sObject } from './cluster-objects.js'
import { imdsError, isTokenPath, successBody, type ImdsAnswer } from './imds.js'
import type { ManagedIdentity } from './managed-identities.js'

const CREATED_ATTEMPTS = 16
const BINDING_LABEL = 'aadpodidbinding'

const text = (status: number, body: string, headers?: Record<string, string>): ImdsAnswer => ({
  status,
  body: `${body}\n`,
  contentType: 'text/plain; charset=utf-8',
  ...(headers && { headers }),
})

export interface NmiDeps {
  objects: ClusterObjects
  clock: Clock
  events: EventBus
  identityByClientId(clientId: string): ManagedIdentity | undefined
  /** IMDS's own token function (for exception pods and the identity's token). */
  imdsToken(query: URLSearchParams, identities: ManagedIdentity[]): Promise<ImdsAnswer>
  settings: () => { assignmentDelaySeconds: number; retryAfterHeader: boolean; pollIntervalMs: number }
}

export interface Assigned {
  identity: K8sObject
  binding: K8sObject
  clientId: string
  resourceId: string
  createdAt: number
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')
const spec = (o: K8sObject) => (o.spec ?? {}) as Record<string, unknown>

/** A pod path prefix `/pods/<ns>/<name>` (what the printed environment uses), or none. */
export function podFromPath(path: string): { namespace: string; name: string; rest: string } | undefined {
  const m = /^\/+pods\/([a-z0-9.-]+)\/([a-z0-9.-]+)(\/.*)?$/i.exec(path)
  return m ? { namespace: m[1]!.toLowerCase(), name: m[2]!.toLowerCase(), rest: m[3] ?? '/' } : undefined
}

export function createNmi(deps: NmiDeps) {
  /** What MIC would have assigned to the pod: identities of bindings whose selector equals the label. */
  function assignments(pod: K8sObject): Assigned[] {
    const selector = pod.metadata.labels?.[BINDING_LABEL]
    if (!selector) return []
    const ns = pod.metadata.namespace ?? 'default'
    const created = Date.parse(String(pod.metadata.creationTimestamp ?? '')) || 0
    const out: Assigned[] = []
    for (const b of deps.objects.list('AzureIdentityBinding')) {
      if (spec(b).selector !== selector) continue
      const idName = spec(b).azureIdentity
      if (typeof idName !== 'string') continue
      const identity = deps.objects.get('AzureIdentity', b.metadata.namespace ?? 'default', idName)
      if (!identity) continue
      const namespaced = identity.metadata.annotations?.['aadpodidentity.k8s.io/Behavior'] === 'namespaced'
      if (namespaced && identity.metadata.namespace !== ns) continue
      out.push({
        identity,
        binding: b,
        clientId: str(spec(identity).clientID).toLowerCase(),
        resourceId: str(spec(identity).resourceID),
        createdAt: created,
      })
    }
    return out
  }

  const isException = (pod: K8sObject) =>
    deps.objects.list('AzurePodIdentityException', pod.metadata.namespace).some((e) => {
      const labels = (spec(e).podLabels ?? {}) as Record<string, string>
      return (
        Object.entries(labels).every(([k, v]) => pod.metadata.labels?.[k] === v) &&
        Object.keys(labels).length > 0
      )
    })

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

  /**
   * NMI's hold: poll until MIC has created (and assigned) the pod's AzureAssignedIdentity, which the
   * simulation does `assignmentDelaySeconds` after the pod was created. After 16 polls, give up.
   */
  async function waitForAssigned(
    pod: K8sObject,
    clientId: string | undefined,
    resourceId: string | undefined,
  ) {
    const { assignmentDelaySeconds, pollIntervalMs } = deps.settings()
    for (let attempt = 1; ; attempt++) {
      const ready = assignments(pod).filter(
        (a) => deps.clock.now() >= a.createdAt + assignmentDelaySeconds * 1000,
      )
      if (ready.length > 0) {
        if (clientId) return ready.find((a) => a.clientId === clientId.toLowerCase()) ?? 'no_match'
        if (resourceId)
          return ready.find((a) => a.resourceId.toLowerCase() === resourceId.toLowerCase()) ?? 'no_match'
        return ready[0]!
      }
      if (attempt >= CREATED_ATTEMPTS) return 'not_created'
      await sleep(pollIntervalMs)
    }
  }

  async function podToken(
    pod: K8sObject,
    query: URLSearchParams,
  ): Promise<ImdsAnswer | { answer: ImdsAnswer; clientId: string }> {
    const podRef = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`
    const resource = query.get('resource')
    if (!resource) return text(400, 'parameter resource cannot be empty')
    if (isException(pod)) {
      const id = query.get('client_id')
      const mi = id ? deps.identityByClientId(id) : undefined
      return deps.imdsToken(query, mi ? [mi] : [])
    }
    const clientId = query.get('client_id') ?? undefined
    const resourceId = query.get('msi_res_id') ?? query.get('mi_res_id') ?? undefined
    const found = await waitForAssigned(pod, clientId, resourceId)
    const { retryAfterHeader } = deps.settings()
    const notFound = (msg: string) =>
      retryAfterHeader ? text(503, msg, { 'Retry-After': '20' }) : text(404, msg)
    if (found === 'not_created')
      return notFound(
        `getting assigned identities for pod ${podRef} in CREATED state failed after ${CREATED_ATTEMPTS} attempts, retry duration [5]s, error: <nil>. Check MIC pod logs for identity assignment errors`,
      )
    if (found === 'no_match')
      return notFound(`no azure identity found for request clientID ${clientId ? '<redacted>' : ''}`.trim())
    if (Number(spec(found.identity).type ?? 0) !== 0)
      return text(
        403,
        `failed to get service principal token for pod:${podRef}, error: service principal identities are not simulated`,
      )
    const mi = deps.identityByClientId(found.clientId)
    if (!mi)
      return text(
        403,
        `failed to get user-assigned identity token for pod:${podRef}, error: identity ${found.clientId} not found`,
      )
    const q = new URLSearchParams({ resource, client_id: mi.clientId })
    const upstream = await deps.imdsToken(q, [mi])
    if (upstream.status !== 200)
      return text(
        403,
        `failed to get user-assigned identity token for pod:${podRef}, error: ${upstream.body}`,
      )
    return { answer: upstream, clientId: mi.clientId }
  }

  /** Reformats IMDS's body as NMI's: all strings, `refresh_token: ""`, no client_id. */
  function nmiBody(upstream: ImdsAnswer, nowS: number): Record<string, string> {
    const b = JSON.parse(upstream.body) as Record<string, string>
    return {
      ...successBody(
        {
          token: b.access_token!,
          expiresOn: Number(b.expires_on),
          notBefore: Number(b.not_before),
          lifetime: Number(b.ext_expires_in),
        },
        undefined,
        b.resource!,
        nowS,
      ),
      refresh_token: '',
    }
  }

  async function answer(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: Record<string, unknown>,
    pod: K8sObject | undefined,
  ) {
    const hostToken = /^\/host\/token\/?$/i.test(path)
    if (!hostToken && !isTokenPath(path)) {
      if (/\/metadata\/identity.*oauth2.*token/i.test(path)) return text(400, 'Invalid request')
      return undefined // everything else goes to IMDS
    }
    if (str(headers.metadata).toLowerCase() !== 'true')
      return {
        ...imdsError(400, 'invalid_request', 'Required metadata header not specified'),
        body: `${JSON.stringify({ error: 'invalid_request', error_description: 'Required metadata header not specified' })}\n`,
      }
    if (hostToken) {
      const ns = str(headers.podns)
      const name = str(headers.podname)
      pod = ns && name ? deps.objects.get('Pod', ns, name) : undefined
      if (!pod) return text(500, `failed to get pod ${ns}/${name}: pod not found`)
    }
    if (!pod) return text(500, 'failed to get pod for request: no pod found for the caller')
    if (method !== 'GET') return text(405, 'method not allowed')
    const r = await podToken(pod, query)
    if (!('answer' in r)) return r
    const body = nmiBody(r.answer, deps.clock.nowSeconds())
    deps.events.emit('nmi.token', 'imds', {
      pod: `${pod.metadata.namespace}/${pod.metadata.name}`,
      clientId: r.clientId,
    })
    const out = hostToken ? { token: body, clientid: r.clientId } : body
    return {
      status: 200,
      body: JSON.stringify(out),
      contentType: 'application/json; charset=utf-8',
    } satisfies ImdsAnswer
  }

  return { answer, assignments }
}
