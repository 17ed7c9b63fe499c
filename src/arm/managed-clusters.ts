/**
 * Microsoft.ContainerService/managedClusters as ARM serves it: GET one cluster or a list, and the two
 * credential actions. ARM authorizes before it looks anything up — that is why AuthorizationFailed says
 * "or the scope is invalid" — so every operation checks the caller's Azure role assignments at the
 * requested scope first (after the subscription, which ARM itself knows), then the resource group and
 * cluster exist, then what AKS itself refuses.
 */
import { createHash } from 'node:crypto'
import { stableGuid } from '../kernel/ids.js'
import type { ArmCaller } from './authenticate.js'
import type { AgentPoolState } from './control-plane-state.js'
import type { ArmDeps, ResolvedCluster } from './deps.js'
import {
  AuthorizationFailed,
  BadRequest,
  ResourceGroupNotFound,
  ResourceNotFound,
  SubscriptionNotFound,
} from './errors.js'
import { buildAdminKubeconfig, buildUserKubeconfig } from './kubeconfig.js'

export const CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters'
export const ACTIONS = {
  read: `${CLUSTER_TYPE}/read`,
  listUser: `${CLUSTER_TYPE}/listClusterUserCredential/action`,
  listAdmin: `${CLUSTER_TYPE}/listClusterAdminCredential/action`,
} as const

const lower = (s: string) => s.toLowerCase()

export function authorize(caller: ArmCaller, deps: ArmDeps, action: string, scope: string): void {
  if (!deps.rbac?.hasAction(caller.objectId, caller.groupIds, action, scope))
    throw new AuthorizationFailed(caller.name, caller.objectId, action, scope)
}

/** The scenario's subscription, if that is the one asked for (ARM knows it before authorizing). */
export function subscriptionOf(deps: ArmDeps, subscriptionId: string) {
  const azure = deps.azure
  if (!azure || lower(azure.subscriptionId) !== lower(subscriptionId))
    throw new SubscriptionNotFound(subscriptionId)
  return azure
}

export function findCluster(
  deps: ArmDeps,
  r: { subscriptionId: string; resourceGroup: string; name: string },
): ResolvedCluster {
  const azure = subscriptionOf(deps, r.subscriptionId)
  if (!azure.resourceGroups.some((g) => lower(g.name) === lower(r.resourceGroup)))
    throw new ResourceGroupNotFound(r.resourceGroup)
  const c = azure.clusters.find(
    (x) => lower(x.name) === lower(r.name) && lower(x.resourceGroup) === lower(r.resourceGroup),
  )
  if (!c) throw new ResourceNotFound(CLUSTER_TYPE, r.name, r.resourceGroup)
  return c
}

/** The API server's public name, as AKS derives it: `<dnsPrefix>-<8 hex>.hcp.<region>.azmk8s.io`. */
export function clusterFqdn(c: ResolvedCluster): string {
  const hash = createHash('sha256').update(lower(c.resourceId)).digest('hex').slice(0, 8)
  return `${c.dnsPrefix.toLowerCase()}-${hash}.hcp.${c.location}.azmk8s.io`
}

