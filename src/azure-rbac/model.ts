/**
 * Azure RBAC data: role definitions (Microsoft.Authorization/roleDefinitions) and role assignments
 * (Microsoft.Authorization/roleAssignments), with ARM's field names. Ids are lowercase GUIDs; the
 * ARM resource ids are derived (`roleDefinitionResourceId`, `roleAssignmentResourceId`).
 */

export interface Permission {
  actions: string[]
  notActions: string[]
  dataActions: string[]
  notDataActions: string[]
}

export interface RoleDefinition {
  /** GUID, the `name` of the ARM resource. */
  id: string
  roleName: string
  description: string
  roleType: 'BuiltInRole' | 'CustomRole'
  assignableScopes: string[]
  permissions: Permission[]
  /** Where the definition came from (documentation path and commit, the scenario, or `arm`). */
  source: string
  /** Custom roles written over ARM: when and by whom (object id), as ARM returns them. */
  createdOn?: string
  updatedOn?: string
  createdBy?: string | null
  updatedBy?: string | null
}

export const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal'] as const
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number]

export interface RoleAssignment {
  /** GUID, the `name` of the ARM resource. */
  id: string
  principalId: string
  principalType: PrincipalType
  /** GUID of the role definition. */
  roleDefinitionId: string
  /** ARM scope the assignment was made at (management group … namespace). */
  scope: string
  /**
   * ABAC condition (version 2.0), e.g. on `@Request[Microsoft.ContainerRegistry/registries/repositories:name]`.
   * Only the registry's data plane evaluates it (src/acr); other surfaces ignore conditions.
   */
  condition?: string
  conditionVersion?: string
}

/** A directory object that can hold role assignments. */
export interface Principal {
  id: string
  type: PrincipalType
  displayName: string
}

/** Resolves a scenario reference (UPN, group name, application name, object id) to a principal. */
export interface AzureDirectory {
  tenantId: string
  findPrincipal(ref: string): Principal | undefined
}

export const roleDefinitionResourceId = (subscriptionId: string, roleDefinitionId: string): string =>
  `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionId}`

export const roleAssignmentResourceId = (a: RoleAssignment): string =>
  `${a.scope === '/' ? '' : a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.id}`

/** How CheckAccess prints ids in its verdicts: GUIDs without dashes. */
export const dashless = (guid: string): string => guid.replace(/-/g, '')
