/**
 * The composition root: the only place that builds the kernel (clock, keys, PKI, directory, events,
 * faults), the services and their listeners, and wires them together. `startSimulator` is the
 * programmatic API; the CLI's `start` command is a thin wrapper around it.
 *
 * Order: listeners first (so every URL is known), then each service built from explicit parts in
 * dependency order — the pod-identity core before Entra, Graph and ARM that take its parts; the API
 * server's storage before the RBAC engine and the pod-identity cluster part that read it; the API
 * server with those parts; the pod workloads over the API server — and each listener given its
 * application once.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createAdminApp, createControls, type SimulatorControls } from '../admin/index.js'
import { createArmApp, createControlPlane, nodeResourceGroupOf, type ControlPlane } from '../arm/index.js'
import type { AzureRbac, RoleAssignmentChanges, RoleDefinitionChanges } from '../azure-rbac/index.js'
import type { RegistryChanges } from './registry-ledger.js'
import { resolveConfig } from '../config/index.js'
import type { ResolvedConfig } from '../config/index.js'
import type { SimulatorOptions } from './options.js'
import {
  createAssertionAuthenticator,
  createDeviceCodeStore,
  createEntraApp,
  createGrantRegistry,
  createRefreshTokenStore,
  type EntraDeps,
} from '../entra/index.js'
import { createGraphApp } from '../graph/index.js'
import { requestLogLine } from '../http/index.js'
import { loadOrCreateAdminToken } from '../kernel/admin-token.js'
import { createDirectory, type Directory, type DirectoryChanges } from '../kernel/directory.js'
import { jsonStateFile } from '../kernel/state-file.js'
import type { Scenario } from '../scenario/index.js'
import type { Clock } from '../kernel/clock.js'
import { ConfigError } from '../kernel/errors.js'
import { acquireStateLock } from '../kernel/state-lock.js'
import type { EventBus } from '../kernel/events.js'
import type { KeyStore } from '../kernel/keys.js'
import type { Pki } from '../kernel/tls.js'
import {
  createPodIdentityCluster,
  createPodIdentityCore,
  createPodWorkloads,
  podIdentityAdminExtension,
  podIdentityApplications,
  podIdentityOf,
  type PodIdentity,
} from '../pod-identity/index.js'
import { firstPartyApplications } from '../kernel/first-party.js'
import { createUiService, kubernetesFromApiServer } from '../ui/index.js'
import { composeApiServer, composeApiServerStorage, type ComposedApiServer } from './apiserver.js'
import { azureSide, uiAzure } from './azure.js'
import { clusterCredentials } from './arm-credentials.js'
import { syncClusterNodes } from './cluster-nodes.js'
import { directorySummary, serviceEndpoints, writeEndpointsFile, type Endpoints } from './endpoints.js'
import { entraIssuers } from './issuers.js'
import { createKernel } from './kernel.js'
import { checkPublicHost, isLoopbackHost, openServiceListeners } from './listeners.js'
import { registriesAdminExtension } from '../acr/index.js'
import { startKubeletAcrPull } from './kubelet-acr-pull.js'
import { composeRegistries, type ComposedRegistries } from './registries.js'
import { ensureRoomObjects, roomScenario, uiRoom } from './room.js'
import { startingScenario } from './scenario.js'
import { writeCaFile } from './state-files.js'
import { composeWebhook } from './webhook.js'
import { writeWebhookKubeconfigs } from './webhook-kubeconfigs.js'

export interface Simulator extends Omit<SimulatorControls, 'endpoints'> {
  readonly endpoints: Endpoints
  readonly config: ResolvedConfig
  readonly directory: Directory
  readonly clockSource: Clock
  readonly keyStore: KeyStore
  readonly eventBus: EventBus
  /** The local CA certificate (PEM) that every HTTPS listener chains to. */
  readonly caPem: string
  readonly pki: Pki
  /** The admin API's credential (`Authorization: Bearer`), also in `<stateDir>/admin-token` (0600). */
  readonly adminToken: string
  /** The mock kube-apiserver (object store, RBAC source) and the Kubernetes RBAC engine over it. */
  readonly kube: ComposedApiServer
  /** Azure role definitions and assignments (when the scenario has an `azure` section). */
  readonly azureRbac: AzureRbac | undefined
  /** The AKS control plane: clusters' state and ARM's long-running operations (docs/arm.md). */
  readonly controlPlane: ControlPlane
  /** Workload identity (issuer, webhook, token exchange), managed identity (IMDS) and simulated pods. */
  readonly podIdentity: PodIdentity
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

export interface StartOptions extends SimulatorOptions {
  /** Where to keep the CA and certificates; default `<stateDir>/pki`. Lets many test simulators share one CA. */
  pkiDir?: string
  /** Called with errors that no renderer knew (bugs). Default: print to stderr. */
  onUnexpectedError?: (err: unknown) => void
  /** Where the request log (`logFormat` text or json) goes, one line per call. Default: stderr. */
  logSink?: (line: string) => void
}