/** The cluster's system-assigned identity and its kubelet identity (`<cluster>-agentpool` in the node group). */
function identities(deps: ArmDeps, c: ResolvedCluster) {
  const nodeResourceGroup = nodeResourceGroupOf(c)
  const name = `${c.name}-agentpool`
  const declared = deps.managedIdentities
    ?.inGroup(c.subscriptionId, nodeResourceGroup)
    .find((mi) => lower(mi.name) === lower(name))
  return {
    principalId: stableGuid('aks-auth-sim/managed-cluster', `principal:${lower(c.resourceId)}`),
    kubelet: {
      resourceId:
        declared?.resourceId ??
        `/subscriptions/${c.subscriptionId}/resourcegroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
      clientId:
        declared?.clientId ?? stableGuid('aks-auth-sim/managed-cluster', `client:${lower(c.resourceId)}`),
      objectId:
        declared?.principalId ?? stableGuid('aks-auth-sim/managed-cluster', `kubelet:${lower(c.resourceId)}`),
    },
  }
}

export const nodeResourceGroupOf = (c: ResolvedCluster) => `MC_${c.resourceGroup}_${c.name}_${c.location}`

/** A node pool as AKS returns it (agentPoolProfiles[] and, with `properties`, the agentPools resource). */
export function toAgentPoolProperties(p: AgentPoolState): Record<string, unknown> {
  return {
    count: p.count,
    vmSize: p.vmSize,
    osDiskSizeGB: 128,
    osDiskType: 'Managed',
    kubeletDiskType: 'OS',
    maxPods: 250,
    type: 'VirtualMachineScaleSets',
    enableAutoScaling: false,
    scaleDownMode: 'Delete',
    provisioningState: p.provisioningState,
    powerState: { code: p.powerState },
    orchestratorVersion: p.orchestratorVersion,
    currentOrchestratorVersion: p.currentOrchestratorVersion,
    enableNodePublicIP: false,
    mode: p.mode,
    enableEncryptionAtHost: false,
    enableUltraSSD: false,
    osType: 'Linux',
    osSKU: 'Ubuntu',
    nodeImageVersion: NODE_IMAGE_VERSION,
    upgradeSettings: { maxSurge: '10%' },
    enableFIPS: false,
    securityProfile: { enableVTPM: false, enableSecureBoot: false },
  }
}

/** AKS's Ubuntu 22.04 node image (the simulator's fixed one). */
export const NODE_IMAGE_VERSION = 'AKSUbuntu-2204gen2containerd-202505.14.0'

/**
 * The managed cluster resource as a current API version returns it for an AAD-integrated, Azure
 * RBAC-enabled, managed-identity cluster (ManagedClustersGet.json and az aks show of such a cluster), in
 * the REST API's field names (ManagedClusterAADProfile: …IDs, tenantID; oidcIssuerProfile.issuerURL).
 * Workload identity needs the OIDC issuer on AKS, and the simulator's webhook always runs, so
 * `securityProfile.workloadIdentity.enabled` follows the issuer.
 */
export function toManagedCluster(deps: ArmDeps, c: ResolvedCluster): Record<string, unknown> {
  const s = deps.controlPlane.state(c)
  const oidc = deps.oidcIssuer?.(c.name)
  const fqdn = clusterFqdn(c)
  const nodeResourceGroup = nodeResourceGroupOf(c)
  const ids = identities(deps, c)
  return {
    id: `/subscriptions/${c.subscriptionId}/resourcegroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`,
    location: c.location,
    name: c.name,
    ...(Object.keys(s.tags).length > 0 && { tags: s.tags }),
    type: 'Microsoft.ContainerService/ManagedClusters',
    eTag: createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 8),
    sku: { name: 'Base', tier: 'Free' },
    identity: { type: 'SystemAssigned', principalId: ids.principalId, tenantId: c.aadProfile.tenantId },
    properties: {
      provisioningState: s.provisioningState,
      powerState: { code: s.powerState },
      kubernetesVersion: s.kubernetesVersion,
      currentKubernetesVersion: s.currentKubernetesVersion,
      dnsPrefix: c.dnsPrefix,
      fqdn,
      azurePortalFQDN: fqdn.replace('.hcp.', '.portal.hcp.'),
      agentPoolProfiles: s.agentPools.map((p) => ({ name: p.name, ...toAgentPoolProperties(p) })),
      servicePrincipalProfile: { clientId: 'msi' },
      nodeResourceGroup,
      enableRBAC: true,
      supportPlan: 'KubernetesOfficial',
      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkDataplane: 'azure',
        loadBalancerSku: 'standard',
        loadBalancerProfile: {
          managedOutboundIPs: { count: 1 },
          effectiveOutboundIPs: [
            {
              id: `/subscriptions/${c.subscriptionId}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.Network/publicIPAddresses/${stableGuid('aks-auth-sim/managed-cluster', `outbound-ip:${lower(c.resourceId)}`)}`,
            },
          ],
          backendPoolType: 'nodeIPConfiguration',
        },
        podCidr: '10.244.0.0/16',
        serviceCidr: '10.0.0.0/16',
        dnsServiceIP: '10.0.0.10',
        outboundType: 'loadBalancer',
        podCidrs: ['10.244.0.0/16'],
        serviceCidrs: ['10.0.0.0/16'],
        ipFamilies: ['IPv4'],
      },
      aadProfile: {
        managed: true,
        adminGroupObjectIDs: s.adminGroupObjectIds,
        enableAzureRBAC: s.enableAzureRbac,
        tenantID: c.aadProfile.tenantId,
      },
      maxAgentPools: 100,
      identityProfile: { kubeletidentity: ids.kubelet },
      autoUpgradeProfile: { nodeOSUpgradeChannel: 'NodeImage' },
      disableLocalAccounts: s.disableLocalAccounts,
      securityProfile: oidc ? { workloadIdentity: { enabled: oidc.enabled } } : {},
      storageProfile: {
        diskCSIDriver: { enabled: true },
        fileCSIDriver: { enabled: true },
        snapshotController: { enabled: true },
      },
      ...(oidc && {
        oidcIssuerProfile: oidc.enabled ? { enabled: true, issuerURL: oidc.issuerUrl } : { enabled: false },
      }),
      workloadAutoScalerProfile: {},
    },
  }
}

export function getManagedCluster(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; resourceGroup: string; name: string; id: string },
): Record<string, unknown> {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, ACTIONS.read, r.id)
  const c = findCluster(deps, r)
  return toManagedCluster(deps, c)
}

/** The clusters of a subscription or resource group the caller may read (ARM filters lists by access). */
export function listManagedClusters(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; resourceGroup?: string },
): { value: Record<string, unknown>[] } {
  const azure = subscriptionOf(deps, r.subscriptionId)
  if (r.resourceGroup && !azure.resourceGroups.some((g) => lower(g.name) === lower(r.resourceGroup!)))
    throw new ResourceGroupNotFound(r.resourceGroup)
  const readable = azure.clusters.filter(
    (c) =>
      (!r.resourceGroup || lower(c.resourceGroup) === lower(r.resourceGroup)) &&
      deps.rbac?.hasAction(caller.objectId, caller.groupIds, ACTIONS.read, c.resourceId),
  )
  return { value: readable.map((c) => toManagedCluster(deps, c)) }
}

function serverOf(deps: ArmDeps, c: ResolvedCluster): string {
  return deps.credentials.apiServerUrl() ?? `https://${clusterFqdn(c)}:443`
}

function emit(deps: ArmDeps, caller: ArmCaller, c: ResolvedCluster, kind: 'user' | 'admin'): void {
  deps.events.emit('credentials.listed', 'arm', {
    cluster: c.resourceId,
    kind,
    caller: caller.name,
    oid: caller.objectId,
  })
}

export interface CredentialResults {
  kubeconfigs: { name: string; value: string }[]
}

export function listClusterUserCredential(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; resourceGroup: string; name: string; id: string },
  query: Record<string, unknown>,
): CredentialResults {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, ACTIONS.listUser, r.id)
  const c = findCluster(deps, r)
  const format = query.format === undefined ? 'exec' : query.format
  if (format !== 'exec' && format !== 'azure')
    throw new BadRequest(
      `Invalid format '${typeof format === 'string' ? format : JSON.stringify(format)}'. Valid values are 'azure' and 'exec'.`,
    )
  const yaml = buildUserKubeconfig({
    cluster: c,
    server: serverOf(deps, c),
    source: deps.credentials,
    authority: deps.authority(),
    format,
  })
  emit(deps, caller, c, 'user')
  return { kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(yaml).toString('base64') }] }
}

export async function listClusterAdminCredential(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; resourceGroup: string; name: string; id: string },
): Promise<CredentialResults> {
  subscriptionOf(deps, r.subscriptionId)
  authorize(caller, deps, ACTIONS.listAdmin, r.id)
  const c = findCluster(deps, r)
  if (c.disableLocalAccounts) throw BadRequest.localAccountsDisabled()
  const yaml = await buildAdminKubeconfig({ cluster: c, server: serverOf(deps, c), source: deps.credentials })
  emit(deps, caller, c, 'admin')
  return { kubeconfigs: [{ name: 'clusterAdmin', value: Buffer.from(yaml).toString('base64') }] }
}
