/**
 * The scenario's `azure` section: the subscription, the AKS managed cluster(s), custom role definitions
 * and role assignments. Schema here, demo tenant values in `demoAzure`, reference checks and ids in
 * scenario-resolve.ts (`resolveAzureScenario`).
 */
import { PRINCIPAL_TYPES, type PrincipalType } from './model.js'

export interface AzureScenario {
  subscriptionId: string
  /** The management group the subscription sits in (assignments there are inherited). */
  managementGroupId?: string
  /** Resource groups; when left out, the clusters' resource groups exist implicitly. */
  resourceGroups?: AzureResourceGroupSpec[]
  managedClusters: ManagedClusterSpec[]
  /** Azure Container Registries (Microsoft.ContainerRegistry/registries); docs/acr.md. */
  containerRegistries?: ContainerRegistrySpec[]
  /** Custom roles, next to the built-in ones (docs/azure-rbac.md lists those). */
  roleDefinitions?: CustomRoleSpec[]
  roleAssignments: RoleAssignmentSpec[]
}

export interface AzureResourceGroupSpec {
  name: string
  location?: string
}

export interface ManagedClusterSpec {
  name: string
  resourceGroup: string
  location: string
  /** Server version the API server reports, e.g. `1.32.4`. */
  kubernetesVersion: string
  /** Default: az's `<name[:10]>-<resourceGroup[:16]>-<subscriptionId[:6]>`. */
  dnsPrefix?: string
  aadProfile: {
    managed: true
    /** Azure RBAC for Kubernetes authorization (the authorization webhook). */
    enableAzureRbac: boolean
    /** Groups bound to cluster-admin: object ids or group display names. */
    adminGroupObjectIds: string[]
    /** Default: the scenario's tenant. */
    tenantId?: string
  }
  /** true makes `listClusterAdminCredential` fail (HTTP 400), as `--disable-local-accounts` does. */
  disableLocalAccounts: boolean
  /** Node pools (`agentPoolProfiles`); each node is a `Node` in the API server. Default: az aks create's `nodepool1`, 3 × Standard_DS2_v2. */
  agentPools?: AgentPoolSpec[]
}

export interface AgentPoolSpec {
  /** 1–12 lower-case letters and digits, starting with a letter (AKS's rule for Linux pools). */
  name: string
  count: number
  /** Default `Standard_DS2_v2`. */
  vmSize?: string
  /** Default `System` for the first pool, `User` for the others. */
  mode?: 'System' | 'User'
}

export const ROLE_ASSIGNMENT_MODES = ['LegacyRegistryPermissions', 'AbacRepositoryPermissions'] as const
export type RoleAssignmentMode = (typeof ROLE_ASSIGNMENT_MODES)[number]

/** A registry as ARM holds it, plus seeded content; the data plane is the acr slice's. */
export interface ContainerRegistrySpec {
  /** 5–50 letters and digits; the login server is derived from it (lowercase). */
  name: string
  resourceGroup: string
  location?: string
  sku?: 'Basic' | 'Standard' | 'Premium'
  /** Default LegacyRegistryPermissions. */
  roleAssignmentMode?: RoleAssignmentMode
  adminUserEnabled?: boolean
  anonymousPullEnabled?: boolean
  /** `policies.azureADAuthenticationAsArmPolicy.status`; default enabled (ARM-audience tokens accepted). */
  azureADAuthenticationAsArmPolicy?: 'enabled' | 'disabled'
  /** User-defined scope maps (the five system ones always exist). Actions: `repositories/<repo>/<action>`. */
  scopeMaps?: { name: string; description?: string; actions: string[] }[]
  /** Repository-scoped tokens: username = token name, password = one of its passwords. */
  tokens?: {
    name: string
    /** Scope map name (user-defined or `_repositories_*`). */
    scopeMap: string
    status?: 'enabled' | 'disabled'
    passwords: { name: 'password1' | 'password2'; value: string; expiry?: string }[]
  }[]
  /** Seeded images: each is a small generated OCI image (config + one layer), deterministic. */
  repositories?: {
    name: string
    images: { tags: string[]; ageDays: number; locked?: boolean }[]
  }[]
}

