/**
 * What the mock Azure Resource Manager needs from the composition root: the Azure state (subscription,
 * resource groups, managed clusters, role assignments), token verification inputs, the sources of the
 * cluster credentials it hands out (API server URL, cluster CA, admin certificate, and the exec command
 * the user kubeconfig runs), and Microsoft.ManagedIdentity's resource provider.
 */
import type { AzureRbac, ResolvedAzure, ResolvedCluster, ResolvedRegistry } from '../azure-rbac/index.js'
import type { ControlPlane } from './control-plane.js'
import type { Issuers } from '../entra/index.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import type { KeyStore } from '../kernel/keys.js'
import type { ManagedIdentityProvider } from './managed-identity-provider.js'
import type { RegistryService } from '../acr/index.js'

/** How the user kubeconfig starts the credential plugin (this repo's CLI, by absolute paths). */
export interface ExecPlugin {
  /** Absolute path of the program: the node binary. */
  command: string
  /** Arguments before `get-token …`: the absolute path of bin/aks-auth-sim.js. */
  argsPrefix: string[]
  /** `env` entries of the exec section (how the plugin finds the simulator's CA and clock). */
  env: { name: string; value: string }[]
}

export interface ClusterCredentialSource {
  /** The mock kube-apiserver's URL, once it listens; the cluster's public FQDN otherwise. */
  apiServerUrl(): string | undefined
  /** PEM of the CA the API server's certificate chains to (`certificate-authority-data`). */
  caPem: string
  /** The admin kubeconfig's client certificate: CN=masterclient, O=system:masters. */
  adminCertificate(): Promise<{ certPem: string; keyPem: string }>
  /** The local admin account's static token, if the API server has one. */
  adminToken(): string | undefined
  exec: ExecPlugin
}

/** The registries' settings, from the composition root (one entry per registry listener). */
export type RegistrySettingsStore = Pick<RegistryService, 'settings' | 'updateSettings'>[]

export interface RegistryLifecycle {
  /**
   * Resolves once the registry listens, its settings are on disk and it is recorded: true; false when
   * a registry of that name came into being meanwhile (a concurrent PUT).
   */
  create(spec: ResolvedRegistry): Promise<boolean>
  /** Resolves once its listener is closed and its storage removed. */
  remove(name: string): Promise<void>
}

export interface ArmDeps {
  /** The scenario's `azure` section, resolved; undefined when the scenario has none (no subscription). */
  azure: ResolvedAzure | undefined
  rbac: AzureRbac | undefined
  directory: Directory
  keys: KeyStore
  clock: Clock
  events: EventBus
  faults: FaultRegistry
  issuers: () => Issuers
  /** Origin of the Entra host (for `--authority-host` and error texts). */
  authority: () => string
  credentials: ClusterCredentialSource
  /**
   * The cluster's service-account issuer (the pod-identity slice's): whether the OIDC issuer is
   * enabled and its public URL, for `oidcIssuerProfile` (what `az aks show --query
   * oidcIssuerProfile.issuerUrl` reads to create federated credentials). Absent: not reported.
   */
  oidcIssuer?: (clusterName: string) => { enabled: boolean; issuerUrl: string } | undefined
  /**
   * Microsoft.ManagedIdentity's resource provider (user-assigned identities and their federated
   * credentials: the pod-identity slice's `arm`). Without it the namespace is unknown, as before.
   */
  managedIdentities?: ManagedIdentityProvider
  /**
   * Microsoft.ContainerRegistry: the registries' settings (the acr slice's services). Without it the
   * namespace is unknown.
   */
  registries?: RegistrySettingsStore
  /**
   * Creating and deleting registries (`PUT`/`DELETE …/registries/{name}`): the composition root opens
   * or closes the registry's listener and storage and records it in the state dir. Without it ARM
   * refuses both.
   */
  registryLifecycle?: RegistryLifecycle
  /** The clusters' control-plane state and long-running operations (createControlPlane). */
  controlPlane: ControlPlane
}

export type { ResolvedAzure, ResolvedCluster }
