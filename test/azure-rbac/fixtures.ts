// Shared set-up for the Azure RBAC tests: the demo tenant, resolved and loaded into a store.
import { randomUUID } from 'node:crypto'
import { createDirectory, type Directory } from '../../src/kernel/directory.js'
import { demoScenario } from '../../src/scenario/demo.js'
import { firstPartyApplications } from '../../src/kernel/first-party.js'
import { validateScenario } from '../../src/scenario/load.js'
import type { Scenario } from '../../src/scenario/types.js'
import { azureDirectoryFrom } from '../../src/azure-rbac/directory.js'
import { podIdentityApplications } from '../../src/pod-identity/index.js'
import type { AzureDirectory } from '../../src/azure-rbac/model.js'
import { resolveAzureScenario, type ResolvedAzure } from '../../src/azure-rbac/scenario-resolve.js'
import { createAzureRbac, type AzureRbac } from '../../src/azure-rbac/store.js'

export interface World {
  scenario: Scenario
  directory: Directory
  azureDirectory: AzureDirectory
  resolved: ResolvedAzure
  rbac: AzureRbac
  cluster: string
  user(name: string): { upn: string; oid: string }
  group(name: string): string
}

/**
 * The directory exactly as the composition root builds it: the first-party applications and the
 * scenario's managed identities (service principals that hold roles, like the kubelet identity's AcrPull).
 */
export function scenarioDirectory(scenario: Scenario): Directory {
  return createDirectory(scenario, [...firstPartyApplications, ...podIdentityApplications(scenario)])
}

export function demoWorld(edit: (s: Scenario) => void = () => {}): World {
  const scenario = demoScenario()
  edit(scenario)
  validateScenario(scenario)
  const directory = scenarioDirectory(scenario)
  const azureDirectory = azureDirectoryFrom(directory)
  const resolved = resolveAzureScenario(scenario.azure!, azureDirectory)
  if (resolved.problems.length > 0) throw new Error(resolved.problems.join('\n'))
  const rbac = createAzureRbac(resolved, {
    directory: azureDirectory,
    newGuid: randomUUID,
    checkScope: resolved.checkScope,
  })
  return {
    scenario,
    directory,
    azureDirectory,
    resolved,
    rbac,
    cluster: resolved.clusters[0]!.resourceId,
    user(name) {
      const u = directory
        .users()
        .find(
          (x) => x.userPrincipalName.startsWith(`${name}@`) || x.userPrincipalName.startsWith(`${name}_`),
        )!
      return { upn: u.userPrincipalName, oid: u.id }
    },
    group: (name) => directory.group(name)!.id,
  }
}

/** A SubjectAccessReview body as kube-apiserver sends it, in v1 or v1beta1. */
export function sarBody(
  version: 'v1' | 'v1beta1',
  spec: {
    resourceAttributes?: Record<string, unknown>
    nonResourceAttributes?: Record<string, unknown>
    user?: string
    groups?: string[]
    extra?: Record<string, string[]>
  },
): Record<string, unknown> {
  const { groups, ...rest } = spec
  return {
    kind: 'SubjectAccessReview',
    apiVersion: `authorization.k8s.io/${version}`,
    metadata: { creationTimestamp: null },
    spec: { ...rest, ...(groups && { [version === 'v1' ? 'groups' : 'group']: groups }) },
    status: { allowed: false },
  }
}