export interface CustomRoleSpec {
  /** Default: a GUID derived from the role name. */
  id?: string
  roleName: string
  description?: string
  /** ARM ids or short forms (see RoleAssignmentSpec.scope). Default: the subscription. */
  assignableScopes?: string[]
  permissions: {
    actions?: string[]
    notActions?: string[]
    dataActions?: string[]
    notDataActions?: string[]
  }[]
}

export interface RoleAssignmentSpec {
  /** Default: a GUID derived from principal, role and scope, stable across runs. */
  id?: string
  /** A user (UPN or object id), a group (name or object id), an application (name or appId). */
  principal: string
  principalType?: PrincipalType
  /** Role name (`Azure Kubernetes Service RBAC Reader`) or role definition GUID. */
  role: string
  /**
   * An ARM scope id, or a short form: `subscription`, `managementGroup`, `resourceGroup:<rg>`,
   * `cluster:<name>`, `namespace:<cluster>/<namespace>`, `registry:<name>`.
   */
  scope: string
  /** ABAC condition (version 2.0), honoured by registries in AbacRepositoryPermissions mode. */
  condition?: string
  conditionVersion?: '2.0'
}

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
const guid = { type: 'string', pattern: GUID } as const
const nonEmpty = { type: 'string', minLength: 1 } as const
const strings = { type: 'array', items: nonEmpty } as const
// Azure naming rules: resource groups 1–90 of letters, digits, _ ( ) - . (no trailing dot);
// AKS clusters 1–63 of letters, digits, _ and -, starting and ending alphanumeric.
const resourceGroupName = { type: 'string', pattern: '^[-\\w.()]{0,89}[-\\w()]$' } as const
const clusterName = { type: 'string', pattern: '^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$' } as const

