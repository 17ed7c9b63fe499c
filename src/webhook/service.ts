/**
 * Assembles the webhook service: tenant keys and metadata from Entra over HTTPS, its own Graph client
 * (client credentials with its app registration), the review cache, and the HTTPS handler. The
 * composition root gives it a listener and writes the kubeconfigs.
 */
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import { createHttpsClient, type HttpsClient } from '../http/index.js'
import type { ResolvedConfig } from '../config/index.js'
import type { AuthnResult } from './authenticate.js'
import { UpstreamFailure } from './errors.js'
import { createGraphClient, type GraphClient } from './graph-client.js'
import { createKeySource } from './key-source.js'
import { createReviewCache, type ReviewCache } from './review-cache.js'
import { createWebhookHandler, type SarAnswer } from './server.js'

export interface WebhookService {
  handler: ReturnType<typeof createWebhookHandler>
  cache: ReviewCache<AuthnResult>
  close(): void
}

export function createWebhookService(o: {
  config: ResolvedConfig['webhook']
  directory: Directory
  clock: Clock
  events: EventBus
  caPem: string
  /** Origin of the Entra host. */
  authority: string
  authorize?: (raw: string) => Promise<SarAnswer>
  onUnexpected: (err: unknown) => void
}): WebhookService {
  const http: HttpsClient = createHttpsClient({ ca: o.caPem, timeoutMs: 10_000 })
  const tid = o.directory.tenant.id
  // guard reads the v1 metadata of its tenant for the issuer, the keys and msgraph_host.
  const keys = createKeySource({
    http,
    metadataUrl: `${o.authority}/${tid}/.well-known/openid-configuration`,
  })
  const app = o.directory.application(o.config.graphApplication)
  const secret = app?.secrets[0]?.value
  const graph: GraphClient =
    app && secret
      ? createGraphClient({
          http,
          tokenUrl: `${o.authority}/${tid}/oauth2/v2.0/token`,
          clientId: app.appId,
          clientSecret: secret,
          graphBase: async () => `https://${(await keys.metadata()).msgraphHost}`,
          nowSeconds: () => o.clock.nowSeconds(),
        })
      : {
          memberGroups: () =>
            Promise.reject(
              new UpstreamFailure(
                'graph_not_configured',
                `failed to get groups: the webhook has no Graph credentials (no application '${o.config.graphApplication}' with a secret in the scenario)`,
              ),
            ),
        }
  const cache = createReviewCache<AuthnResult>({ ttlMs: o.config.cacheTtlSeconds * 1000 })
  const handler = createWebhookHandler({
    authn: {
      keys,
      graph,
      directory: o.directory,
      clock: o.clock,
      cache,
      config: {
        audience: o.config.verifyAudience ? o.config.audience : undefined,
        issuer: o.config.issuer,
        apiAudiences: o.config.apiAudiences,
        rejectDisabledUsers: o.config.rejectDisabledUsers,
      },
    },
    events: o.events,
    requireClientCert: o.config.requireClientCert,
    guardStatusCodes: o.config.guardStatusCodes,
    ...(o.authorize && { authorize: o.authorize }),
    onUnexpected: o.onUnexpected,
  })
  return { handler, cache, close: () => http.close() }
}
