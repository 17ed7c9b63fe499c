/**
 * Part of the composition root: guard with its TokenReview side, and — when the scenario has a managed
 * cluster — its SubjectAccessReview side over the shared Azure RBAC store, with guard's decision cache.
 */
import type { ResolvedConfig } from '../config/index.js'
import { createDecisionCache } from '../azure-rbac/index.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import { createSarHandler, createWebhookService, type WebhookService } from '../webhook/index.js'
import type { AzureSide } from './azure.js'

export function composeWebhook(o: {
  config: ResolvedConfig
  directory: Directory
  clock: Clock
  events: EventBus
  caPem: string
  authority: string
  azure: AzureSide
  onUnexpected: (err: unknown) => void
}): WebhookService {
  const { config, clock } = o
  const { rbac, cluster } = o.azure
  return createWebhookService({
    config: config.webhook,
    directory: o.directory,
    clock,
    events: o.events,
    caPem: o.caPem,
    authority: o.authority,
    ...(rbac &&
      cluster && {
        authorize: createSarHandler({
          rbac,
          clusterResourceId: cluster.resourceId,
          ...(config.webhook.authzCacheTtlSeconds > 0 && {
            cache: createDecisionCache({
              now: () => clock.now(),
              ttlMs: config.webhook.authzCacheTtlSeconds * 1000,
            }),
          }),
          options: { denyAsNoOpinion: config.webhook.denyAsNoOpinion },
          enabled: () => cluster.aadProfile.enableAzureRbac,
        }),
      }),
    onUnexpected: o.onUnexpected,
  })
}
