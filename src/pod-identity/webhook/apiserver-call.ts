/**
 * What kube-apiserver does with the workload identity webhook on pod CREATE (azwi
 * `deploy/azure-wi-webhook.yaml`, Azure/AKS#5686):
 * match the registration (pods, CREATE, objectSelector `azure.workload.identity/use: "true"`,
 * namespaces outside AKS's admissions enforcer), send an AdmissionReview, apply the JSONPatch, and on
 * failure honour `failurePolicy: Fail` with kube-apiserver's error texts. The call goes over HTTPS to
 * the webhook listener (as a real MutatingWebhookConfiguration target) or, without a listener, to the
 * same review function in process.
 */
import { randomUUID } from 'node:crypto'
import jsonpatch, { type Operation } from 'fast-json-patch'
import { createHttpsClient, type HttpsClient } from '../../http/index.js'
import type { K8sObject } from '../cluster-objects.js'
import { USE_LABEL, WEBHOOK_NAME, WEBHOOK_PATH, WEBHOOK_SERVICE } from '../constants.js'
import { InternalError, StatusError } from '../../kube/index.js'
import { reviewAdmission, type AdmissionDeps, type AdmissionResponse } from './admission.js'

/** Namespaces AKS's admissions enforcer keeps custom webhooks away from. */
export const ENFORCED_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'gatekeeper-system',
  'calico-system',
  'tigera-operator',
]

const SERVICE_URL = `https://${WEBHOOK_SERVICE.name}.${WEBHOOK_SERVICE.namespace}.svc:443${WEBHOOK_PATH}?timeout=10s`

/** The MutatingWebhookConfiguration the AKS add-on installs, pointed at `url` (or the in-cluster service). */
export function mutatingWebhookConfiguration(opts: { url?: string; caPem: string }): K8sObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: 'azure-wi-webhook-mutating-webhook-configuration',
      labels: { 'azure-workload-identity.io/system': 'true' },
    },
    webhooks: [
      {
        name: WEBHOOK_NAME,
        admissionReviewVersions: ['v1', 'v1beta1'],
        clientConfig: {
          caBundle: Buffer.from(opts.caPem).toString('base64'),
          ...(opts.url
            ? { url: `${opts.url}${WEBHOOK_PATH}` }
            : { service: { ...WEBHOOK_SERVICE, path: WEBHOOK_PATH, port: 443 } }),
        },
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        namespaceSelector: {},
        objectSelector: { matchLabels: { [USE_LABEL]: 'true' } },
        reinvocationPolicy: 'IfNeeded',
        rules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' },
        ],
        sideEffects: 'None',
        timeoutSeconds: 10,
      },
    ],
  }
}

/** objectSelector + rules + the admissions enforcer: is this request sent to the webhook at all? */
export function webhookApplies(pod: K8sObject, namespace: string, operation: string): boolean {
  return (
    operation === 'CREATE' &&
    pod.metadata.labels?.[USE_LABEL] === 'true' &&
    !ENFORCED_NAMESPACES.includes(namespace)
  )
}

export interface AdmitContext {
  namespace: string
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT'
  dryRun?: boolean
}

export interface PodAdmission {
  /** The pod after admission (unchanged when the webhook does not apply); over HTTPS when configured. */
  admit(pod: K8sObject, ctx: AdmitContext): Promise<K8sObject>
  /** The same, synchronously and in process (for a synchronous create path such as seeding). */
  admitInProcess(pod: K8sObject, ctx: AdmitContext): K8sObject
  close(): void
}

/** kube-apiserver's handling of the webhook's answer: a denial, or the JSONPatch applied. */
function applyResponse(pod: K8sObject, response: AdmissionResponse): K8sObject {
  if (!response.allowed) {
    // webhookerrors.ToStatusErr: code ≥ 400, no reason, the message prefixed with who denied it.
    const code = Math.max(response.status?.code ?? 400, 400)
    const msg = response.status?.message
    throw new StatusError(
      code,
      '',
      msg
        ? `admission webhook "${WEBHOOK_NAME}" denied the request: ${msg}`
        : `admission webhook "${WEBHOOK_NAME}" denied the request without explanation`,
    )
  }
  if (!response.patch) return pod
  try {
    const ops = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[]
    return jsonpatch.applyPatch(structuredClone(pod), ops, true, false).newDocument
  } catch (err) {
    throw new InternalError(`failed calling webhook "${WEBHOOK_NAME}": ${(err as Error).message}`)
  }
}

const callFailed = (why: string) =>
  new InternalError(
    `failed calling webhook "${WEBHOOK_NAME}": failed to call webhook: Post "${SERVICE_URL}": ${why}`,
  )

export function createPodAdmission(opts: {
  /** HTTPS base URL of the webhook listener; omit to review in process. */
  url?: string
  caPem: string
  inProcess: AdmissionDeps
  /** The webhook is down (no ready endpoints). */
  down: () => boolean
}): PodAdmission {
  const client: HttpsClient | undefined = opts.url
    ? createHttpsClient({ ca: opts.caPem, timeoutMs: 10_000, maxResponseBytes: 4 * 1024 * 1024 })
    : undefined
  async function send(review: Record<string, unknown>): Promise<AdmissionResponse> {
    if (opts.down()) throw callFailed(`no endpoints available for service "${WEBHOOK_SERVICE.name}"`)
    if (!client) return reviewAdmission(review, opts.inProcess).response as AdmissionResponse
    let res
    try {
      res = await client.request(`${opts.url}${WEBHOOK_PATH}?timeout=10s`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(review),
      })
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      // How Go's HTTP client reports these to kube-apiserver.
      throw callFailed(
        /timed out/.test(e.message)
          ? 'context deadline exceeded'
          : e.code === 'ECONNRESET'
            ? 'EOF'
            : e.message,
      )
    }
    let body: { response?: AdmissionResponse }
    try {
      body = res.json()
    } catch {
      throw callFailed('failed to decode response')
    }
    if (res.status !== 200 || !body.response)
      throw callFailed(
        `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got HTTP ${res.status}`,
      )
    return body.response
  }
  const review = (pod: K8sObject, ctx: AdmitContext) => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      ...(pod.metadata.name && { name: pod.metadata.name }),
      namespace: ctx.namespace,
      operation: ctx.operation,
      object: pod,
      oldObject: null,
      dryRun: ctx.dryRun ?? false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  })
  return {
    async admit(pod, ctx) {
      if (!webhookApplies(pod, ctx.namespace, ctx.operation)) return pod
      return applyResponse(pod, await send(review(pod, ctx)))
    },
    admitInProcess(pod, ctx) {
      if (!webhookApplies(pod, ctx.namespace, ctx.operation)) return pod
      if (opts.down()) throw callFailed(`no endpoints available for service "${WEBHOOK_SERVICE.name}"`)
      return applyResponse(
        pod,
        reviewAdmission(review(pod, ctx), opts.inProcess).response as AdmissionResponse,
      )
    },
    close: () => client?.close(),
  }
}
