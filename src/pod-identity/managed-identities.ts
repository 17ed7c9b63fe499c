/**
 * User-assigned managed identities and the app registrations of the `podIdentity` section. A managed
 * identity is, to Entra, a service principal: each becomes a directory application whose appId is the
 * identity's client ID and whose service principal is its principal ID, so the token endpoint, Graph
 * and Azure RBAC know it without a second directory. The ARM side keeps the resource shape.
 */
import type { UserAssignedIdentity } from '../arm/index.js'
import { stableGuid } from '../kernel/ids.js'
import type { ApplicationInput } from '../kernel/directory-input.js'
import type { ManagedIdentitySpec, PodIdentityScenario, PodIdentityScenarioInput } from './scenario.js'

/** The ARM resource provider's shape of a user-assigned identity (declared by ARM, which serves it). */
export type ManagedIdentity = UserAssignedIdentity

export const DEFAULT_SUBSCRIPTION = '00000000-0000-0000-0000-000000000001'

const lower = (s: string) => s.toLowerCase()

export function identityIds(tenantId: string, spec: ManagedIdentitySpec, subscriptionId: string) {
  const key = `${subscriptionId}/${spec.resourceGroup}/${spec.name}`.toLowerCase()
  return {
    clientId: lower(spec.clientId ?? stableGuid(tenantId, `uami-client:${key}`)),
    principalId: lower(spec.principalId ?? stableGuid(tenantId, `uami-principal:${key}`)),
  }
}

export function managedIdentityResourceId(
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`
}

export function resolveManagedIdentities(scenario: PodIdentityScenarioInput): ManagedIdentity[] {
  const tenantId = lower(scenario.tenant.id)
  const subscriptionId = scenario.azure?.subscriptionId ?? DEFAULT_SUBSCRIPTION
  const defaultLocation = scenario.azure?.managedClusters[0]?.location ?? 'eastus'
  return (scenario.podIdentity?.managedIdentities ?? []).map((spec) => {
    const { clientId, principalId } = identityIds(tenantId, spec, subscriptionId)
    const resourceId = managedIdentityResourceId(subscriptionId, spec.resourceGroup, spec.name)
    return {
      name: spec.name,
      subscriptionId,
      resourceGroup: spec.resourceGroup,
      location: spec.location ?? defaultLocation,
      clientId,
      principalId,
      tenantId,
      resourceId,
      mirid: resourceId.replace('/resourceGroups/', '/resourcegroups/'),
    }
  })
}

/**
 * Directory applications for the section: one per managed identity (appId = client ID) and the
 * workload app registrations. The simulator passes them to `createDirectory` with the first-party apps.
 */
export function podIdentityApplications(scenario: PodIdentityScenarioInput): ApplicationInput[] {
  const section: PodIdentityScenario = scenario.podIdentity ?? {}
  const mis = resolveManagedIdentities(scenario)
  return [
    ...mis.map((mi, i) => ({
      name: mi.name,
      appId: mi.clientId,
      servicePrincipalId: mi.principalId,
      ...(section.managedIdentities?.[i]?.permissions && {
        permissions: section.managedIdentities[i].permissions,
      }),
    })),
    ...(section.applications ?? []).map((a) => ({
      name: a.name,
      appId: a.appId,
      ...(a.servicePrincipalId && { servicePrincipalId: a.servicePrincipalId }),
      ...(a.permissions && { permissions: a.permissions }),
    })),
  ]
}
