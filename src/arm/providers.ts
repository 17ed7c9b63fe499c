/**
 * Resource providers (azure-rest-api-specs GetProvider.json): the namespaces the simulator serves, each
 * with its resource types and their published api-versions. `az resource show` without
 * `--api-version` reads these to pick a version; `az provider register` (which `az aks create` and
 * friends call) answers Registered at once — the simulator's namespaces are always registered.
 */
import type { ArmCaller } from './authenticate.js'
import { publishedApiVersions, type ArmResourceType } from './api-version.js'
import type { ArmDeps } from './deps.js'
import { InvalidResourceNamespace, SubscriptionNotFound } from './errors.js'
import { authorize, subscriptionOf } from './managed-clusters.js'
import { canSeeSubscription } from './subscriptions.js'

interface ProviderSpec {
  namespace: string
  registrationPolicy: 'RegistrationRequired' | 'RegistrationFree'
  /** Resource type name → the simulator's type whose versions it publishes. */
  types: { resourceType: string; versionsOf: ArmResourceType; located: boolean; capabilities?: string }[]
}

const TRACKED =
  'CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SupportsTags, SupportsLocation'

function specs(deps: ArmDeps): ProviderSpec[] {
  const out: ProviderSpec[] = [
    {
      namespace: 'Microsoft.Authorization',
      registrationPolicy: 'RegistrationFree',
      types: [
        {
          resourceType: 'roleAssignments',
          versionsOf: 'roleAssignments',
          located: false,
          capabilities: 'SupportsExtension',
        },
        {
          resourceType: 'roleDefinitions',
          versionsOf: 'roleDefinitions',
          located: false,
          capabilities: 'SupportsExtension',
        },
      ],
    },
    {
      namespace: 'Microsoft.ContainerService',
      registrationPolicy: 'RegistrationRequired',
      types: [
        {
          resourceType: 'managedClusters',
          versionsOf: 'managedClusters',
          located: true,
          capabilities: `${TRACKED.replace(', SupportsTags', ', SystemAssignedResourceIdentity, SupportsTags')}`,
        },
      ],
    },
  ]
  if (deps.managedIdentities)
    out.push({
      namespace: 'Microsoft.ManagedIdentity',
      registrationPolicy: 'RegistrationRequired',
      types: [
        {
          resourceType: 'userAssignedIdentities',
          versionsOf: 'userAssignedIdentities',
          located: true,
          capabilities: TRACKED,
        },
        {
          resourceType: 'userAssignedIdentities/federatedIdentityCredentials',
          versionsOf: 'federatedIdentityCredentials',
          located: true,
          capabilities: 'None',
        },
      ],
    })
  if (deps.registries)
    out.push({
      namespace: 'Microsoft.ContainerRegistry',
      registrationPolicy: 'RegistrationRequired',
      types: [
        { resourceType: 'registries', versionsOf: 'registries', located: true, capabilities: TRACKED },
        {
          resourceType: 'registries/scopeMaps',
          versionsOf: 'registryScopeMaps',
          located: true,
          capabilities: 'None',
        },
        {
          resourceType: 'registries/tokens',
          versionsOf: 'registryTokens',
          located: true,
          capabilities: 'None',
        },
      ],
    })
  return out
}

function toProvider(deps: ArmDeps, subscriptionId: string, p: ProviderSpec): Record<string, unknown> {
  const locations = [...new Set(deps.azure?.clusters.map((c) => c.location) ?? [])]
  return {
    id: `/subscriptions/${subscriptionId}/providers/${p.namespace}`,
    namespace: p.namespace,
    registrationState: 'Registered',
    registrationPolicy: p.registrationPolicy,
    resourceTypes: p.types.map((t) => ({
      resourceType: t.resourceType,
      locations: t.located ? locations : [],
      apiVersions: publishedApiVersions(t.versionsOf),
      ...(t.capabilities !== undefined && { capabilities: t.capabilities }),
    })),
  }
}

/** The subscription as the caller sees it: ARM's provider reads need access to the subscription. */
function visibleSubscription(caller: ArmCaller, deps: ArmDeps, subscriptionId: string): string {
  const azure = subscriptionOf(deps, subscriptionId)
  if (!canSeeSubscription(caller, deps, subscriptionId)) throw new SubscriptionNotFound(subscriptionId)
  return azure.subscriptionId
}

function specOf(deps: ArmDeps, namespace: string): ProviderSpec {
  const p = specs(deps).find((x) => x.namespace.toLowerCase() === namespace.toLowerCase())
  if (!p) throw new InvalidResourceNamespace(namespace)
  return p
}

export function listProviders(caller: ArmCaller, deps: ArmDeps, subscriptionId: string) {
  const s = visibleSubscription(caller, deps, subscriptionId)
  return { value: specs(deps).map((p) => toProvider(deps, s, p)) }
}

export function getProvider(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; namespace: string },
): Record<string, unknown> {
  const s = visibleSubscription(caller, deps, r.subscriptionId)
  return toProvider(deps, s, specOf(deps, r.namespace))
}

/** POST …/providers/{namespace}/register: needs `{namespace}/register/action` at the subscription. */
export function registerProvider(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; namespace: string },
): Record<string, unknown> {
  const s = subscriptionOf(deps, r.subscriptionId).subscriptionId
  const p = specOf(deps, r.namespace)
  authorize(caller, deps, `${p.namespace}/register/action`, `/subscriptions/${r.subscriptionId}`)
  return toProvider(deps, s, p)
}
