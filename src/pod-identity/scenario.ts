/**
 * The scenario's `podIdentity` section: user-assigned managed identities, app registrations used as
 * workload identities, their federated identity credentials, per-cluster issuer and webhook settings,
 * and the service accounts and pods that use them. Schema, types and the demo tenant's values.
 * A FIC issuer may name a cluster's issuer as `{oidcIssuer:<cluster>}`, which expands to the issuer
 * URL *without* its trailing slash — so `"{oidcIssuer:aks-demo}/"` is right and the bare form
 * reproduces the classic missing-slash mistake.
 */
import type { PermissionInput } from '../kernel/directory-input.js'
import { permissionsSchema } from '../kernel/directory-validation.js'
import { stableGuid } from '../kernel/ids.js'
import type { KubernetesManifest } from '../rbac/index.js'
import { CLIENT_ID_ANNOTATION, TOKEN_EXCHANGE_AUDIENCE, USE_LABEL, type WebhookLayout } from './constants.js'

export interface FederatedCredentialSpec {
  name: string
  issuer: string
  subject: string
  /** Exactly one value; default `["api://AzureADTokenExchange"]`. */
  audiences?: string[]
  description?: string
}

export interface ManagedIdentitySpec {
  /** The user-assigned identity's resource name. */
  name: string
  resourceGroup: string
  location?: string
  /** Default: a GUID derived from the name. Goes into the service account's client-id annotation. */
  clientId?: string
  /** The service principal's object id (`oid` of its tokens). Default: derived from the name. */
  principalId?: string
  /** Application permissions granted to the identity (app role assignments), e.g. on Graph. */
  permissions?: PermissionInput[]
  federatedIdentityCredentials?: FederatedCredentialSpec[]
}

export interface WorkloadApplicationSpec {
  /** Display name of the app registration. */
  name: string
  appId: string
  servicePrincipalId?: string
  permissions?: PermissionInput[]
  federatedIdentityCredentials?: FederatedCredentialSpec[]
}

export interface PodIdentityClusterSpec {
  /** A managed cluster of the `azure` section. */
  cluster: string
  /** AKS `--enable-oidc-issuer`. When false, tokens carry the in-cluster issuer. Default true. */
  oidcIssuerEnabled?: boolean
  /** Token path layout of the webhook: `v1.5` (default, what the docs show) or `v1.6`. */
  webhookVersion?: WebhookLayout
  /** User-assigned identities on the node pool's scale set, answered by IMDS (names). */
  nodeIdentities?: string[]
  /** kube-apiserver `--service-account-max-token-expiration`, seconds. Default: none. */
  maxTokenExpirationSeconds?: number
  /** Seconds a rotated-out issuer key stays in the JWKS. Default 86400 (AKS: 24 h). */
  keyRotationGraceSeconds?: number
}

export interface PodManagedIdentitySpec {
  /** Turn on the retired aad-pod-identity NMI on the IMDS listener. Default false. */
  enabled: boolean
  /** Seconds MIC takes to move an AzureAssignedIdentity from Created to Assigned. Default 0. */
  assignmentDelaySeconds?: number
  /** NMI `--set-retry-after-header`: answer 503 + Retry-After instead of 404. Default false. */
  retryAfterHeader?: boolean
}

export interface PodIdentityScenario {
  clusters?: PodIdentityClusterSpec[]
  managedIdentities?: ManagedIdentitySpec[]
  applications?: WorkloadApplicationSpec[]
  /** ServiceAccounts, Pods and aadpodidentity.k8s.io objects; pods go through the webhook when seeded. */
  objects?: KubernetesManifest[]
  federation?: {
    /** Seconds a newly created FIC keeps failing with AADSTS70021. Default 0. */
    propagationDelaySeconds?: number
    /** Answer every mismatch with the legacy 400 AADSTS70021 instead of the per-field codes. */
    legacyErrors?: boolean
  }
  podManagedIdentity?: PodManagedIdentitySpec
}

