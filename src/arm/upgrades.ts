/**
 * Kubernetes versions and upgrades: a cluster's upgrade profile (`az aks get-upgrades`,
 * ManagedClustersGetUpgradeProfile.json), the versions a region offers (`…/locations/{l}/kubernetesVersions`,
 * KubernetesVersions_List.json, and the older `…/orchestrators` that az 2.45's `az aks get-versions` calls).
 * The upgrade itself is a PUT of the cluster with a new `kubernetesVersion` (cluster-writes.ts).
 */
import type { ArmCaller } from './authenticate.js'
import type { ClusterRef } from './cluster-writes.js'
import type { ArmDeps } from './deps.js'
import { isPreview, upgradesFrom, VERSION_CATALOGUE } from './kubernetes-versions.js'
import { authorize, CLUSTER_TYPE, findCluster, subscriptionOf } from './managed-clusters.js'

export const VERSION_ACTIONS = {
  upgradeProfile: `${CLUSTER_TYPE}/upgradeProfiles/read`,
  kubernetesVersions: 'Microsoft.ContainerService/locations/kubernetesVersions/read',
  orchestrators: 'Microsoft.ContainerService/locations/orchestrators/read',
} as const

const upgradeList = (from: string) =>
  upgradesFrom(from).map((v) => ({ kubernetesVersion: v, ...(isPreview(v) && { isPreview: true }) }))

/** GET …/upgradeProfiles/default. */
export function getUpgradeProfile(caller: ArmCaller, deps: ArmDeps, r: ClusterRef & { profileId: string }) {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, VERSION_ACTIONS.upgradeProfile, r.profileId)
  const c = findCluster(deps, r)
  const s = deps.controlPlane.state(c)
  return {
    id: `/subscriptions/${c.subscriptionId}/resourcegroups/${c.resourceGroup}/providers/${CLUSTER_TYPE}/${c.name}/upgradeprofiles/default`,
    name: 'default',
    type: `${CLUSTER_TYPE}/upgradeprofiles`,
    properties: {
      controlPlaneProfile: {
        kubernetesVersion: s.currentKubernetesVersion,
        name: 'master',
        osType: 'Linux',
        upgrades: upgradeList(s.currentKubernetesVersion),
      },
      agentPoolProfiles: s.agentPools.map((p) => ({
        kubernetesVersion: p.currentOrchestratorVersion,
        name: p.name,
        osType: 'Linux',
        upgrades: upgradeList(p.currentOrchestratorVersion),
      })),
    },
  }
}

type LocationRef = { subscriptionId: string; location: string; id: string }

/** GET …/locations/{location}/kubernetesVersions. */
export function listKubernetesVersions(caller: ArmCaller, deps: ArmDeps, r: LocationRef) {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, VERSION_ACTIONS.kubernetesVersions, `/subscriptions/${r.subscriptionId}`)
  return {
    values: VERSION_CATALOGUE.map((m) => ({
      version: m.minor,
      ...(m.isDefault && { isDefault: true }),
      ...(m.isPreview && { isPreview: true }),
      capabilities: { supportPlan: ['KubernetesOfficial'] },
      patchVersions: Object.fromEntries(m.patches.map((p) => [p, { upgrades: upgradesFrom(p).reverse() }])),
    })),
  }
}

/** GET …/locations/{location}/orchestrators?resource-type=managedClusters (api-version 2019-08-01). */
export function listOrchestrators(caller: ArmCaller, deps: ArmDeps, r: LocationRef) {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, VERSION_ACTIONS.orchestrators, `/subscriptions/${r.subscriptionId}`)
  const defaultVersion = VERSION_CATALOGUE.find((m) => m.isDefault)?.patches.at(-1)
  return {
    id: `/subscriptions/${r.subscriptionId}/providers/Microsoft.ContainerService/locations/${r.location}/orchestrators`,
    name: 'default',
    type: 'Microsoft.ContainerService/locations/orchestrators',
    properties: {
      orchestrators: VERSION_CATALOGUE.flatMap((m) =>
        m.patches.map((v) => ({
          orchestratorType: 'Kubernetes',
          orchestratorVersion: v,
          ...(v === defaultVersion && { default: true }),
          ...(m.isPreview && { isPreview: true }),
          upgrades: upgradesFrom(v)
            .reverse()
            .map((u) => ({ orchestratorType: 'Kubernetes', orchestratorVersion: u })),
        })),
      ),
    },
  }
}
