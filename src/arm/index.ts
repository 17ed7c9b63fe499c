/**
 * The mock Azure Resource Manager: managed clusters and their credential actions, role assignments and
 * role definitions (docs/arm.md). The composition root builds `ArmDeps` and serves `createArmApp`.
 */
export { createArmApp } from './routes.js'
export type { ArmDeps, ClusterCredentialSource, ExecPlugin } from './deps.js'
export { clusterFqdn } from './managed-clusters.js'
export {
  ArmError,
  FederatedCredentialBadRequest,
  FederatedCredentialNotFound,
  ParentIdentityNotFound,
  ResourceNotFound,
} from './errors.js'
export type {
  CredentialRef,
  CredentialResource,
  IdentityRef,
  IdentityResource,
  ManagedIdentityProvider,
  PageQuery,
  UserAssignedIdentity,
} from './managed-identity-provider.js'
export {
  createControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
  type DesiredNode,
} from './control-plane.js'
export { nodeResourceGroupOf, NODE_IMAGE_VERSION } from './managed-clusters.js'
