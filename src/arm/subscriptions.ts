/**
 * Subscriptions as ARM lists them to a caller (azure-rest-api-specs GetSubscriptions.json,
 * GetSubscription.json): only those where the caller — the user or app, or one of its groups — holds a
 * role assignment at the subscription, below it (a resource group, a cluster, a namespace) or above it
 * (a management group, the root). Any other subscription does not exist for the caller: 404
 * SubscriptionNotFound, the answer for a subscription id nobody has.
 */
import { inheritedScopes, isWithin, normaliseScope } from '../azure-rbac/index.js'
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import { SubscriptionNotFound } from './errors.js'

/** What a new subscription is called when nobody renames it; the scenario gives no name. */
export const SUBSCRIPTION_DISPLAY_NAME = 'Azure subscription 1'

/** Whether the caller holds any role assignment at, above or below the subscription. */
export function canSeeSubscription(caller: ArmCaller, deps: ArmDeps, subscriptionId: string): boolean {
  const azure = deps.azure
  if (!azure || !deps.rbac || azure.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase())
    return false
  const scope = `/subscriptions/${azure.subscriptionId}`
  const above = new Set(inheritedScopes(scope, azure.hierarchy))
  const principals = new Set([caller.objectId, ...caller.groupIds].map((id) => id.toLowerCase()))
  return deps.rbac
    .roleAssignments()
    .some(
      (a) =>
        principals.has(a.principalId.toLowerCase()) &&
        (above.has(normaliseScope(a.scope)) || isWithin(a.scope, scope)),
    )
}

function toSubscription(deps: ArmDeps, subscriptionId: string): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId,
    tenantId: deps.directory.tenant.id,
    displayName: SUBSCRIPTION_DISPLAY_NAME,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  }
}

export function listSubscriptions(caller: ArmCaller, deps: ArmDeps): Record<string, unknown> {
  const azure = deps.azure
  const value =
    azure && canSeeSubscription(caller, deps, azure.subscriptionId)
      ? [toSubscription(deps, azure.subscriptionId)]
      : []
  return { value, count: { type: 'Total', value: value.length } }
}

export function getSubscription(
  caller: ArmCaller,
  deps: ArmDeps,
  subscriptionId: string,
): Record<string, unknown> {
  if (!canSeeSubscription(caller, deps, subscriptionId)) throw new SubscriptionNotFound(subscriptionId)
  return toSubscription(deps, deps.azure!.subscriptionId)
}