export const azureScenarioSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['subscriptionId', 'managedClusters', 'roleAssignments'],
  properties: {
    subscriptionId: guid,
    managementGroupId: { type: 'string', pattern: '^[-\\w.()]{1,90}$' },
    resourceGroups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: resourceGroupName, location: nonEmpty },
      },
    },
    managedClusters: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'name',
          'resourceGroup',
          'location',
          'kubernetesVersion',
          'aadProfile',
          'disableLocalAccounts',
        ],
        properties: {
          name: clusterName,
          resourceGroup: resourceGroupName,
          location: { type: 'string', pattern: '^[a-z0-9]+$' },
          kubernetesVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$' },
          dnsPrefix: { type: 'string', pattern: '^[a-zA-Z0-9]([-a-zA-Z0-9]{0,52}[a-zA-Z0-9])?$' },
          aadProfile: {
            type: 'object',
            additionalProperties: false,
            required: ['managed', 'enableAzureRbac', 'adminGroupObjectIds'],
            properties: {
              managed: { const: true },
              enableAzureRbac: { type: 'boolean' },
              adminGroupObjectIds: { ...strings, uniqueItems: true },
              tenantId: guid,
            },
          },
          disableLocalAccounts: { type: 'boolean' },
          agentPools: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'count'],
              properties: {
                name: { type: 'string', pattern: '^[a-z][a-z0-9]{0,11}$' },
                count: { type: 'integer', minimum: 0, maximum: 1000 },
                vmSize: { type: 'string', pattern: '^[A-Za-z0-9_]+$' },
                mode: { enum: ['System', 'User'] },
              },
            },
          },
        },
      },
    },
    roleDefinitions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['roleName', 'permissions'],
        properties: {
          id: guid,
          roleName: nonEmpty,
          description: { type: 'string' },
          assignableScopes: { ...strings, minItems: 1 },
          permissions: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                actions: strings,
                notActions: strings,
                dataActions: strings,
                notDataActions: strings,
              },
            },
          },
        },
      },
    },
    roleAssignments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['principal', 'role', 'scope'],
        properties: {
          id: guid,
          principal: nonEmpty,
          principalType: { enum: [...PRINCIPAL_TYPES] },
          role: nonEmpty,
          scope: nonEmpty,
          condition: nonEmpty,
          conditionVersion: { const: '2.0' },
        },
      },
    },
    containerRegistries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'resourceGroup'],
        properties: {
          name: { type: 'string', pattern: '^[a-zA-Z0-9]{5,50}$' },
          resourceGroup: resourceGroupName,
          location: { type: 'string', pattern: '^[a-z0-9]+$' },
          sku: { enum: ['Basic', 'Standard', 'Premium'] },
          roleAssignmentMode: { enum: [...ROLE_ASSIGNMENT_MODES] },
          adminUserEnabled: { type: 'boolean' },
          anonymousPullEnabled: { type: 'boolean' },
          azureADAuthenticationAsArmPolicy: { enum: ['enabled', 'disabled'] },
          scopeMaps: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'actions'],
              properties: {
                name: { type: 'string', pattern: '^[a-zA-Z0-9-]{5,50}$' },
                description: { type: 'string' },
                actions: { ...strings, minItems: 1 },
              },
            },
          },
          tokens: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'scopeMap', 'passwords'],
              properties: {
                name: { type: 'string', pattern: '^[a-zA-Z0-9-]{5,50}$' },
                scopeMap: nonEmpty,
                status: { enum: ['enabled', 'disabled'] },
                passwords: {
                  type: 'array',
                  maxItems: 2,
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['name', 'value'],
                    properties: {
                      name: { enum: ['password1', 'password2'] },
                      value: { type: 'string', minLength: 8 },
                      expiry: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
                    },
                  },
                },
              },
            },
          },
          repositories: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'images'],
              properties: {
                name: {
                  type: 'string',
                  pattern: '^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$',
                },
                images: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['tags', 'ageDays'],
                    properties: {
                      tags: { type: 'array', items: { type: 'string', pattern: '^[\\w][\\w.-]{0,127}$' } },
                      ageDays: { type: 'integer', minimum: 0, maximum: 3650 },
                      locked: { type: 'boolean' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const

/** The demo subscription: a readable, fixed id. */
export const DEMO_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000001'
const DEMO_RESOURCE_GROUP = 'rg-aks-demo'
const DEMO_CLUSTER = 'aks-demo'

/** Ids of the demo tenant the Azure section refers to. */
export interface DemoAzureIds {
  tenantId: string
  userId(name: string): string
  groupId(name: string): string
}

/** The demo tenant's Azure state (docs/azure-rbac.md, "Demo tenant"). */
export function demoAzure(ids: DemoAzureIds): AzureScenario {
  const onCluster = `cluster:${DEMO_CLUSTER}`
  return {
    subscriptionId: DEMO_SUBSCRIPTION_ID,
    resourceGroups: [{ name: DEMO_RESOURCE_GROUP, location: 'eastus' }],
    managedClusters: [
      {
        name: DEMO_CLUSTER,
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: 'eastus',
        kubernetesVersion: '1.32.4',
        aadProfile: {
          managed: true,
          enableAzureRbac: true,
          adminGroupObjectIds: [ids.groupId('aks-admins')],
          tenantId: ids.tenantId,
        },
        disableLocalAccounts: false,
      },
    ],
    containerRegistries: demoRegistries(),
    roleAssignments: [
      {
        principal: ids.userId('alice'),
        role: 'Azure Kubernetes Service Cluster Admin Role',
        scope: onCluster,
      },
      { principal: ids.userId('bob'), role: 'Azure Kubernetes Service Cluster User Role', scope: onCluster },
      {
        principal: ids.userId('frank'),
        role: 'Azure Kubernetes Service RBAC Reader',
        scope: `namespace:${DEMO_CLUSTER}/prod`,
      },
      // So dave (through sre) and carol can download a kubeconfig with `az aks get-credentials`.
      { principal: ids.groupId('sre'), role: 'Azure Kubernetes Service Cluster User Role', scope: onCluster },
      {
        principal: ids.userId('carol'),
        role: 'Azure Kubernetes Service Cluster User Role',
        scope: onCluster,
      },
      // So the cluster admin can fix inventory-identity's federated credential in the workshop
      // (`aks-auth-sim identity federated-credential create`), as on Azure.
      {
        principal: ids.userId('alice'),
        role: 'Managed Identity Contributor',
        scope: `resourceGroup:${DEMO_RESOURCE_GROUP}`,
      },
      // The control plane (scale, upgrade, stop/start, access toggles): "control scaling or upgrading
      // your cluster using the AKS APIs, for example with the Azure Kubernetes Service Contributor role".
      {
        principal: ids.userId('alice'),
        role: 'Azure Kubernetes Service Contributor Role',
        scope: `resourceGroup:${DEMO_RESOURCE_GROUP}`,
      },
      ...demoRegistryAssignments(ids),
    ],
  }
}

/** Password of the demo registry's partner token (scope map `samples-read`), documented in docs/demo-tenant.md. */
export const DEMO_PARTNER_TOKEN_PASSWORD = 'Partner-Samples-Token-0001'
/** The repository prefix the ABAC registry's `all-employees` assignment is conditioned on. */
const ABAC_READ_PREFIX = 'orders/'
const readOnlyIn = (prefix: string) =>
  "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND " +
  "!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR " +
  `(@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase '${prefix}'))`

/** contosoacr (legacy permissions, seeded images, a partner token) and contosoteams (ABAC). */
function demoRegistries(): ContainerRegistrySpec[] {
  return [
    {
      name: 'contosoacr',
      resourceGroup: DEMO_RESOURCE_GROUP,
      location: 'eastus',
      sku: 'Premium',
      roleAssignmentMode: 'LegacyRegistryPermissions',
      scopeMaps: [
        {
          name: 'samples-read',
          description: 'Partner access: pull and list samples/*',
          actions: ['repositories/samples/*/content/read', 'repositories/samples/*/metadata/read'],
        },
      ],
      tokens: [
        {
          name: 'partner-token',
          scopeMap: 'samples-read',
          passwords: [{ name: 'password1', value: DEMO_PARTNER_TOKEN_PASSWORD }],
        },
      ],
      repositories: [
        {
          name: 'orders/api',
          images: [
            { tags: ['1.0.0'], ageDays: 120 },
            { tags: ['1.1.0'], ageDays: 45 },
            { tags: [], ageDays: 30 },
            { tags: ['1.2.0', 'latest'], ageDays: 2 },
          ],
        },
        {
          name: 'billing/worker',
          images: [
            { tags: ['2024.11'], ageDays: 400 },
            { tags: [], ageDays: 90 },
            { tags: ['2025.06', 'stable'], ageDays: 10, locked: true },
          ],
        },
        {
          name: 'samples/nginx',
          images: [
            { tags: ['1.25'], ageDays: 200 },
            { tags: ['1.27', 'latest'], ageDays: 7 },
          ],
        },
      ],
    },
    {
      name: 'contosoteams',
      resourceGroup: DEMO_RESOURCE_GROUP,
      location: 'eastus',
      sku: 'Standard',
      roleAssignmentMode: 'AbacRepositoryPermissions',
      repositories: [
        { name: 'orders/api', images: [{ tags: ['1.2.0'], ageDays: 3 }] },
        { name: 'billing/worker', images: [{ tags: ['2025.06'], ageDays: 10 }] },
      ],
    },
  ]
}

function demoRegistryAssignments(ids: DemoAzureIds): RoleAssignmentSpec[] {
  return [
    { principal: ids.groupId('engineering'), role: 'AcrPush', scope: 'registry:contosoacr' },
    { principal: 'ci-pipeline', role: 'AcrPush', scope: 'registry:contosoacr' },
    // ABAC: everyone may read orders/* only; alice may do everything and list the catalog.
    {
      principal: ids.groupId('all-employees'),
      role: 'Container Registry Repository Reader',
      scope: 'registry:contosoteams',
      condition: readOnlyIn(ABAC_READ_PREFIX),
      conditionVersion: '2.0',
    },
    {
      principal: ids.userId('alice'),
      role: 'Container Registry Repository Contributor',
      scope: 'registry:contosoteams',
    },
    {
      principal: ids.userId('alice'),
      role: 'Container Registry Repository Catalog Lister',
      scope: 'registry:contosoteams',
    },
  ]
}