/**
 * What pod identity reads of a scenario: its own section, and of the others the tenant (ids derive
 * from it), the Azure subscription and managed clusters (each cluster gets an issuer) and the cluster's
 * objects (the namespaces an in-memory cluster starts with). A whole scenario is one.
 */
export interface PodIdentityScenarioInput {
  tenant: { id: string }
  azure?: {
    subscriptionId: string
    managedClusters: { name: string; location: string; kubernetesVersion: string }[]
  }
  kubernetes?: { objects?: KubernetesManifest[] }
  podIdentity?: PodIdentityScenario
}

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
const guid = { type: 'string', pattern: GUID } as const
const nonEmpty = { type: 'string', minLength: 1 } as const
const names = { type: 'array', items: nonEmpty, uniqueItems: true } as const
const permissions = permissionsSchema
// The scenario accepts what ARM and Graph accept; their limits are checked when the scenario resolves.
const fic = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'issuer', 'subject'],
  properties: {
    name: nonEmpty,
    issuer: nonEmpty,
    subject: nonEmpty,
    audiences: { type: 'array', items: nonEmpty },
    description: { type: 'string' },
  },
} as const

export const podIdentityScenarioSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    clusters: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['cluster'],
        properties: {
          cluster: nonEmpty,
          oidcIssuerEnabled: { type: 'boolean' },
          webhookVersion: { enum: ['v1.5', 'v1.6'] },
          nodeIdentities: names,
          maxTokenExpirationSeconds: { type: 'integer', minimum: 600 },
          keyRotationGraceSeconds: { type: 'integer', minimum: 0 },
        },
      },
    },
    managedIdentities: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'resourceGroup'],
        properties: {
          name: { type: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$' },
          resourceGroup: nonEmpty,
          location: { type: 'string', pattern: '^[a-z0-9]+$' },
          clientId: guid,
          principalId: guid,
          permissions,
          federatedIdentityCredentials: { type: 'array', items: fic },
        },
      },
    },
    applications: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'appId'],
        properties: {
          name: nonEmpty,
          appId: guid,
          servicePrincipalId: guid,
          permissions,
          federatedIdentityCredentials: { type: 'array', items: fic },
        },
      },
    },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'metadata'],
        properties: {
          apiVersion: nonEmpty,
          kind: nonEmpty,
          metadata: {
            type: 'object',
            required: ['name'],
            properties: { name: nonEmpty, namespace: nonEmpty },
          },
        },
      },
    },
    federation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        propagationDelaySeconds: { type: 'integer', minimum: 0 },
        legacyErrors: { type: 'boolean' },
      },
    },
    podManagedIdentity: {
      type: 'object',
      additionalProperties: false,
      required: ['enabled'],
      properties: {
        enabled: { type: 'boolean' },
        assignmentDelaySeconds: { type: 'integer', minimum: 0 },
        retryAfterHeader: { type: 'boolean' },
      },
    },
  },
} as const

/** Ids the demo section needs from the demo tenant. */
export interface DemoPodIdentityIds {
  tenantId: string
}

const DEMO_CLUSTER = 'aks-demo'
const DEMO_RESOURCE_GROUP = 'rg-aks-demo'
/** The node resource group AKS creates for aks-demo (`MC_<rg>_<cluster>_<location>`). */
const DEMO_NODE_RESOURCE_GROUP = 'MC_rg-aks-demo_aks-demo_eastus'

const demoId = (kind: string, name: string) =>
  stableGuid('aks-auth-sim/contoso/pod-identity', `${kind}:${name}`)

/** Stable ids of the demo's identities (docs/pod-identity.md lists them). */
export const DEMO_POD_IDENTITY = {
  ordersClientId: demoId('client', 'orders-api-identity'),
  ordersPrincipalId: demoId('principal', 'orders-api-identity'),
  inventoryClientId: demoId('client', 'inventory-identity'),
  inventoryPrincipalId: demoId('principal', 'inventory-identity'),
  kubeletClientId: demoId('client', 'aks-demo-agentpool'),
  kubeletPrincipalId: demoId('principal', 'aks-demo-agentpool'),
  billingAppId: demoId('app', 'billing-app'),
  billingServicePrincipalId: demoId('sp', 'billing-app'),
} as const

