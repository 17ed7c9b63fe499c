/**
 * The scenario's Azure side: the resolved `azure` section (subscriptions, the managed cluster), and
 * the one Azure RBAC store ARM writes and the webhook and the UI read.
 */
import {
  azureDirectoryFrom,
  createAzureRbac,
  resolveAzureScenario,
  type AzureRbac,
  type ResolvedAzure,
  type ResolvedCluster,
  type RoleAssignmentChanges,
  type RoleDefinitionChanges,
} from '../azure-rbac/index.js'
import type { Directory } from '../kernel/directory.js'
import { ConfigError } from '../kernel/errors.js'
import { newGuid } from '../kernel/ids.js'
import type { StateFile } from '../kernel/state-file.js'
import type { Scenario } from '../scenario/index.js'
import type { UiAzure } from '../ui/index.js'
import {
  registryLedger as registryLedgerOf,
  type RegistryChanges,
  type RegistryLedger,
} from './registry-ledger.js'

export interface AzureSide {
  azure: ResolvedAzure | undefined
  rbac: AzureRbac | undefined
  /** The managed cluster the mock API server is (the first one). */
  cluster: ResolvedCluster | undefined
  /** Registries created and deleted over ARM (absent without a state file for them). */
  registryLedger?: RegistryLedger
}

/**
 * `changes`: where role assignments made through ARM or the UI are kept (the state dir's);
 * `definitionChanges`: the custom roles written over ARM; `registryChanges`: the registries created
 * and deleted over ARM, applied before the role assignments are replayed (their scopes must exist).
 */
export function azureSide(
  scenario: Scenario,
  directory: Directory,
  changes?: StateFile<RoleAssignmentChanges>,
  definitionChanges?: StateFile<RoleDefinitionChanges>,
  registryChanges?: StateFile<RegistryChanges>,
): AzureSide {
  if (!scenario.azure) return { azure: undefined, rbac: undefined, cluster: undefined }
  const azure = resolveAzureScenario(scenario.azure, azureDirectoryFrom(directory))
  if (azure.problems.length > 0) throw new ConfigError(azure.problems.map((p) => `scenario: ${p}`))
  const registryLedger = registryChanges && registryLedgerOf(azure, registryChanges)
  const rbac = createAzureRbac(azure, {
    directory: azureDirectoryFrom(directory),
    newGuid,
    checkScope: azure.checkScope,
    ...(changes && { changes }),
    ...(definitionChanges && { definitionChanges }),
  })
  return { azure, rbac, cluster: azure.clusters[0], ...(registryLedger && { registryLedger }) }
}

/** The UI's view of Azure RBAC for the cluster (the access explorer, role-assignment controls). */
export function uiAzure(side: AzureSide): UiAzure | undefined {
  const { rbac, cluster } = side
  return rbac && cluster
    ? {
        rbac,
        clusterResourceId: cluster.resourceId,
        clusterName: cluster.name,
        enabled: () => cluster.aadProfile.enableAzureRbac,
      }
    : undefined
}
