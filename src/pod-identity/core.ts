/**
 * The part of the slice that needs no Kubernetes objects, built first: per-cluster service-account
 * issuers, the federated credential store and the token-exchange verifier, managed identities, and
 * what it hands to Entra (managed-identity tokens, the federated assertion verifier), Graph
 * (applications' federatedIdentityCredentials), ARM (Microsoft.ManagedIdentity) and the API server
 * (the aad-pod-identity CRDs).
 */
import { join } from 'node:path'
import type { CustomResourceDefinition } from '../apiserver/index.js'
import type { FederatedAssertionVerifier, GrantHandler } from '../entra/index.js'
import type { GraphRoute } from '../graph/index.js'
import type { Handler } from '../http/index.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import { ConfigError } from '../kernel/errors.js'
import { jsonStateFile } from '../kernel/state-file.js'
import type { EventBus } from '../kernel/events.js'
import { createHttpsClient } from '../http/index.js'
import type { PodIdentityScenarioInput } from './scenario.js'
import type { WebhookLayout } from './constants.js'
import { aadPodIdentityCrds } from './crds.js'
import {
  createFederatedCredentialStore,
  type FederatedCredentialChanges,
  type FederatedCredentialStore,
} from './federated-credentials.js'
import type { ManagedIdentityProvider } from '../arm/index.js'
import { createManagedIdentityArm } from './fic-arm.js'
import { federatedCredentialsGraphRoute } from './fic-graph.js'
import { createIssuerMetadataCache, type IssuerMetadataCache } from './issuer-metadata.js'
import { createIssuerHandler } from './issuer-routes.js'
import { createServiceAccountIssuer, type ServiceAccountIssuer } from './issuer.js'
import type { ManagedIdentity } from './managed-identities.js'
import { withManagedIdentityTokens } from './mi-tokens.js'
import { describeFicProblem, issuerExpander, resolvePodIdentity, type ResolvedCluster } from './resolve.js'
import { createFederatedVerifier, type FederationSettings } from './token-exchange.js'

/** Switches the admin API and tests flip at run time; every part reads them on each use. */
export interface PodIdentitySettings {
  federation: FederationSettings
  webhookDown: boolean
  layout: WebhookLayout
  nmi: { enabled: boolean; assignmentDelaySeconds: number; retryAfterHeader: boolean; pollIntervalMs: number }
}

export interface PodIdentityCoreDeps {
  scenario: PodIdentityScenarioInput
  directory: Directory
  clock: Clock
  events: EventBus
  caPem: string
  stateDir: string
  /** Origin of the OIDC issuer listener. */
  oidcUrl: string
  /** Origin of the Graph listener (`@odata.context` of federatedIdentityCredentials). */
  graphBaseUrl: () => string
  /** Real-time interval of NMI's polls (real NMI: 5 s). */
  nmiPollIntervalMs?: number
}

export interface PodIdentityCore {
  readonly settings: PodIdentitySettings
  readonly identities: readonly ManagedIdentity[]
  readonly clusters: readonly ResolvedCluster[]
  /** The scenario's first cluster: the one the mock API server is. */
  readonly primary: ResolvedCluster
  identityByClientId: (clientId: string) => ManagedIdentity | undefined
  readonly issuers: ReadonlyMap<string, ServiceAccountIssuer>
  /** The primary cluster's service-account issuer. */
  readonly issuer: ServiceAccountIssuer
  readonly credentials: FederatedCredentialStore
  /** Entra's cache of federated issuers' OIDC metadata and keys. */
  readonly metadataCache: IssuerMetadataCache
  /** The OIDC issuer listener's handler (every cluster's discovery document and JWKS). */
  readonly oidcIssuerHandler: Handler
  /** For Entra: the grants with client_credentials issuing managed-identity tokens to managed identities. */
  entraGrants(grants: Map<string, GrantHandler>): Map<string, GrantHandler>
  /** For Entra: workload identity federation, the `federated` assertion verifier. */
  readonly federatedVerifier: FederatedAssertionVerifier
  /** For Graph: applications' federatedIdentityCredentials. */
  readonly graphRoute: GraphRoute
  /** For ARM: userAssignedIdentities and their federatedIdentityCredentials. */
  readonly arm: ManagedIdentityProvider
  /** For ARM: a cluster's OIDC issuer profile. */
  oidcIssuer: (cluster: string) => { enabled: boolean; issuerUrl: string } | undefined
  /** For the API server: the CRDs it serves (aad-pod-identity's, with pod-managed identity). */
  readonly customResourceDefinitions: readonly CustomResourceDefinition[]
  close(): void
}

