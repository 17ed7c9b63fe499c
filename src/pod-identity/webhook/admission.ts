/**
 * The webhook's AdmissionReview protocol (admission.k8s.io v1 and v1beta1), as controller-runtime
 * serves it for azwi: the answer is always HTTP 200 with an AdmissionReview of the request's version;
 * a mutation is a base64 JSONPatch computed by diffing the pod before and after; a rejection or an
 * unreadable request is `allowed: false` with `status.code` 400 and the error text. Transport-free:
 * the HTTPS listener and the API server's in-process call both use `reviewAdmission`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import jsonpatch from 'fast-json-patch'
import { BodyTooLarge, mediaTypeAsSent, readRequestBody } from '../../http/index.js'
import type { EventBus } from '../../kernel/events.js'
import type { K8sObject } from '../cluster-objects.js'
import { WEBHOOK_PATH } from '../constants.js'
import { mutatePod, WebhookRejection, type MutationConfig } from './mutate.js'

export interface AdmissionDeps {
  /** The webhook's view of service accounts (azwi: informer cache, then the API server). */
  serviceAccount(namespace: string, name: string): K8sObject | undefined
  config: () => MutationConfig
}

export interface AdmissionResponse {
  uid: string
  allowed: boolean
  patch?: string
  patchType?: 'JSONPatch'
  status?: { metadata: Record<string, never>; message: string; code: number }
}

const VERSIONS = new Set(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'])

const errored = (uid: string, message: string, code = 400): AdmissionResponse => ({
  uid,
  allowed: false,
  status: { metadata: {}, message, code },
})

/** One AdmissionReview in, one out (the response wrapped in the request's apiVersion). */
export function reviewAdmission(review: unknown, deps: AdmissionDeps): Record<string, unknown> {
  const r = (typeof review === 'object' && review !== null ? review : {}) as Record<string, unknown>
  const apiVersion =
    typeof r.apiVersion === 'string' && VERSIONS.has(r.apiVersion) ? r.apiVersion : 'admission.k8s.io/v1'
  const wrap = (response: AdmissionResponse) => ({ kind: 'AdmissionReview', apiVersion, response })
  const request = r.request as Record<string, unknown> | undefined
  if (r.kind !== 'AdmissionReview' || typeof request !== 'object' || request === null)
    return wrap(errored('', 'got an empty AdmissionReview request'))
  const uid = typeof request.uid === 'string' ? request.uid : ''
  const object = request.object as K8sObject | undefined
  if (
    typeof object !== 'object' ||
    object === null ||
    typeof object.metadata !== 'object' ||
    object.metadata === null
  )
    return wrap(errored(uid, 'there is no content to decode'))
  if (object.kind !== undefined && object.kind !== 'Pod')
    return wrap(
      errored(uid, `unable to decode ${String(object.apiVersion)}, Kind=${String(object.kind)} into *v1.Pod`),
    )
  const namespace =
    typeof request.namespace === 'string' ? request.namespace : (object.metadata.namespace ?? '')
  const spec = (object.spec ?? {}) as { serviceAccountName?: unknown }
  const saName =
    typeof spec.serviceAccountName === 'string' && spec.serviceAccountName
      ? spec.serviceAccountName
      : 'default'
  const sa = deps.serviceAccount(namespace, saName)
  if (!sa) return wrap(errored(uid, `serviceaccounts "${saName}" not found`))
  try {
    const mutated = mutatePod(object, namespace, sa, deps.config())
    // The patch is against the object as sent (the namespace azwi sets internally is not patched in).
    const after = { ...mutated, metadata: { ...mutated.metadata, namespace: object.metadata.namespace } }
    if (object.metadata.namespace === undefined) delete after.metadata.namespace
    const ops = jsonpatch.compare(object, after)
    if (ops.length === 0) return wrap({ uid, allowed: true })
    return wrap({
      uid,
      allowed: true,
      patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
      patchType: 'JSONPatch',
    })
  } catch (err) {
    if (err instanceof WebhookRejection) return wrap(errored(uid, err.message, err.code))
    throw err
  }
}

const MAX_BODY = 3 * 1024 * 1024

/** The HTTPS endpoint `POST /mutate-v1-pod`. `down()` resets connections (the service has no endpoints). */
export function createWebhookHandler(
  deps: AdmissionDeps & { events: EventBus; down: () => boolean; onUnexpected: (err: unknown) => void },
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]
    const reply = (status: number, body: unknown, type = 'application/json') => {
      const text = typeof body === 'string' ? body : JSON.stringify(body)
      res.statusCode = status
      res.setHeader('Content-Type', type)
      res.setHeader('Content-Length', Buffer.byteLength(text))
      res.end(text)
      deps.events.emit('request.completed', 'workload-identity-webhook', { method: req.method, path, status })
    }
    if (deps.down()) {
      deps.events.emit('request.completed', 'workload-identity-webhook', {
        method: req.method,
        path,
        status: 'reset',
      })
      req.socket.destroy()
      return
    }
    if (path === '/healthz' || path === '/readyz') return reply(200, 'ok', 'text/plain; charset=utf-8')
    if (path !== WEBHOOK_PATH) return reply(404, '404 page not found\n', 'text/plain; charset=utf-8')
    if (req.method !== 'POST') return reply(405, '', 'text/plain; charset=utf-8')
    readRequestBody(req, { limit: MAX_BODY, contentEncoding: 'ignore' }).then(
      (body) => reply(200, answer(mediaTypeAsSent(req.headers['content-type']), body, deps)),
      (err: unknown) => {
        if (err instanceof BodyTooLarge) reply(200, review(errored('', 'request entity is too large')))
        else req.socket.destroy()
      },
    )
  }
}

const review = (response: AdmissionResponse) => ({
  kind: 'AdmissionReview',
  apiVersion: 'admission.k8s.io/v1',
  response,
})

/** The answer to a readable body; `type` as sent, since controller-runtime compares the header exactly. */
function answer(
  type: string,
  body: Buffer,
  deps: AdmissionDeps & { onUnexpected: (err: unknown) => void },
): unknown {
  if (body.length === 0) return review(errored('', 'request body is empty'))
  if (type !== 'application/json')
    return review(errored('', `contentType=${type}, expected application/json`))
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch (err) {
    return review(errored('', (err as Error).message))
  }
  try {
    return reviewAdmission(parsed, deps)
  } catch (err) {
    deps.onUnexpected(err)
    return review(errored('', 'internal error', 500))
  }
}
