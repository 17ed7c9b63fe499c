/**
 * Pod identities: workload identity federation (service-account issuer, webhook, TokenRequest,
 * token exchange) and managed identity (IMDS, pod-managed identity). See docs/pod-identity.md.
 */
export {
  createPodIdentity,
  DEFAULT_NODE,
  type PodIdentity,
  type PodIdentityDeps,
  type PodIdentitySettings,
} from './service.js'
export {
  podIdentityApplications,
  resolveManagedIdentities,
  type ManagedIdentity,
} from './managed-identities.js'
export { withPodIdentityAdmin } from './admin-routes.js'
export { createFicGraphRouter, withFederatedCredentialsGraph, applicationObjectId } from './fic-graph.js'
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
export * from './constants.js'
