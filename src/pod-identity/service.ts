/**
 * The slice as the simulator's users see it (`sim.podIdentity`, the admin API's `/pod-identity`
 * routes): its settings, identities, issuers, federated credentials, the cluster's objects, TokenRequest,
 * the webhook's configuration, the kubelet and simulated pods. Assembled by the composition root from
 * the parts it built in dependency order (core, then the API server's part, then the workloads).
 */
import type { ClusterObjects } from './cluster-objects.js'
import type { PodIdentityCluster } from './cluster.js'
import type { PodIdentityCore } from './core.js'
import type { PodWorkloads } from './workloads.js'

export interface PodIdentityEndpoints {
  imds: string
  oidcIssuer: { url: string; clusters: Record<string, string> }
  workloadIdentityWebhook: { url: string; configuration: string }
}

export interface PodIdentity
  extends
    Pick<
      PodIdentityCore,
      'settings' | 'identities' | 'clusters' | 'identityByClientId' | 'issuers' | 'issuer' | 'credentials'
    >,
    Pick<PodIdentityCore, 'metadataCache'>,
    Pick<PodIdentityCluster, 'tokenRequest' | 'webhookConfiguration' | 'webhookConfigurationFile'>,
    Pick<PodWorkloads, 'kubelet' | 'pods'> {
  readonly objects: ClusterObjects
  /** The slice's keys of `endpoints.json`. */
  endpoints(): PodIdentityEndpoints
}

export function podIdentityOf(
  core: PodIdentityCore,
  cluster: PodIdentityCluster,
  workloads: PodWorkloads,
  urls: { oidc: string; imds: string; webhook: string },
): PodIdentity {
  return {
    settings: core.settings,
    identities: core.identities,
    clusters: core.clusters,
    identityByClientId: core.identityByClientId,
    issuers: core.issuers,
    issuer: core.issuer,
    credentials: core.credentials,
    metadataCache: core.metadataCache,
    objects: cluster.objects,
    tokenRequest: cluster.tokenRequest,
    webhookConfiguration: cluster.webhookConfiguration,
    webhookConfigurationFile: cluster.webhookConfigurationFile,
    kubelet: workloads.kubelet,
    pods: workloads.pods,
    endpoints: () => ({
      imds: urls.imds,
      oidcIssuer: {
        url: urls.oidc,
        clusters: Object.fromEntries([...core.issuers].map(([name, i]) => [name, i.issuer()])),
      },
      workloadIdentityWebhook: {
        url: `${urls.webhook}/mutate-v1-pod`,
        configuration: cluster.webhookConfigurationFile,
      },
    }),
  }
}
