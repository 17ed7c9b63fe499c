/**
 * kube-apiserver's webhook authorizer: posts a SubjectAccessReview built from the request attributes to
 * the webhook in its kubeconfig, and maps the answer — allowed → Allow, denied → Deny (both → Deny with
 * an error), neither → NoOpinion — caching allowed answers for 5 minutes and the rest for 30 seconds.
 * A failed call is NoOpinion with the error (the legacy flags' failure policy).
 */
import type { Clock } from '../../kernel/clock.js'
import { createHttpsClient } from '../../http/index.js'
import type { AuthorizationAttributes, AuthorizationResult } from '../types.js'
import type { WebhookTarget } from './kubeconfig.js'
import { postReview } from './retry.js'

export interface SarWebhookOptions {
  target: WebhookTarget
  clock: Clock
  version?: 'v1' | 'v1beta1'
  authorizedTtlMs?: number
  unauthorizedTtlMs?: number
  retrySleep?: (ms: number) => Promise<void>
}

export type Authorizer = ((attrs: AuthorizationAttributes) => Promise<AuthorizationResult>) & {
  close(): void
}

export function sarSpecOf(
  attrs: AuthorizationAttributes,
  version: 'v1' | 'v1beta1',
): Record<string, unknown> {
  const u = attrs.user
  return {
    ...(attrs.resourceRequest
      ? {
          resourceAttributes: {
            ...(attrs.namespace && { namespace: attrs.namespace }),
            verb: attrs.verb,
            ...(attrs.apiGroup && { group: attrs.apiGroup }),
            ...(attrs.apiVersion && { version: attrs.apiVersion }),
            resource: attrs.resource,
            ...(attrs.subresource && { subresource: attrs.subresource }),
            ...(attrs.name && { name: attrs.name }),
          },
        }
      : { nonResourceAttributes: { path: attrs.path, verb: attrs.verb } }),
    user: u.username,
    // v1beta1 spells the groups field `group`.
    [version === 'v1' ? 'groups' : 'group']: u.groups,
    ...(u.extra && Object.keys(u.extra).length > 0 && { extra: u.extra }),
    ...(u.uid && { uid: u.uid }),
  }
}

export function createSarWebhookAuthorizer(o: SarWebhookOptions): Authorizer {
  const version = o.version ?? 'v1'
  const http = createHttpsClient({
    ca: o.target.ca,
    ...(o.target.cert && { cert: o.target.cert }),
    ...(o.target.key && { key: o.target.key }),
    timeoutMs: 30_000,
  })
  const cache = new Map<string, { result: AuthorizationResult; expiresAt: number }>()
  const allowedTtl = o.authorizedTtlMs ?? 300_000
  const deniedTtl = o.unauthorizedTtlMs ?? 30_000
  const authorize = async (attrs: AuthorizationAttributes): Promise<AuthorizationResult> => {
    const spec = sarSpecOf(attrs, version)
    const key = JSON.stringify(spec)
    const now = o.clock.now()
    const hit = cache.get(key)
    if (hit && hit.expiresAt > now) return { ...hit.result, detail: { ...hit.result.detail, cached: true } }
    const body = JSON.stringify({
      kind: 'SubjectAccessReview',
      apiVersion: `authorization.k8s.io/${version}`,
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: false },
    })
    const started = performance.now()
    try {
      const { response, attempts } = await postReview(http, o.target.server, body, o.retrySleep)
      const detail = {
        authorizer: 'webhook',
        cached: false,
        webhookStatus: response.status,
        webhookMs: Math.round(performance.now() - started),
        attempts,
      }
      if (response.status !== 200) {
        return {
          decision: 'NoOpinion',
          reason: '',
          evaluationError: `Failed to make webhook authorizer request: HTTP ${response.status}`,
          detail,
        }
      }
      const status =
        response.json<{
          status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string }
        }>().status ?? {}
      let result: AuthorizationResult
      if (status.allowed && status.denied)
        result = {
          decision: 'Deny',
          reason: status.reason ?? '',
          evaluationError: 'webhook subject access review returned both allow and deny response',
          detail,
        }
      else if (status.denied) result = { decision: 'Deny', reason: status.reason ?? '', detail }
      else if (status.allowed) result = { decision: 'Allow', reason: status.reason ?? '', detail }
      else
        result = {
          decision: 'NoOpinion',
          reason: status.reason ?? '',
          ...(status.evaluationError && { evaluationError: status.evaluationError }),
          detail,
        }
      if (cache.size > 20_000) cache.clear()
      cache.set(key, { result, expiresAt: now + (result.decision === 'Allow' ? allowedTtl : deniedTtl) })
      return result
    } catch (err) {
      return {
        decision: 'NoOpinion',
        reason: '',
        evaluationError: `Failed to make webhook authorizer request: ${(err as Error).message}`,
        detail: { authorizer: 'webhook', transportError: true },
      }
    }
  }
  return Object.assign(authorize, { close: () => http.close() })
}
