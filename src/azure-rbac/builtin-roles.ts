/**
 * Built-in Azure role definitions the simulator knows, copied field for field from the generated
 * Microsoft documentation (MicrosoftDocs/azure-docs, `articles/role-based-access-control/built-in-roles/`):
 * containers.md at commit 0088bfa7 (ms.date 06/30/2025) for the Azure Kubernetes Service roles,
 * privileged.md at 0b8729ea for Owner, Contributor and User Access Administrator, general.md at 03e5750a for Reader, identity.md at
 * 1b4e136a (ms.date 07/01/2026) for the Managed Identity roles (the docs list no separate role for
 * federated identity credentials: Managed Identity Contributor carries their actions).
 */
import type { RoleDefinition } from './model.js'

const CONTAINERS = 'azure-docs built-in-roles/containers.md @0088bfa7'
const CS = 'Microsoft.ContainerService/managedClusters'
const IDENTITY = 'azure-docs built-in-roles/identity.md @1b4e136a'
const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities'
const READ_RESOURCE_METADATA = [
  'Microsoft.Authorization/*/read',
  'Microsoft.Resources/subscriptions/operationresults/read',
  'Microsoft.Resources/subscriptions/read',
  'Microsoft.Resources/subscriptions/resourceGroups/read',
]

const role = (
  id: string,
  roleName: string,
  description: string,
  source: string,
  p: { actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[] },
): RoleDefinition => ({
  id,
  roleName,
  description,
  roleType: 'BuiltInRole',
  assignableScopes: ['/'],
  permissions: [
    {
      actions: p.actions ?? [],
      notActions: p.notActions ?? [],
      dataActions: p.dataActions ?? [],
      notDataActions: p.notDataActions ?? [],
    },
  ],
  source,
})

const READER_DATA_ACTIONS = [
  'apps/controllerrevisions/read',
  'apps/daemonsets/read',
  'apps/deployments/read',
  'apps/replicasets/read',
  'apps/statefulsets/read',
  'autoscaling/horizontalpodautoscalers/read',
  'batch/cronjobs/read',
  'batch/jobs/read',
  'configmaps/read',
  'discovery.k8s.io/endpointslices/read',
  'endpoints/read',
  'events.k8s.io/events/read',
  'events/read',
  'extensions/daemonsets/read',
  'extensions/deployments/read',
  'extensions/ingresses/read',
  'extensions/networkpolicies/read',
  'extensions/replicasets/read',
  'limitranges/read',
  'metrics.k8s.io/pods/read',
  'metrics.k8s.io/nodes/read',
  'namespaces/read',
  'networking.k8s.io/ingresses/read',
  'networking.k8s.io/networkpolicies/read',
  'persistentvolumeclaims/read',
  'pods/read',
  'policy/poddisruptionbudgets/read',
  'replicationcontrollers/read',
  'resourcequotas/read',
  'serviceaccounts/read',
  'services/read',
].map((a) => `${CS}/${a}`)

// Listed in the documentation's order (it is not alphabetical: batch/jobs/* follows discovery.k8s.io).
const WRITER_DATA_ACTIONS = [
  'apps/controllerrevisions/read',
  'apps/daemonsets/*',
  'apps/deployments/*',
  'apps/replicasets/*',
  'apps/statefulsets/*',
  'autoscaling/horizontalpodautoscalers/*',
  'batch/cronjobs/*',
  'coordination.k8s.io/leases/read',
  'coordination.k8s.io/leases/write',
  'coordination.k8s.io/leases/delete',
  'discovery.k8s.io/endpointslices/read',
  'batch/jobs/*',
  'configmaps/*',
  'endpoints/*',
  'events.k8s.io/events/read',
  'events/*',
  'extensions/daemonsets/*',
  'extensions/deployments/*',
  'extensions/ingresses/*',
  'extensions/networkpolicies/*',
  'extensions/replicasets/*',
  'limitranges/read',
  'metrics.k8s.io/pods/read',
  'metrics.k8s.io/nodes/read',
  'namespaces/read',
  'networking.k8s.io/ingresses/*',
  'networking.k8s.io/networkpolicies/*',
  'persistentvolumeclaims/*',
  'pods/*',
  'policy/poddisruptionbudgets/*',
  'replicationcontrollers/*',
  'resourcequotas/read',
  'secrets/*',
  'serviceaccounts/*',
  'services/*',
].map((a) => `${CS}/${a}`)

