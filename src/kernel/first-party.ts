/**
 * Microsoft first-party applications that exist in every Entra tenant. A scenario need not list them;
 * listing one with the same appId overrides the built-in entry.
 */
import type { ApplicationInput } from './directory-input.js'

export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630'
export const AKS_CLIENT_APP_ID = '80faf920-1908-4b52-b5ef-a8e7bedfc67a'
export const AZURE_CLI_APP_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'
export const ARM_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013'
/**
 * The resource `https://containerregistry.azure.net` (ACR's data-plane audience). Its real appId is not
 * in the public sources we have (docs/differences.md); this one is fixed and marked as the simulator's.
 */
export const CONTAINER_REGISTRY_APP_ID = '2b9c7c3b-5b1e-4c0a-9a6c-000000000017'

const GRAPH_APP_ROLES = [
  'User.Read.All',
  'User.ReadBasic.All',
  'Group.Read.All',
  'GroupMember.Read.All',
  'Directory.Read.All',
  'Application.Read.All',
  'Application.ReadWrite.All',
]
const GRAPH_DELEGATED_SCOPES = [
  'User.Read',
  'User.ReadBasic.All',
  'User.Read.All',
  'Group.Read.All',
  'GroupMember.Read.All',
  'Directory.Read.All',
  'email',
  'openid',
  'profile',
  'offline_access',
]

/** The Azure CLI's delegated Graph permissions (a real `az ad` token's `scp`). */
const AZURE_CLI_GRAPH_SCOPES = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'AuditLog.Read.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'Directory.AccessAsUser.All',
  'email',
  'Group.ReadWrite.All',
  'openid',
  'profile',
  'User.ReadWrite.All',
]

export const firstPartyApplications: ApplicationInput[] = [
  {
    name: 'Azure Kubernetes Service AAD Server',
    appId: AKS_SERVER_APP_ID,
    accessTokenVersion: 1,
    // AKS tokens carry the user's security groups; above 200 the overage claim replaces them.
    groupMembershipClaims: 'SecurityGroup',
    exposedScopes: ['user.read'],
  },
  { name: 'Azure Kubernetes Service AAD Client', appId: AKS_CLIENT_APP_ID, publicClient: true },
  {
    name: 'Microsoft Azure CLI',
    appId: AZURE_CLI_APP_ID,
    publicClient: true,
    // What Microsoft pre-consents for the CLI's `az ad …` commands: the `scp` of its Graph tokens.
    permissions: [{ resource: GRAPH_APP_ID, delegatedPermissions: AZURE_CLI_GRAPH_SCOPES }],
  },
  {
    name: 'Microsoft Graph',
    appId: GRAPH_APP_ID,
    identifierUris: ['https://graph.microsoft.com', 'https://graph.microsoft.com/'],
    accessTokenVersion: 1,
    exposedScopes: GRAPH_DELEGATED_SCOPES,
    appRoles: GRAPH_APP_ROLES,
  },
  {
    name: 'Windows Azure Service Management API',
    appId: ARM_APP_ID,
    identifierUris: ['https://management.azure.com/', 'https://management.core.windows.net/'],
    accessTokenVersion: 1,
    exposedScopes: ['user_impersonation'],
  },
  {
    name: 'Azure Container Registry',
    appId: CONTAINER_REGISTRY_APP_ID,
    identifierUris: ['https://containerregistry.azure.net', 'https://containerregistry.azure.net/'],
    accessTokenVersion: 1,
    exposedScopes: ['user_impersonation'],
  },
]
