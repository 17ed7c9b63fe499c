import { request } from 'node:https'
import type { Simulator } from '../../src/index.js'

export interface WebhookAnswer {
  status: number
  body: any
  text: string
}

/** Calls the webhook as kube-apiserver does: HTTPS with its client certificate (O=azure) unless told otherwise. */
export async function callWebhook(
  sim: Simulator,
  path: '/tokenreviews' | '/subjectaccessreviews',
  body: unknown,
  opts: {
    cert?: { certPem: string; keyPem: string } | null
    raw?: string | Buffer
    contentType?: string
  } = {},
): Promise<WebhookAnswer> {
  const cert =
    opts.cert === undefined
      ? await sim.pki.clientCert('kube-apiserver-webhook-client', { cn: 'kube-apiserver', o: ['azure'] })
      : opts.cert
  const payload = opts.raw ?? JSON.stringify(body)
  const url = new URL(path, (sim.endpoints as any).webhook.url)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca: sim.caPem,
        ...(cert && { cert: cert.certPem, key: cert.keyPem }),
        headers: {
          'content-type': opts.contentType ?? 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => {
          let parsed: unknown
          try {
            parsed = JSON.parse(text)
          } catch {
            parsed = undefined
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text })
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

export const tokenReview = (
  token: string,
  extra: Record<string, unknown> = {},
  apiVersion = 'authentication.k8s.io/v1',
) => ({
  kind: 'TokenReview',
  apiVersion,
  metadata: { creationTimestamp: null },
  spec: { token, ...extra },
  status: { user: {} },
})
