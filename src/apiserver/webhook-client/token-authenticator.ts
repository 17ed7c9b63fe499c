/**
 * kube-apiserver's webhook token authenticator: posts a TokenReview to the webhook named in its
 * kubeconfig, retries as kube-apiserver does, and caches successes and failures for the cache TTL
 * (2 minutes by default) keyed by token and audiences. Transport errors are not cached.
 */
import { hash } from 'node:crypto'
import type { Clock } from '../../kernel/clock.js'
import { createHttpsClient } from '../../http/index.js'
import type { TokenAuthResult } from '../types.js'
import type { WebhookTarget } from './kubeconfig.js'
import { postReview } from './retry.js'

export interface TokenWebhookOptions {
  target: WebhookTarget
  clock: Clock
  /** `--authentication-token-webhook-cache-ttl`; 0 disables. Default 2 minutes. */
  cacheTtlMs?: number
  /** `--authentication-token-webhook-version`. kube-apiserver's default is v1beta1. */
  version?: 'v1' | 'v1beta1'
  retrySleep?: (ms: number) => Promise<void>
}

interface WireStatus {
  authenticated?: boolean
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> }
  audiences?: string[]
  error?: string
}

export type TokenAuthenticator = ((token: string, audiences: string[]) => Promise<TokenAuthResult>) & {
  close(): void
}

export function createTokenWebhookAuthenticator(o: TokenWebhookOptions): TokenAuthenticator {
  const http = createHttpsClient({
    ca: o.target.ca,
    ...(o.target.cert && { cert: o.target.cert }),
    ...(o.target.key && { key: o.target.key }),
    timeoutMs: 30_000,
  })
  const ttl = o.cacheTtlMs ?? 120_000
  const cache = new Map<string, { result: TokenAuthResult; expiresAt: number }>()
  const apiVersion = `authentication.k8s.io/${o.version ?? 'v1'}`
  const authenticate = async (token: string, audiences: string[]): Promise<TokenAuthResult> => {
    const key = `${hash('sha256', token, 'base64url')}|${audiences.join(',')}`
    const now = o.clock.now()
    const hit = cache.get(key)
    if (hit && hit.expiresAt > now) return { ...hit.result, detail: { ...hit.result.detail, cached: true } }
    const started = performance.now()
    const body = JSON.stringify({
      kind: 'TokenReview',
      apiVersion,
      metadata: { creationTimestamp: null },
      spec: { token, ...(audiences.length > 0 && { audiences }) },
      status: { user: {} },
    })
    let result: TokenAuthResult
    try {
      const { response, attempts } = await postReview(http, o.target.server, body, o.retrySleep)
      const detail = {
        cached: false,
        webhookStatus: response.status,
        webhookMs: Math.round(performance.now() - started),
        attempts,
      }
      if (response.status < 200 || response.status > 206) {
        // A non-2xx answer is a failed call, not a verdict: unauthenticated, nothing cached.
        let error = `webhook answered HTTP ${response.status}`
        try {
          error = response.json<{ status?: { error?: string } }>().status?.error ?? error
        } catch {
          // not JSON: keep the status line
        }
        return { authenticated: false, error, detail }
      }
      const status = response.json<{ status?: WireStatus }>().status ?? {}
      if (status.authenticated && status.user?.username) {
        const wanted = audiences
        const got = status.audiences ?? []
        if (wanted.length > 0 && got.length > 0 && !got.some((a) => wanted.includes(a)))
          result = {
            authenticated: false,
            error: `token audiences ${JSON.stringify(got)} do not match the API audiences`,
            detail,
          }
        else
          result = {
            authenticated: true,
            user: {
              username: status.user.username,
              groups: status.user.groups ?? [],
              ...(status.user.uid && { uid: status.user.uid }),
              ...(status.user.extra && { extra: status.user.extra }),
            },
            ...(got.length > 0 && { audiences: got }),
            detail,
          }
      } else result = { authenticated: false, ...(status.error && { error: status.error }), detail }
    } catch (err) {
      return {
        authenticated: false,
        error: `Failed to make webhook authenticator request: ${(err as Error).message}`,
        detail: { cached: false, transportError: true },
      }
    }
    if (ttl > 0) {
      if (cache.size > 20_000) cache.clear()
      cache.set(key, { result, expiresAt: now + ttl })
    }
    return result
  }
  return Object.assign(authenticate, { close: () => http.close() })
}
