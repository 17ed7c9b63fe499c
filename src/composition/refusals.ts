/**
 * How each listener words the host guard's refusals (src/http/host-guard.ts): in the error shape of the
 * surface it serves, so a client reads them as it reads any other error of that service.
 * docs/security.md lists them.
 */
import { sendJson, type Refuse } from '../http/index.js'
import { renderStatus, StatusError } from '../kube/index.js'

/** OAuth 2.0's error shape (RFC 6749 §5.2): Entra's token host and IMDS answer errors this way. */
const oauth: Refuse = (_req, res, r) =>
  sendJson(res, r.status, { error: 'invalid_request', error_description: r.message })

/** Kubernetes' `Status`: the API server and both webhooks. */
const kube: Refuse = (_req, res, r) => {
  const reason = r.status === 403 ? 'Forbidden' : ''
  res.statusCode = r.status
  res.setHeader('content-type', 'application/json')
  res.end(renderStatus(new StatusError(r.status, reason, r.message)))
}

/** Microsoft's `{"error":{"code","message"}}` with a PascalCase code: Graph and ARM. */
const microsoft: Refuse = (_req, res, r) =>
  sendJson(res, r.status, {
    error: {
      code: r.status === 403 ? 'CrossOriginRequestRefused' : 'MisdirectedRequest',
      message: r.message,
    },
  })

/** The simulator's own APIs (admin, UI, the service-account issuer): `{"error":{"code","message"}}`. */
const own: Refuse = (_req, res, r) => sendJson(res, r.status, { error: { code: r.code, message: r.message } })

/** The distribution API's `{"errors":[{code, message, detail}]}`, as ACR words its refusals: the registries. */
export const registryRefusal: Refuse = (_req, res, r) =>
  sendJson(res, r.status, { errors: [{ code: 'DENIED', message: r.message, detail: null }] })

/** Keyed by the service names of listeners.ts (which type-checks the keys where it reads them). */
export const REFUSALS = {
  entra: oauth,
  graph: microsoft,
  arm: microsoft,
  apiServer: kube,
  webhook: kube,
  imds: oauth,
  ui: own,
  admin: own,
  oidcIssuer: own,
  workloadIdentityWebhook: kube,
} as const satisfies Readonly<Record<string, Refuse>>
