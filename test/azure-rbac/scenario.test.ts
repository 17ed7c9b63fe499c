// The scenario's `azure` section: schema, the demo tenant's values, and resolution with problems
// reported by path.
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/kernel/errors.js'
import { isGuid } from '../../src/kernel/ids.js'
import { demoScenario } from '../../src/scenario/demo.js'
import { validateScenario } from '../../src/scenario/load.js'
import type { Scenario } from '../../src/scenario/types.js'
import { BUILTIN_ROLES } from '../../src/azure-rbac/builtin-roles.js'
import { azureDirectoryFrom } from '../../src/azure-rbac/directory.js'
import { DEMO_SUBSCRIPTION_ID, type AzureScenario } from '../../src/azure-rbac/scenario.js'
import { defaultDnsPrefix, resolveAzureScenario } from '../../src/azure-rbac/scenario-resolve.js'
import { scenarioDirectory } from './fixtures.js'

/** How many role assignments the demo scenario has (problems are reported past them). */
const DEMO_ASSIGNMENTS = demoScenario().azure!.roleAssignments.length

const schemaProblems = (edit: (a: Record<string, any>) => void): string[] => {
  const s = demoScenario() as Scenario & { azure: Record<string, any> }
  edit(s.azure)
  try {
    validateScenario(s, 's.yaml')
    return []
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
}

function resolve(edit: (a: AzureScenario) => void = () => {}) {
  const s = demoScenario()
  edit(s.azure!)
  const directory = azureDirectoryFrom(scenarioDirectory(s))
  return resolveAzureScenario(s.azure!, directory)
}

describe('azure scenario schema', () => {
  it('accepts the demo tenant', () => {
    expect(schemaProblems(() => {})).toEqual([])
  })

  it('rejects unknown keys, missing keys and malformed values with their paths', () => {
    const p = schemaProblems((a) => {
      a.colour = 'blue'
      a.subscriptionId = 'not-a-guid'
      a.managedClusters[0].aadProfile.managed = false
      a.managedClusters[0].name = '-bad-'
      delete a.managedClusters[0].disableLocalAccounts
      a.roleAssignments[0].principalType = 'Robot'
      a.roleAssignments.push({ principal: 'x', role: 'Reader' })
    })
    expect(p).toEqual(
      expect.arrayContaining([
        "s.yaml: azure: unknown key 'colour'",
        expect.stringMatching(/^s\.yaml: azure\.subscriptionId: must match pattern/),
        expect.stringMatching(
          /^s\.yaml: azure\.managedClusters\[0\]\.aadProfile\.managed: must be equal to constant/,
        ),
        expect.stringMatching(/^s\.yaml: azure\.managedClusters\[0\]\.name: must match pattern/),
        "s.yaml: azure.managedClusters[0]: missing required key 'disableLocalAccounts'",
        's.yaml: azure.roleAssignments[0].principalType: must be one of ["User","Group","ServicePrincipal"]',
        `s.yaml: azure.roleAssignments[${DEMO_ASSIGNMENTS}]: missing required key 'scope'`,
      ]),
    )
  })
})

const REGISTRIES = `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/rg-aks-demo/providers/Microsoft.ContainerRegistry/registries`

describe('demoAzure', () => {
  it('has the demo subscription, resource group and cluster', () => {
    const r = resolve()
    expect(r.problems).toEqual([])
    expect(r.subscriptionId).toBe(DEMO_SUBSCRIPTION_ID)
    expect(r.resourceGroups).toEqual([{ name: 'rg-aks-demo', location: 'eastus' }])
    const s = demoScenario()
    const groupId = scenarioDirectory(s).group('aks-admins')!.id
    expect(r.clusters).toEqual([
      {
        name: 'aks-demo',
        resourceGroup: 'rg-aks-demo',
        location: 'eastus',
        kubernetesVersion: '1.32.4',
        dnsPrefix: 'aks-demo-rg-aks-demo-000000',
        subscriptionId: DEMO_SUBSCRIPTION_ID,
        resourceId: `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/rg-aks-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo`,
        aadProfile: {
          managed: true,
          enableAzureRbac: true,
          adminGroupObjectIds: [groupId],
          tenantId: s.tenant.id,
        },
        disableLocalAccounts: false,
        agentPools: [{ name: 'nodepool1', count: 3, vmSize: 'Standard_DS2_v2', mode: 'System' }],
      },
    ])
  })

  it('assigns the roles the demo story needs', () => {
    const r = resolve()
    const dir = scenarioDirectory(demoScenario())
    const cluster = r.clusters[0]!.resourceId
    const who = (id: string) => dir.object(id)!
    const names = r.roleAssignments.map((a) => {
      const o = who(a.principalId)
      const name =
        o.kind === 'user'
          ? o.userPrincipalName.split(/[@_]/)[0]
          : o.kind === 'group'
            ? `group ${o.displayName}`
            : 'sp'
      return [
        name,
        r.roleDefinitions.find((d) => d.id === a.roleDefinitionId)!.roleName,
        a.scope.replace(cluster, 'cluster'),
      ]
    })
    expect(names).toEqual([
      ['alice', 'Azure Kubernetes Service Cluster Admin Role', 'cluster'],
      ['bob', 'Azure Kubernetes Service Cluster User Role', 'cluster'],
      ['frank', 'Azure Kubernetes Service RBAC Reader', 'cluster/namespaces/prod'],
      ['group sre', 'Azure Kubernetes Service Cluster User Role', 'cluster'],
      ['carol', 'Azure Kubernetes Service Cluster User Role', 'cluster'],
      [
        'alice',
        'Managed Identity Contributor',
        `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/rg-aks-demo`,
      ],
      [
        'alice',
        'Azure Kubernetes Service Contributor Role',
        `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/rg-aks-demo`,
      ],
      // Issue 17: the registries' assignments (docs/acr.md).
      ['group engineering', 'AcrPush', `${REGISTRIES}/contosoacr`],
      ['sp', 'AcrPush', `${REGISTRIES}/contosoacr`],
      ['group all-employees', 'Container Registry Repository Reader', `${REGISTRIES}/contosoteams`],
      ['alice', 'Container Registry Repository Contributor', `${REGISTRIES}/contosoteams`],
      ['alice', 'Container Registry Repository Catalog Lister', `${REGISTRIES}/contosoteams`],
      // What `az aks update --attach-acr contosoacr` assigns to the kubelet identity.
      ['sp', 'AcrPull', `${REGISTRIES}/contosoacr`],
    ])
  })

  it('derives the same assignment ids on every run', () => {
    expect(resolve().roleAssignments.map((a) => a.id)).toEqual(resolve().roleAssignments.map((a) => a.id))
    expect(resolve().roleAssignments.every((a) => isGuid(a.id))).toBe(true)
  })
})

describe('resolveAzureScenario problems', () => {
  it('names every bad reference with its path', () => {
    const r = resolve((a) => {
      a.managedClusters[0]!.aadProfile.adminGroupObjectIds.push('no-such-group')
      a.managedClusters.push({
        ...a.managedClusters[0]!,
        name: 'aks-two',
        resourceGroup: 'rg-missing',
        aadProfile: {
          ...a.managedClusters[0]!.aadProfile,
          tenantId: '11111111-2222-4333-8444-555555555555',
          adminGroupObjectIds: [],
        },
      })
      a.roleDefinitions = [
        { roleName: 'Reader', permissions: [{ actions: ['*/read'] }] },
        { roleName: 'Mine', assignableScopes: ['cluster:nowhere'], permissions: [{ dataActions: ['x'] }] },
      ]
      a.roleAssignments.push(
        { principal: 'nobody@contoso.onmicrosoft.com', role: 'Reader', scope: 'subscription' },
        { principal: 'bob@contoso.onmicrosoft.com', role: 'No Such Role', scope: 'subscription' },
        { principal: 'bob@contoso.onmicrosoft.com', role: 'Reader', scope: 'cluster:nowhere' },
        { principal: 'bob@contoso.onmicrosoft.com', role: 'Reader', scope: 'namespace:aks-demo/Bad_NS' },
        { principal: 'bob@contoso.onmicrosoft.com', role: 'Reader', scope: 'the whole thing' },
        {
          principal: 'bob@contoso.onmicrosoft.com',
          role: 'Reader',
          scope: '/subscriptions/11111111-2222-4333-8444-555555555555',
        },
        { principal: 'sre', principalType: 'User', role: 'Reader', scope: 'subscription' },
        {
          principal: 'bob@contoso.onmicrosoft.com',
          role: 'azure kubernetes service cluster user role',
          scope: 'cluster:aks-demo',
        },
        { principal: 'aks-webhook', role: 'Reader', scope: 'resourceGroup:rg-aks-demo' },
      )
    })
    expect(r.problems).toEqual([
      "azure.managedClusters[0].aadProfile.adminGroupObjectIds[1]: no group 'no-such-group'",
      "azure.managedClusters[1].resourceGroup: no resource group 'rg-missing'",
      `azure.managedClusters[1].aadProfile.tenantId: must be the scenario's tenant ${demoScenario().tenant.id} (Azure RBAC needs the subscription's tenant)`,
      "azure.roleDefinitions[0].roleName: a role named 'Reader' already exists",
      "azure.roleDefinitions[1].assignableScopes[0]: no managed cluster 'nowhere'",
      `azure.roleAssignments[${DEMO_ASSIGNMENTS}].principal: no user, group or application 'nobody@contoso.onmicrosoft.com'`,
      `azure.roleAssignments[${DEMO_ASSIGNMENTS + 1}].role: no role definition 'No Such Role'`,
      `azure.roleAssignments[${DEMO_ASSIGNMENTS + 2}].scope: no managed cluster 'nowhere'`,
      `azure.roleAssignments[${DEMO_ASSIGNMENTS + 3}].scope: 'Bad_NS' is not a valid namespace name`,
      `azure.roleAssignments[${DEMO_ASSIGNMENTS + 4}].scope: 'the whole thing' is neither an ARM scope id nor one of subscription, managementGroup, resourceGroup:<rg>, cluster:<name>, namespace:<cluster>/<ns>, registry:<name>`,
      `azure.roleAssignments[${DEMO_ASSIGNMENTS + 5}]: SubscriptionNotFound: The subscription '11111111-2222-4333-8444-555555555555' could not be found.`,
      expect.stringMatching(
        new RegExp(`^azure\\.roleAssignments\\[${DEMO_ASSIGNMENTS + 6}\\]: UnmatchedPrincipalType: `),
      ),
      `azure.roleAssignments[${DEMO_ASSIGNMENTS + 7}]: RoleAssignmentExists: The role assignment already exists.`,
    ])
    // The application's service principal is a valid principal.
    expect(r.roleAssignments.at(-1)).toMatchObject({
      principalType: 'ServicePrincipal',
      scope: `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/rg-aks-demo`,
    })
  })

  it('defaults a custom role’s assignable scope to the subscription and reads management-group scopes', () => {
    const r = resolve((a) => {
      a.managementGroupId = 'platform'
      a.roleDefinitions = [
        {
          roleName: 'Mine',
          permissions: [{ dataActions: ['Microsoft.ContainerService/managedClusters/pods/read'] }],
        },
      ]
      a.roleAssignments.push({ principal: 'sre', role: 'Reader', scope: 'managementGroup' })
      a.roleAssignments.push({ principal: 'sre', role: 'Mine', scope: 'managementGroup:platform' })
      a.roleAssignments.push({ principal: 'sre', role: 'Reader', scope: 'managementGroup:elsewhere' })
    })
    expect(r.roleDefinitions.at(-1)).toMatchObject({
      roleName: 'Mine',
      assignableScopes: [`/subscriptions/${DEMO_SUBSCRIPTION_ID}`],
    })
    expect(r.problems).toEqual([
      // Mine is assignable at the subscription only, not at the management group above it.
      expect.stringMatching(
        new RegExp(
          `^azure\\.roleAssignments\\[${DEMO_ASSIGNMENTS + 1}\\]: InvalidScope: The role definition '[0-9a-f-]+' is not available for assignment at scope '\\/providers\\/Microsoft.Management\\/managementGroups\\/platform'\\.$`,
        ),
      ),
      `azure.roleAssignments[${DEMO_ASSIGNMENTS + 2}]: InvalidScope: The management group 'elsewhere' could not be found.`,
    ])
    expect(r.hierarchy.managementGroupOf(DEMO_SUBSCRIPTION_ID)).toBe('platform')
  })

  it('computes az’s default DNS prefix', () => {
    expect(defaultDnsPrefix('myAKSCluster', 'my_rg.with(chars)', 'abcdef12-0000')).toBe(
      'myAKSClust-myrgwithchars-abcdef',
    )
    expect(defaultDnsPrefix('1cluster', 'rg', '123456')).toBe('a1cluster-rg-123456')
  })
})

describe('built-in roles', () => {
  it('have unique GUID ids and names, and the documented AKS ids', () => {
    expect(new Set(BUILTIN_ROLES.map((r) => r.id)).size).toBe(BUILTIN_ROLES.length)
    expect(new Set(BUILTIN_ROLES.map((r) => r.roleName)).size).toBe(BUILTIN_ROLES.length)
    expect(BUILTIN_ROLES.every((r) => isGuid(r.id) && r.source.startsWith('azure-docs'))).toBe(true)
    const id = (name: string) => BUILTIN_ROLES.find((r) => r.roleName === name)!.id
    expect(id('Azure Kubernetes Service Cluster Admin Role')).toBe('0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8')
    expect(id('Azure Kubernetes Service Cluster User Role')).toBe('4abbcc35-e782-43d8-92c5-2d3f1bd2253f')
    expect(id('Azure Kubernetes Service Contributor Role')).toBe('ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8')
    expect(id('Azure Kubernetes Service RBAC Admin')).toBe('3498e952-d568-435e-9b2c-8d77e338d7f7')
    expect(id('Azure Kubernetes Service RBAC Cluster Admin')).toBe('b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b')
    expect(id('Azure Kubernetes Service RBAC Reader')).toBe('7f6c6a51-bcf8-42ba-9220-52d62157d7db')
    expect(id('Azure Kubernetes Service RBAC Writer')).toBe('a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb')
    expect(id('Owner')).toBe('8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
    expect(id('Contributor')).toBe('b24988ac-6180-42a0-ab88-20f7382dd24c')
    expect(id('Reader')).toBe('acdd72a7-3385-48ef-bd42-f606fba81ae7')
  })

  it('keep the documented shape: Reader/Writer cannot list credentials, Admin/Cluster Admin can; Reader has 31 read actions', () => {
    const perms = (name: string) => BUILTIN_ROLES.find((r) => r.roleName === name)!.permissions[0]!
    const cred = 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'
    expect(perms('Azure Kubernetes Service RBAC Reader').actions).not.toContain(cred)
    expect(perms('Azure Kubernetes Service RBAC Writer').actions).not.toContain(cred)
    expect(perms('Azure Kubernetes Service RBAC Admin').actions).toContain(cred)
    expect(perms('Azure Kubernetes Service RBAC Cluster Admin').actions).toContain(cred)
    expect(perms('Azure Kubernetes Service RBAC Reader').dataActions).toHaveLength(31)
    expect(perms('Azure Kubernetes Service RBAC Writer').dataActions).toHaveLength(35)
    expect(
      perms('Azure Kubernetes Service RBAC Reader').dataActions.every(
        (a) => a.endsWith('/read') && !a.includes('secrets'),
      ),
    ).toBe(true)
    expect(perms('Azure Kubernetes Service RBAC Admin').notDataActions).toHaveLength(4)
  })
})