const serviceAccount = (namespace: string, name: string, annotations: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace, annotations },
})

const workloadPod = (namespace: string, name: string, sa: string, image: string): KubernetesManifest => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: sa, [USE_LABEL]: 'true' } },
  spec: { serviceAccountName: sa, containers: [{ name: sa, image }] },
})

const graphRead = [{ resource: 'https://graph.microsoft.com', applicationPermissions: ['Group.Read.All'] }]

/**
 * The demo: `orders-api-identity` (a user-assigned identity) federated to `dev/orders-api`, the app
 * registration `billing-app` federated to `prod/billing`, and a deliberately broken pair for the
 * workshop — `inventory-identity`, whose credential's issuer lacks the trailing slash, used by
 * `dev/inventory`. The node pool carries the kubelet identity and orders-api-identity, so IMDS
 * without a client_id answers "Multiple user assigned identities exist".
 */
export function demoPodIdentity(ids: DemoPodIdentityIds): PodIdentityScenario {
  const d = DEMO_POD_IDENTITY
  const issuer = `{oidcIssuer:${DEMO_CLUSTER}}`
  return {
    clusters: [
      {
        cluster: DEMO_CLUSTER,
        webhookVersion: 'v1.5',
        nodeIdentities: ['aks-demo-agentpool', 'orders-api-identity'],
      },
    ],
    managedIdentities: [
      {
        name: 'orders-api-identity',
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: 'eastus',
        clientId: d.ordersClientId,
        principalId: d.ordersPrincipalId,
        permissions: graphRead,
        federatedIdentityCredentials: [
          {
            name: 'aks-demo-dev-orders-api',
            issuer: `${issuer}/`,
            subject: 'system:serviceaccount:dev:orders-api',
          },
        ],
      },
      {
        name: 'inventory-identity',
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: 'eastus',
        clientId: d.inventoryClientId,
        principalId: d.inventoryPrincipalId,
        permissions: graphRead,
        federatedIdentityCredentials: [
          // The workshop's bug: no trailing slash, so the exchange fails with AADSTS700211.
          { name: 'aks-demo-dev-inventory', issuer, subject: 'system:serviceaccount:dev:inventory' },
        ],
      },
      {
        name: 'aks-demo-agentpool',
        resourceGroup: DEMO_NODE_RESOURCE_GROUP,
        location: 'eastus',
        clientId: d.kubeletClientId,
        principalId: d.kubeletPrincipalId,
      },
    ],
    applications: [
      {
        name: 'billing-app',
        appId: d.billingAppId,
        servicePrincipalId: d.billingServicePrincipalId,
        permissions: graphRead,
        federatedIdentityCredentials: [
          {
            name: 'aks-demo-prod-billing',
            issuer: `${issuer}/`,
            subject: 'system:serviceaccount:prod:billing',
            description: 'prod/billing on aks-demo',
          },
        ],
      },
    ],
    objects: [
      serviceAccount('dev', 'orders-api', { [CLIENT_ID_ANNOTATION]: d.ordersClientId }),
      serviceAccount('prod', 'billing', {
        [CLIENT_ID_ANNOTATION]: d.billingAppId,
        'azure.workload.identity/tenant-id': ids.tenantId,
      }),
      serviceAccount('dev', 'inventory', { [CLIENT_ID_ANNOTATION]: d.inventoryClientId }),
      workloadPod('dev', 'orders-api-0', 'orders-api', 'contoso.azurecr.io/orders-api:1.4.2'),
      workloadPod('prod', 'billing-0', 'billing', 'contoso.azurecr.io/billing:2.0.1'),
      workloadPod('dev', 'inventory-0', 'inventory', 'contoso.azurecr.io/inventory:0.9.0'),
    ],
    federation: { propagationDelaySeconds: 0, legacyErrors: false },
  }
}

export const defaultFicAudiences = () => [TOKEN_EXCHANGE_AUDIENCE]
