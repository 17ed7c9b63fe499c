/**
 * Microsoft.ContainerService/managedClusters as ARM serves it: GET one cluster or a list, and the two
 * credential actions. ARM authorizes before it looks anything up — that is why AuthorizationFailed says
 * "or the scope is invalid" — so every operation checks the caller's Azure role assignments at the
 * requested scope first (after the subscription, which ARM itself knows), then the resource group and
 * cluster exist, then what AKS itself refuses.
 */
import { createHash } from 'node:crypto'
import type { ArmCaller } from './authenticate.js'
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

/**
 * The managed cluster resource, in the REST API's field names (ManagedClusterAADProfile: …IDs,
 * tenantID; oidcIssuerProfile.issuerURL). Workload identity needs the OIDC issuer on AKS, and the
 * simulator's webhook always runs, so `securityProfile.workloadIdentity.enabled` follows the issuer.
 */
export function toManagedCluster(
  c: ResolvedCluster,
  oidc?: { enabled: boolean; issuerUrl: string },
): Record<string, unknown> {
  const fqdn = clusterFqdn(c)
  return {
    id: `/subscriptions/${c.subscriptionId}/resourcegroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`,
    location: c.location,
    name: c.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    sku: { name: 'Base', tier: 'Free' },
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: c.kubernetesVersion,
      currentKubernetesVersion: c.kubernetesVersion,
      dnsPrefix: c.dnsPrefix,
      fqdn,
      azurePortalFQDN: fqdn.replace('.hcp.', '.portal.hcp.'),
      agentPoolProfiles: [
        {
          name: 'nodepool1',
          count: 1,
          vmSize: 'Standard_DS2_v2',
          osType: 'Linux',
          mode: 'System',
          provisioningState: 'Succeeded',
          powerState: { code: 'Running' },
          orchestratorVersion: c.kubernetesVersion,
          currentOrchestratorVersion: c.kubernetesVersion,
        },
      ],
      nodeResourceGroup: `MC_${c.resourceGroup}_${c.name}_${c.location}`,
      enableRBAC: true,
      aadProfile: {
        managed: true,
        enableAzureRBAC: c.aadProfile.enableAzureRbac,
        adminGroupObjectIDs: c.aadProfile.adminGroupObjectIds,
        tenantID: c.aadProfile.tenantId,
      },
      disableLocalAccounts: c.disableLocalAccounts,
      ...(oidc && {
        oidcIssuerProfile: oidc.enabled ? { enabled: true, issuerURL: oidc.issuerUrl } : { enabled: false },
        securityProfile: { workloadIdentity: { enabled: oidc.enabled } },
      }),
      maxAgentPools: 100,
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
  return toManagedCluster(c, deps.oidcIssuer?.(c.name))
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
  return { value: readable.map((c) => toManagedCluster(c, deps.oidcIssuer?.(c.name))) }
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