// ---- Azure Container Registry roles (issue 17; containers.md @0088bfa7) --------------------------
// Legacy mode honours the AcrPull/AcrPush/AcrDelete control-plane actions; ABAC mode the
// "Container Registry Repository …" dataActions (docs/acr.md). Kept as one block so other role
// additions merge beside it.
const ACR = 'Microsoft.ContainerRegistry/registries'
const REPO_READ = [`${ACR}/repositories/metadata/read`, `${ACR}/repositories/content/read`]
const REPO_WRITE = [...REPO_READ, `${ACR}/repositories/metadata/write`, `${ACR}/repositories/content/write`]
const REPO_DELETE = [
  ...REPO_WRITE,
  `${ACR}/repositories/metadata/delete`,
  `${ACR}/repositories/content/delete`,
]
const CONTAINER_REGISTRY_ROLES: readonly RoleDefinition[] = [
  role('7f951dda-4ed3-4680-a7ca-43fe172d538d', 'AcrPull', 'acr pull', CONTAINERS, {
    actions: [`${ACR}/pull/read`],
  }),
  role('8311e382-0749-4cb8-b61a-304f252e45ec', 'AcrPush', 'acr push', CONTAINERS, {
    actions: [`${ACR}/pull/read`, `${ACR}/push/write`],
  }),
  role('c2f4ef07-c644-48eb-af81-4b1b4947fb11', 'AcrDelete', 'acr delete', CONTAINERS, {
    actions: [`${ACR}/artifacts/delete`],
  }),
  role('6cef56e8-d556-48e5-a04f-b8e64114680f', 'AcrImageSigner', 'acr image signer', CONTAINERS, {
    actions: [`${ACR}/sign/write`],
    dataActions: [`${ACR}/trustedCollections/write`],
  }),
  role(
    'b93aa761-3e63-49ed-ac28-beffa264f7ac',
    'Container Registry Repository Reader',
    'Allows for read access to Azure Container Registry repositories, but excluding catalog listing.',
    CONTAINERS,
    { dataActions: REPO_READ },
  ),
  role(
    '2a1e307c-b015-4ebd-883e-5b7698a07328',
    'Container Registry Repository Writer',
    'Allows for read and write access to Azure Container Registry repositories, but excluding catalog listing.',
    CONTAINERS,
    { dataActions: REPO_WRITE },
  ),
  role(
    '2efddaa5-3f1f-4df3-97df-af3f13818f4c',
    'Container Registry Repository Contributor',
    'Allows for read, write, and delete access to Azure Container Registry repositories, but excluding catalog listing.',
    CONTAINERS,
    { dataActions: REPO_DELETE },
  ),
  role(
    'bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7',
    'Container Registry Repository Catalog Lister',
    'Allows for listing all repositories in an Azure Container Registry.',
    CONTAINERS,
    { dataActions: [`${ACR}/catalog/read`] },
  ),
]

