/**
 * Pod identities: workload identity federation (service-account issuer, webhook, TokenRequest,
 * token exchange) and managed identity (IMDS, pod-managed identity). See docs/pod-identity.md.
 *
 * The composition root builds the slice in dependency order and hands each part to the service that
 * needs it at construction: the core (issuers, federated credentials, managed identities: Entra's
 * grant and assertion verifier, Graph's route, ARM's provider, the CRDs), then over the API server's
 * storage the cluster part (token authenticator, admission, TokenRequest), then, once the API server
 * exists, the workloads (pods, kubelet, IMDS/NMI, MIC).
 */
export { createPodIdentityCore, type PodIdentityCore, type PodIdentitySettings } from './core.js'
export { createPodIdentityCluster, type ApiServerExtensions, type PodIdentityCluster } from './cluster.js'
export { createPodWorkloads, type PodWorkloads } from './workloads.js'
export { podIdentityOf, type PodIdentity, type PodIdentityEndpoints } from './service.js'
export { podIdentityAdminExtension } from './admin-routes.js'
export {
  podIdentityApplications,
  resolveManagedIdentities,
  type ManagedIdentity,
} from './managed-identities.js'
export { applicationObjectId } from './fic-graph.js'
export { createManagedIdentityArm } from './fic-arm.js'
export { createMemoryCluster, type ClusterObjects, type K8sObject } from './cluster-objects.js'
export { encodeTokenRequestProto } from './token-request-proto.js'
export { mutatingWebhookConfiguration, webhookApplies } from './webhook/apiserver-call.js'
export {
  DEMO_POD_IDENTITY,
  demoPodIdentity,
  podIdentityScenarioSchema,
  type PodIdentityScenario,
} from './scenario.js'
export {
  CLIENT_ID_ANNOTATION,
  TENANT_ID_ANNOTATION,
  TOKEN_EXCHANGE_AUDIENCE,
  USE_LABEL,
  type WebhookLayout,
} from './constants.js'
