/**
 * kube-apiserver's webhook retry policy (k8s.io/apiserver pkg/util/webhook): 500 ms initial backoff,
 * factor 1.5, jitter 0.2, 5 attempts, retrying only connection errors and 429 / 500 / 504 answers.
 */
import type { HttpsClient, HttpsResponse } from '../../http/index.js'

export const RETRYABLE_STATUS = new Set([429, 500, 504])

export async function withWebhookRetry(
  call: () => Promise<HttpsResponse>,
  opts: { steps?: number; initialMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<{ response: HttpsResponse; attempts: number }> {
  const steps = opts.steps ?? 5
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  let delay = opts.initialMs ?? 500
  let lastError: unknown
  for (let attempt = 1; attempt <= steps; attempt++) {
    try {
      const response = await call()
      if (!RETRYABLE_STATUS.has(response.status) || attempt === steps) return { response, attempts: attempt }
    } catch (err) {
      lastError = err
      if (attempt === steps) throw err
    }
    await sleep(delay * (1 + Math.random() * 0.2))
    delay *= 1.5
  }
  throw lastError instanceof Error ? lastError : new Error('webhook call failed')
}

/** POSTs a review (JSON) to the webhook's server as kube-apiserver's webhook client does, with its retries. */
export function postReview(
  http: HttpsClient,
  server: string,
  body: string,
  sleep?: (ms: number) => Promise<void>,
): Promise<{ response: HttpsResponse; attempts: number }> {
  return withWebhookRetry(
    () =>
      http.request(server, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, */*' },
        body,
      }),
    { ...(sleep && { sleep }) },
  )
}