export const BUILTIN_ROLES: readonly RoleDefinition[] = [
  role(
    '0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8',
    'Azure Kubernetes Service Cluster Admin Role',
    'List cluster admin credential action.',
    CONTAINERS,
    {
      actions: [
        `${CS}/listClusterAdminCredential/action`,
        `${CS}/accessProfiles/listCredential/action`,
        `${CS}/read`,
        `${CS}/runcommand/action`,
      ],
    },
  ),
  role(
    '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
    'Azure Kubernetes Service Cluster User Role',
    'List cluster user credential action.',
    CONTAINERS,
    {
      actions: [`${CS}/listClusterUserCredential/action`, `${CS}/read`],
    },
  ),
  role(
    'ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8',
    'Azure Kubernetes Service Contributor Role',
    'Grants access to read and write Azure Kubernetes Service clusters',
    CONTAINERS,
    {
      actions: [
        'Microsoft.Authorization/*/read',
        'Microsoft.ContainerService/locations/*',
        `${CS}/*`,
        'Microsoft.ContainerService/managedclustersnapshots/*',
        'Microsoft.ContainerService/snapshots/*',
        'Microsoft.Insights/alertRules/*',
        'Microsoft.Resources/deployments/*',
        'Microsoft.Resources/subscriptions/resourceGroups/read',
      ],
    },
  ),
  role(
    '3498e952-d568-435e-9b2c-8d77e338d7f7',
    'Azure Kubernetes Service RBAC Admin',
    'Lets you manage all resources under cluster/namespace, except update or delete resource quotas and namespaces.',
    CONTAINERS,
    {
      actions: [...READ_RESOURCE_METADATA, `${CS}/listClusterUserCredential/action`],
      dataActions: [`${CS}/*`],
      notDataActions: [
        `${CS}/resourcequotas/write`,
        `${CS}/resourcequotas/delete`,
        `${CS}/namespaces/write`,
        `${CS}/namespaces/delete`,
      ],
    },
  ),
  role(
    'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
    'Azure Kubernetes Service RBAC Cluster Admin',
    'Lets you manage all resources in the cluster.',
    CONTAINERS,
    {
      actions: [...READ_RESOURCE_METADATA, `${CS}/listClusterUserCredential/action`],
      dataActions: [`${CS}/*`],
    },
  ),
  role(
    '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
    'Azure Kubernetes Service RBAC Reader',
    'Allows read-only access to see most objects in a namespace. It does not allow viewing roles or role bindings. This role does not allow viewing Secrets, since reading the contents of Secrets enables access to ServiceAccount credentials in the namespace, which would allow API access as any ServiceAccount in the namespace (a form of privilege escalation). Applying this role at cluster scope will give access across all namespaces.',
    CONTAINERS,
    { actions: READ_RESOURCE_METADATA, dataActions: READER_DATA_ACTIONS },
  ),
  role(
    'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb',
    'Azure Kubernetes Service RBAC Writer',
    'Allows read/write access to most objects in a namespace.This role does not allow viewing or modifying roles or role bindings. However, this role allows accessing Secrets and running Pods as any ServiceAccount in the namespace, so it can be used to gain the API access levels of any ServiceAccount in the namespace. Applying this role at cluster scope will give access across all namespaces.',
    CONTAINERS,
    { actions: READ_RESOURCE_METADATA, dataActions: WRITER_DATA_ACTIONS },
  ),
  role(
    '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    'Owner',
    'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
    'azure-docs built-in-roles/privileged.md @0b8729ea',
    {
      actions: ['*'],
    },
  ),
  role(
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    'Contributor',
    'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    'azure-docs built-in-roles/privileged.md @0b8729ea',
    {
      actions: ['*'],
      notActions: [
        'Microsoft.Authorization/*/Delete',
        'Microsoft.Authorization/*/Write',
        'Microsoft.Authorization/elevateAccess/Action',
        'Microsoft.Blueprint/blueprintAssignments/write',
        'Microsoft.Blueprint/blueprintAssignments/delete',
        'Microsoft.Compute/galleries/share/action',
        'Microsoft.Purview/consents/write',
        'Microsoft.Purview/consents/delete',
        'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
        'Microsoft.Subscription/cancel/action',
        'Microsoft.Subscription/enable/action',
      ],
    },
  ),
  role(
    '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    'User Access Administrator',
    'Lets you manage user access to Azure resources.',
    'azure-docs built-in-roles/privileged.md @0b8729ea',
    {
      actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'],
    },
  ),
  role(
    'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    'Reader',
    'View all resources, but does not allow you to make any changes.',
    'azure-docs built-in-roles/general.md @03e5750a',
    {
      actions: ['*/read'],
    },
  ),
  role(
    'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
    'Managed Identity Contributor',
    'Create, Read, Update, and Delete User Assigned Identity',
    IDENTITY,
    {
      actions: [
        `${UAMI}/read`,
        `${UAMI}/write`,
        `${UAMI}/delete`,
        `${UAMI}/federatedIdentityCredentials/read`,
        `${UAMI}/federatedIdentityCredentials/write`,
        `${UAMI}/federatedIdentityCredentials/delete`,
        `${UAMI}/revokeTokens/action`,
        'Microsoft.Authorization/*/read',
        'Microsoft.Insights/alertRules/*',
        'Microsoft.Resources/subscriptions/resourceGroups/read',
        'Microsoft.Resources/deployments/*',
        'Microsoft.Support/*',
      ],
    },
  ),
  role(
    'f1a07417-d97a-45cb-824c-7a7467783830',
    'Managed Identity Operator',
    'Read and Assign User Assigned Identity',
    IDENTITY,
    {
      actions: [
        `${UAMI}/*/read`,
        `${UAMI}/*/assign/action`,
        'Microsoft.Authorization/*/read',
        'Microsoft.Insights/alertRules/*',
        'Microsoft.Resources/subscriptions/resourceGroups/read',
        'Microsoft.Resources/deployments/*',
        'Microsoft.Support/*',
      ],
    },
  ),
  ...CONTAINER_REGISTRY_ROLES,
]