/**
 * The directory and the Azure side, each with the changes users made at run time replayed from the
 * state dir (`directory-changes.json`, `role-assignments.json`) and saved there on every change.
 */
function directoryAndAzure(config: ResolvedConfig, scenario: Scenario, stateDir: string) {
  // Managed identities are service principals: they join the directory next to the first-party apps.
  const directory = createDirectory(
    scenario,
    [...firstPartyApplications, ...podIdentityApplications(scenario)],
    jsonStateFile<DirectoryChanges>(join(stateDir, 'directory-changes.json'), 0o600),
  )
  if (config.autoApprove && !directory.user(config.autoApprove))
    throw new ConfigError([`autoApprove: no user '${config.autoApprove}' in ${directory.tenant.domain}`])
  const azure = azureSide(
    scenario,
    directory,
    jsonStateFile<RoleAssignmentChanges>(join(stateDir, 'role-assignments.json'), 0o600),
    jsonStateFile<RoleDefinitionChanges>(join(stateDir, 'role-definitions.json'), 0o600),
    jsonStateFile<RegistryChanges>(join(stateDir, 'arm-registries.json'), 0o600),
  )
  return { directory, azure }
}

export async function startSimulator(options: StartOptions = {}): Promise<Simulator> {
  const config = resolveConfig(options)
  const startScenario = startingScenario(options.scenario)
  const ownsStateDir = config.stateDir === undefined
  const stateDir = resolve(config.stateDir ?? mkdtempSync(join(tmpdir(), 'aks-auth-sim-')))
  mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  // Keys, tokens and secrets live here: only the simulator's user may list or read it.
  chmodSync(stateDir, 0o700)
  await checkPublicHost(config.publicHosts)
  // One simulator per state dir (kernel/state-lock.ts): taken before anything in it is read or written.
  const lock = acquireStateLock(stateDir, (stale) =>
    process.stderr.write(
      `aks-auth-sim: taking over the lock of a simulator that is gone (pid ${stale.pid}, started ${stale.startedAt}) in ${stateDir}\n`,
    ),
  )
  const { directory, azure, scenario, attendees, demoUsers } = (() => {
    try {
      // Room mode's attendees join the scenario before anything is built from it (docs/room.md).
      const room = roomScenario(startScenario, {
        stateDir,
        count: config.room.attendees,
        resetPasswords: options.resetAttendeePasswords ?? false,
        demoPasswords: config.room.demoPasswords,
      })
      return { ...directoryAndAzure(config, room.scenario, stateDir), ...room }
    } catch (err) {
      lock.release()
      if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true })
      throw err
    }
  })()
  const { cluster } = azure
  const kernel = await createKernel({
    config,
    stateDir,
    pkiDir: options.pkiDir,
    onUnexpectedError: options.onUnexpectedError,
  }).catch((err: unknown) => {
    lock.release()
    throw err
  })
  const { clock, events, faults, pki, keys, metrics, onUnexpected } = kernel
  const adminToken = loadOrCreateAdminToken(stateDir)
  const logFormat = config.logFormat
  if (logFormat !== 'none') {
    const sink = options.logSink ?? ((line: string) => void process.stderr.write(`${line}\n`))
    events.subscribe((e) => {
      const line = requestLogLine(e, logFormat)
      if (line !== undefined) sink(line)
    })
  }
  // The control plane's saved state (scale, versions, access toggles) applies before any service reads it.
  const controlPlane = createControlPlane({
    azure: azure.azure,
    clock,
    events,
    stateFile: join(stateDir, 'control-plane.json'),
    operationMs: config.arm.operationSeconds * 1000,
    retryAfterSeconds: config.arm.retryAfterSeconds,
    // The served cluster keeps the node name its pods have always been scheduled on.
    scaleSetNumber: (c) => (c === cluster ? '12345678' : undefined),
  })
  controlPlane.applyAll()

  let closeListeners = async () => {}
  try {
    const opened = await openServiceListeners(config, pki, onUnexpected)
    closeListeners = opened.close
    const { listeners, urls: url } = opened
    const authority = url.entra
    const issuers = entraIssuers(config, authority, directory.tenant.id)
    const caFile = writeCaFile(stateDir, pki)
    // Read on every token request (the resource named by a scope may be Graph's): parsed once.
    const graphHost = new URL(url.graph).host
    // The device login page (verification_uri) is the web UI's, as microsoft.com/devicelogin is not the token host.
    const entra: EntraDeps = {
      directory,
      keys,
      clock,
      events,
      faults,
      config,
      deviceCodes: createDeviceCodeStore({ clock, ...config.deviceCode }),
      refreshTokens: createRefreshTokenStore({ clock, lifetimeSeconds: config.tokens.refreshTokenLifetime }),
      authority: () => authority,
      graphHost: () => graphHost,
      issuers: () => issuers,
      deviceLoginUri: () => `${url.ui}/devicelogin`,
    }

    const podIdentityCore = await createPodIdentityCore({
      scenario,
      directory,
      clock,
      events,
      caPem: pki.ca.certPem,
      stateDir,
      oidcUrl: url.oidcIssuer,
      graphBaseUrl: () => url.graph,
    })
    listeners.oidcIssuer.serve(podIdentityCore.oidcIssuerHandler)
    listeners.entra.serve(
      createEntraApp(entra, podIdentityCore.entraGrants(createGrantRegistry()), {
        onUnexpected,
        // Certificate assertions, and workload identity federation as `federated`.
        assertionAuthenticator: createAssertionAuthenticator({
          federated: podIdentityCore.federatedVerifier,
        }),
      }),
    )
    listeners.graph.serve(
      createGraphApp(
        {
          directory,
          keys,
          clock,
          events,
          faults,
          issuers: () => issuers,
          authority: () => authority,
          baseUrl: () => url.graph,
        },
        // Applications' federatedIdentityCredentials are the pod-identity slice's; the rest is Graph's.
        { onUnexpected, routes: [podIdentityCore.graphRoute] },
      ),
    )

    const webhook = composeWebhook({
      config,
      directory,
      clock,
      events,
      caPem: pki.ca.certPem,
      authority,
      azure,
      onUnexpected,
    })
    listeners.webhook.serve(webhook.handler)
    const kubeconfigs = await writeWebhookKubeconfigs(stateDir, pki, url.webhook)

    const storage = composeApiServerStorage({
      config,
      stateDir,
      persistObjects: !ownsStateDir,
      customResources: podIdentityCore.customResourceDefinitions,
    })
    const podIdentityCluster = createPodIdentityCluster(podIdentityCore, {
      scenario,
      storage,
      tenantId: directory.tenant.id,
      clock,
      events,
      caPem: pki.ca.certPem,
      stateDir,
      authority: () => authority,
      webhookUrl: url.workloadIdentityWebhook,
      onUnexpected,
    })
    listeners.workloadIdentityWebhook.serve(podIdentityCluster.webhookHandler)
    const kube = composeApiServer({
      config,
      clock,
      events,
      caPem: pki.ca.certPem,
      stateDir,
      storage,
      kubernetes: scenario.kubernetes,
      // Service-account tokens, TokenRequest and the workload identity webhook join the API server.
      extensions: podIdentityCluster.apiServer,
      kubeconfigs,
      azureRbac: azure.rbac && cluster ? () => cluster.aadProfile.enableAzureRbac : undefined,
      disableLocalAccounts: () => cluster?.disableLocalAccounts ?? false,
      serverAddress: () => new URL(url.apiServer).host,
      onUnexpected,
    })
    ensureRoomObjects(kube.server.writer, scenario, attendees)
    listeners.apiServer.serve(kube.server.handler)
    const stopNodeSync = cluster
      ? syncClusterNodes({ server: kube.server, controlPlane, cluster, clock, onUnexpected })
      : () => {}
    const podWorkloads = createPodWorkloads(podIdentityCore, podIdentityCluster, {
      api: kube.server.writer,
      entra,
      clock,
      events,
      faults,
      stateDir,
      caFile,
      imdsUrl: url.imds,
      onUnexpected,
    })
    await podWorkloads.start()
    listeners.imds.serve(podWorkloads.imdsHandler)
    const registries: ComposedRegistries = await composeRegistries({
      config,
      pki,
      azure: azure.azure,
      rbac: azure.rbac,
      ledger: azure.registryLedger,
      directory,
      clock,
      keys,
      events,
      issuers: () => issuers,
      stateDir,
      onUnexpected,
      // endpoints.json lists the registries: rewritten when ARM creates or deletes one.
      onChange: () => writeEndpointsFile(stateDir, publishedEndpoints()),
    })
    // The node's pulls from the registries, as the cluster's kubelet identity (docs/acr.md).
    const stopKubeletPull = startKubeletAcrPull({
      server: kube.server,
      loginServers: () => registries.endpoints.map((r) => r.loginServer),
      imdsUrl: url.imds,
      tenantId: directory.tenant.id,
      kubeletClientId: () =>
        cluster &&
        podIdentityCore.arm
          .inGroup(cluster.subscriptionId, nodeResourceGroupOf(cluster))
          .find((mi) => mi.name.toLowerCase() === `${cluster.name}-agentpool`.toLowerCase())?.clientId,
      caPem: pki.ca.certPem,
      events,
      clock,
      onUnexpected,
    })
    const closeServiceListeners = closeListeners
    closeListeners = async () => {
      await Promise.all([closeServiceListeners(), registries.close()])
    }
    const podIdentity = podIdentityOf(podIdentityCore, podIdentityCluster, podWorkloads, {
      oidc: url.oidcIssuer,
      imds: url.imds,
      webhook: url.workloadIdentityWebhook,
    })

    // The registries' list is live (ARM creates and deletes registries): copied when published.
    const publishedEndpoints = () =>
      registries.endpoints.length > 0 ? { ...endpoints, registries: [...registries.endpoints] } : endpoints
    let endpoints = serviceEndpoints({
      directory,
      urls: url,
      webhookAuthorizes: Boolean(azure.rbac && cluster),
      cluster,
      caFile,
      stateDir,
      kubeconfigs: { ...kubeconfigs },
      publicHosts: config.publicHosts,
      podIdentity: { ...podIdentity.endpoints() },
    })
    const refreshEndpoints = () => {
      endpoints = { ...endpoints, directory: directorySummary(directory) }
      return publishedEndpoints()
    }
    const controls = createControls({
      entra,
      directory,
      clock,
      keys,
      events,
      faults,
      endpoints: refreshEndpoints,
      metrics: () => metrics.scrape(),
    })
    metrics.deviceCodeStates(() => {
      const states: Record<string, number> = {}
      for (const d of entra.deviceCodes.list()) states[d.state] = (states[d.state] ?? 0) + 1
      return states
    })
    listeners.admin.serve(
      createAdminApp(
        controls,
        onUnexpected,
        [
          podIdentityAdminExtension(podIdentity, { events, onUnexpected }),
          registriesAdminExtension(registries.services, { clock, events, onUnexpected }),
        ],
        { token: adminToken },
      ),
    )
    const uiKubernetes = kubernetesFromApiServer(kube.server, kube.rbac)
    const ui = createUiService({
      events,
      controls,
      directory,
      entra,
      config,
      ...(uiAzure(azure) && { azure: uiAzure(azure) }),
      kubernetes: () => uiKubernetes,
      // Other machines can reach the UI: its API needs the host's sign-in (the admin token).
      ...(!isLoopbackHost(config.host) && { hostSignIn: { token: adminToken } }),
      ...(attendees.length > 0 && {
        room: uiRoom({
          attendees,
          demoUsers,
          caPem: pki.ca.certPem,
          uiUrl: url.ui,
          apiServerUrl: url.apiServer,
          authority,
          tenantId: directory.tenant.id,
          clusterName: cluster?.name ?? 'aks-auth-sim',
        }),
      }),
      onUnexpected,
    })
    listeners.ui.serve(ui.handler)
    listeners.arm.serve(
      createArmApp(
        {
          azure: azure.azure,
          rbac: azure.rbac,
          directory,
          keys,
          clock,
          events,
          faults,
          issuers: () => issuers,
          authority: () => authority,
          credentials: clusterCredentials({
            apiServerUrl: url.apiServer,
            pki,
            adminToken: () => kube.staticToken.token,
            stateDir,
          }),
          // Microsoft.ManagedIdentity: the pod-identity slice's identities and federated credentials.
          managedIdentities: podIdentityCore.arm,
          oidcIssuer: podIdentityCore.oidcIssuer,
          // Microsoft.ContainerRegistry: the registries' settings, which their token servers read.
          registries: registries.services,
          registryLifecycle: registries,
          controlPlane,
        },
        { onUnexpected },
      ),
    )
    writeEndpointsFile(stateDir, publishedEndpoints())
    lock.update({ ...url, authority })
    events.emit('simulator.started', 'simulator', { authority, admin: url.admin })

    let stopped = false
    const stop = async () => {
      if (stopped) return
      stopped = true
      await closeListeners()
      stopNodeSync()
      stopKubeletPull()
      controlPlane.close()
      webhook.close()
      podWorkloads.close()
      podIdentityCluster.close()
      podIdentityCore.close()
      ui.close()
      kube.close()
      lock.release()
      if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true })
    }
    return {
      ...controls,
      get endpoints() {
        return refreshEndpoints()
      },
      config,
      directory,
      clockSource: clock,
      keyStore: keys,
      eventBus: events,
      caPem: pki.ca.certPem,
      pki,
      adminToken,
      azureRbac: azure.rbac,
      controlPlane,
      kube,
      podIdentity,
      stop,
      [Symbol.asyncDispose]: stop,
    }
  } catch (err) {
    await closeListeners()
    controlPlane.close()
    lock.release()
    if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true })
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE')
      throw new ConfigError([
        `port ${String((e as { port?: number }).port ?? '')} is already in use: choose another --port-base`,
      ])
    throw err
  }
}
