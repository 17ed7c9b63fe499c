/**
 * The guard-like webhook: TokenReview (authentication) and SubjectAccessReview (Azure RBAC) over mTLS
 * (docs/webhook.md). The composition root builds it and writes the kubeconfigs the API server calls it with.
 */
export { createWebhookService, type WebhookService } from './service.js'
export { createSarHandler } from './authorize.js'
export { webhookKubeconfig } from './kubeconfig.js'
