/**
 * Azure RBAC: role definitions and assignments, CheckAccess, and guard's mapping of a
 * SubjectAccessReview onto Azure data actions (docs/azure-rbac.md). The composition root builds the
 * store once; ARM writes it, the webhook and the UI read it.
 */
export {
  createAzureRbac,
  type AzureRbac,
  type AzureRbacDeps,
  type AzureRbacInit,
  type RoleAssignmentChanges,
  type RoleAssignmentInput,
  type RoleDefinitionChanges,
} from './store.js'
export type { CustomRoleInput } from './custom-roles.js'
export { azureDirectoryFrom } from './directory.js'
export {
  defaultDnsPrefix,
  resolveAzureScenario,
  type ResolvedAzure,
  type ResolvedCluster,
  type ResolvedRegistry,
} from './scenario-resolve.js'
export { createDecisionCache, type DecisionCache } from './decision-cache.js'
export {
  authorizeWithAzureRbac,
  type AzureAuthzDeps,
  type AzureAuthzExplanation,
  type AzureAuthzResult,
} from './authorize.js'
export { roleGrants } from './check-access.js'
export { mapSarToDataAction, scopeFor } from './sar-mapping.js'
export { inheritedScopes, isWithin, normaliseScope, parseScope } from './scope.js'
export {
  PRINCIPAL_TYPES,
  roleDefinitionResourceId,
  type PrincipalType,
  type RoleAssignment,
  type RoleDefinition,
} from './model.js'
export {
  azureScenarioSchema,
  demoAzure,
  DEMO_PARTNER_TOKEN_PASSWORD,
  type AzureScenario,
  type ContainerRegistrySpec,
  type RoleAssignmentMode,
} from './scenario.js'
export {
  ArmError,
  AuthorizationFailed,
  InvalidScope,
  ResourceGroupNotFound,
  ResourceNotFound,
  SubscriptionNotFound,
} from './errors.js'