export async function createPodIdentityCore(deps: PodIdentityCoreDeps): Promise<PodIdentityCore> {
  const resolved = resolvePodIdentity(deps.scenario, deps.directory)
  if (resolved.problems.length) throw new ConfigError(resolved.problems.map((p) => `scenario: ${p}`))
  const section = deps.scenario.podIdentity ?? {}
  const primary: ResolvedCluster = resolved.clusters[0]!
  const issuers = new Map<string, ServiceAccountIssuer>()
  for (const c of resolved.clusters)
    issuers.set(
      c.name,
      await createServiceAccountIssuer({
        cluster: c.name,
        origin: deps.oidcUrl,
        tenantId: deps.directory.tenant.id,
        uuid: c.issuerUuid,
        clock: deps.clock,
        oidcEnabled: c.oidcIssuerEnabled,
        rotationGraceSeconds: c.keyRotationGraceSeconds,
        stateDir: deps.stateDir,
      }),
    )
  const settings: PodIdentitySettings = {
    federation: {
      propagationDelaySeconds: section.federation?.propagationDelaySeconds ?? 0,
      legacyErrors: section.federation?.legacyErrors ?? false,
    },
    webhookDown: false,
    layout: primary.layout,
    nmi: {
      enabled: section.podManagedIdentity?.enabled ?? false,
      assignmentDelaySeconds: section.podManagedIdentity?.assignmentDelaySeconds ?? 0,
      retryAfterHeader: section.podManagedIdentity?.retryAfterHeader ?? false,
      pollIntervalMs: deps.nmiPollIntervalMs ?? 5000,
    },
  }

  const credentials = createFederatedCredentialStore({
    clock: deps.clock,
    expandIssuer: issuerExpander((name) => issuers.get(name)?.publicIssuer),
    // Credentials created through Graph or ARM survive a restart (docs/reliability.md#durability).
    changes: jsonStateFile<FederatedCredentialChanges>(
      join(deps.stateDir, 'federated-credentials.json'),
      0o600,
    ),
  })
  const ficProblems: string[] = []
  for (const c of resolved.credentials) {
    try {
      credentials.seed(c.ownerAppId, c.input)
    } catch (err) {
      ficProblems.push(
        `scenario: podIdentity '${c.owner}' credential '${String(c.input.name)}': ${describeFicProblem(err)}`,
      )
    }
  }
  if (ficProblems.length) throw new ConfigError(ficProblems)
  for (const p of credentials.restore())
    process.stderr.write(`aks-auth-sim: not restored (the scenario no longer allows it): ${p}\n`)
  const identityByClientId = (id: string) => resolved.identities.find((i) => i.clientId === id.toLowerCase())

  const httpsClient = createHttpsClient({ ca: deps.caPem, timeoutMs: 5000, maxResponseBytes: 1024 * 1024 })
  const metadataCache = createIssuerMetadataCache({ client: httpsClient, clock: deps.clock })
  // The aad-pod-identity CRDs are installed with pod-managed identity (as the AKS add-on does).
  const customResourceDefinitions = settings.nmi.enabled ? aadPodIdentityCrds() : []

  return {
    settings,
    identities: resolved.identities,
    clusters: resolved.clusters,
    primary,
    identityByClientId,
    issuers,
    issuer: issuers.get(primary.name)!,
    credentials,
    metadataCache,
    oidcIssuerHandler: createIssuerHandler(() => [...issuers.values()], deps.events),
    entraGrants: (grants) => withManagedIdentityTokens(grants, identityByClientId),
    federatedVerifier: createFederatedVerifier({
      credentials,
      metadata: metadataCache,
      settings: () => settings.federation,
    }),
    graphRoute: federatedCredentialsGraphRoute({
      directory: deps.directory,
      events: deps.events,
      graphBaseUrl: deps.graphBaseUrl,
      credentials,
      isManagedIdentity: (appId) => identityByClientId(appId) !== undefined,
    }),
    arm: createManagedIdentityArm({
      identities: () => resolved.identities,
      credentials,
      events: deps.events,
    }),
    oidcIssuer: (name) => {
      const issuer = issuers.get(name)
      return issuer && { enabled: issuer.oidcEnabled(), issuerUrl: issuer.publicIssuer }
    },
    customResourceDefinitions,
    close: () => httpsClient.close(),
  }
}
