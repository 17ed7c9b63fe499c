/**
 * Names and defaults the real components use (azwi `pkg/webhook/consts.go`, IMDS docs): the azure-workload-
 * identity webhook's label, annotations, variables and paths, the token-exchange audience and the
 * IMDS defaults. One place, so the webhook, the kubelet simulation and the docs agree.
 */

export const USE_LABEL = 'azure.workload.identity/use'
export const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id'
export const TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id'
export const TOKEN_EXPIRATION_ANNOTATION = 'azure.workload.identity/service-account-token-expiration'
export const SKIP_CONTAINERS_ANNOTATION = 'azure.workload.identity/skip-containers'
export const INJECT_PROXY_ANNOTATION = 'azure.workload.identity/inject-proxy-sidecar'
export const PROXY_PORT_ANNOTATION = 'azure.workload.identity/proxy-sidecar-port'

export const WEBHOOK_NAME = 'mutation.azure-workload-identity.io'
export const WEBHOOK_PATH = '/mutate-v1-pod'
/** The service the AKS add-on registers; the API server's error texts name it. */
export const WEBHOOK_SERVICE = { name: 'azure-wi-webhook-webhook-service', namespace: 'kube-system' }

/** The audience of the projected token and of every federated identity credential. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange'
export const MIN_TOKEN_EXPIRATION = 3600
export const MAX_TOKEN_EXPIRATION = 86_400
export const DEFAULT_TOKEN_EXPIRATION = 3600
export const DEFAULT_PROXY_PORT = 8000

export type WebhookLayout = 'v1.5' | 'v1.6'

/** Where the token lands, per webhook version (azwi v1.5.1 and v1.6.0 `webhook.go`). */
export const LAYOUTS = {
  'v1.5': { mountPath: '/var/run/secrets/azure/tokens', tokenPath: 'azure-identity-token' },
  'v1.6': { mountPath: '/var/run/secrets/azure/wi', tokenPath: 'token/azure-identity-token' },
} as const
export const V15_VOLUME_NAME = 'azure-identity-token'
export const V16_VOLUME_PREFIX = 'azure-workload-identity-reserved-'

export const ENV = {
  clientId: 'AZURE_CLIENT_ID',
  tenantId: 'AZURE_TENANT_ID',
  tokenFile: 'AZURE_FEDERATED_TOKEN_FILE',
  authorityHost: 'AZURE_AUTHORITY_HOST',
} as const

/** Kubernetes' issuer when the AKS OIDC issuer is not enabled: Entra cannot reach it. */
export const IN_CLUSTER_ISSUER = 'https://kubernetes.default.svc.cluster.local'

/** Managed-identity tokens live about a day (Microsoft Learn, managed identity best practices). */
export const MANAGED_IDENTITY_TOKEN_LIFETIME = 86_400
