/**
 * The scenario file: one Entra tenant (the directory input the kernel declares) and one section per
 * service slice, each declared by the slice that reads it. `schema.ts` is the authority on what a
 * file may contain.
 */
import type { AzureScenario } from '../azure-rbac/index.js'
import type { DirectoryInput } from '../kernel/directory-input.js'
import type { PodIdentityScenario } from '../pod-identity/index.js'
import type { KubernetesScenario } from '../rbac/index.js'

export interface Scenario extends DirectoryInput {
  /** Azure resources and role assignments (managed clusters, Azure RBAC). */
  azure?: AzureScenario
  /** The simulated cluster's objects (namespaces, RBAC, workloads). */
  kubernetes?: KubernetesScenario
  /** Workload identity federation, managed identities, IMDS and pod-managed identity. */
  podIdentity?: PodIdentityScenario
}
