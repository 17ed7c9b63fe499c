/**
 * The composition root: the only place that builds the kernel (clock, keys, PKI, directory, events,
 * faults), the services and their listeners, and wires them together. `startSimulator` is the
 * programmatic API; the CLI's `start` command is a thin wrapper around it.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createControls } from '../admin/controls.js'
import type { SimulatorControls } from '../admin/types.js'
import { createAdminApp } from '../admin/routes.js'
import { resolveConfig } from '../config-resolve.js'
import type { ResolvedConfig } from '../config.js'
import type { SimulatorOptions } from '../options.js'
import { createDeviceCodeStore } from '../entra/device-codes.js'
import type { EntraDeps } from '../entra/deps.js'
import { createGrantRegistry } from '../entra/grants/index.js'
import { createRefreshTokenStore } from '../entra/refresh-tokens.js'
import { createEntraApp } from '../entra/routes.js'
import { createAssertionAuthenticator } from '../entra/client-assertion.js'
import { createGraphApp } from '../graph/routes.js'
import { directorySummary, type Endpoints } from './endpoints.js'
import { listen, type Handler, type Listener } from '../http/listen.js'
import { createClock, type Clock } from '../kernel/clock.js'
import { createDirectory, type Directory } from '../kernel/directory.js'
import { createEventBus, type EventBus } from '../kernel/events.js'
import { createFaultRegistry } from '../kernel/faults.js'
import { loadOrCreateKeyStore, type KeyStore } from '../kernel/keys.js'
import { loadOrCreatePki, type Pki } from '../kernel/tls.js'
import { demoScenario } from '../scenario/demo.js'
import { firstPartyApplications } from '../kernel/first-party.js'
import { loadScenarioFile, validateScenario } from '../scenario/load.js'
import { ConfigError } from '../kernel/errors.js'
import { createWebhookService } from '../webhook/service.js'
import { createSarHandler } from '../webhook/authorize.js'
import { azureDirectoryFrom } from '../azure-rbac/directory.js'
import { resolveAzureScenario } from '../azure-rbac/scenario-resolve.js'
import { createAzureRbac, type AzureRbac } from '../azure-rbac/store.js'
import { createDecisionCache } from '../azure-rbac/decision-cache.js'
import { newGuid } from '../kernel/ids.js'
import { composeApiServer, type ComposedApiServer } from './apiserver.js'
import { webhookKubeconfig } from '../webhook/kubeconfig.js'
import {
  createFicGraphRouter,
  createPodIdentity,
  podIdentityApplications,
  withFederatedCredentialsGraph,
  withPodIdentityAdmin,
  type PodIdentity,
} from '../pod-identity/index.js'
import { kubernetesFromApiServer } from '../ui/kubernetes.js'
import { createUiService } from '../ui/server.js'
import { createArmApp } from '../arm/index.js'

/** Service order on `--port-base N`: each takes N + its index. */
export const SERVICE_PORTS = {
  entra: 0,
  graph: 1,
  arm: 2,
  apiServer: 3,
  webhook: 4,
  imds: 5,
  ui: 6,
  admin: 7,
  oidcIssuer: 8,
  workloadIdentityWebhook: 9,
} as const

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
  /** The mock kube-apiserver (object store, RBAC source) and the Kubernetes RBAC engine over it. */
  readonly kube: ComposedApiServer
  /** Azure role definitions and assignments (when the scenario has an `azure` section). */
  readonly azureRbac: AzureRbac | undefined
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
}

function writeAtomic(path: string, content: string, mode = 0o644): void {
  writeFileSync(`${path}.tmp`, content, { mode })
  renameSync(`${path}.tmp`, path)
}

/** Writes the kubeconfigs a real kube-apiserver would use to call the webhook (authn and authz). */
async function writeWebhookKubeconfigs(
  stateDir: string,
  pki: Pki,
  webhookUrl: string,
): Promise<Record<string, string>> {
  const dir = join(stateDir, 'kubeconfigs')
  mkdirSync(dir, { recursive: true })
  const client = await pki.clientCert('kube-apiserver-webhook-client', { cn: 'kube-apiserver', o: ['azure'] })
  const out: Record<string, string> = {}
  for (const [key, file, path] of [
    ['webhookAuthn', 'webhook-authn.yaml', '/tokenreviews'],
    ['webhookAuthz', 'webhook-authz.yaml', '/subjectaccessreviews'],
  ] as const) {
    const yaml = webhookKubeconfig({
      name: 'aks-auth-sim-webhook',
      server: `${webhookUrl}${path}`,
      caPem: pki.ca.certPem,
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
    })
    writeAtomic(join(dir, file), yaml, 0o600)
    out[key] = join(dir, file)
  }
  return out
}

/** Lazily-bound handler: listeners start first (so URLs are known), apps are attached after. */
function slot(): { handler: Handler; set(h: Handler): void } {
  let current: Handler = (_req, res) => {
    res.statusCode = 503
    res.end()
  }
  return { handler: (req, res) => current(req, res), set: (h) => (current = h) }
}

export async function startSimulator(options: StartOptions = {}): Promise<Simulator> {
  const config = resolveConfig(options)
  const scenario =
    options.scenario === undefined
      ? validateScenario(demoScenario(), 'demo scenario')
      : typeof options.scenario === 'string'
        ? loadScenarioFile(options.scenario)
        : validateScenario(options.scenario)
  const ownsStateDir = config.stateDir === undefined
  const stateDir = resolve(config.stateDir ?? mkdtempSync(join(tmpdir(), 'aks-auth-sim-')))
  mkdirSync(stateDir, { recursive: true })
  // Managed identities are service principals: they join the directory next to the first-party apps.
  const directory = createDirectory(scenario, [
    ...firstPartyApplications,
    ...podIdentityApplications(scenario),
  ])
  if (config.autoApprove && !directory.user(config.autoApprove))
    throw new ConfigError([`autoApprove: no user '${config.autoApprove}' in ${directory.tenant.domain}`])

  const azure = scenario.azure
    ? resolveAzureScenario(scenario.azure, azureDirectoryFrom(directory))
    : undefined
  if (azure && azure.problems.length > 0) throw new ConfigError(azure.problems.map((p) => `scenario: ${p}`))
  const azureRbac: AzureRbac | undefined = azure
    ? createAzureRbac(azure, {
        directory: azureDirectoryFrom(directory),
        newGuid,
        checkScope: azure.checkScope,
      })
    : undefined
  const cluster = azure?.clusters[0]

  const clock = createClock()
  const events = createEventBus(() => clock.now())
  const faults = createFaultRegistry()
  const pki = await loadOrCreatePki(resolve(options.pkiDir ?? join(stateDir, 'pki')))
  const keys = await loadOrCreateKeyStore({
    stateDir,
    clock,
    rotationGraceMs: config.keys.rotationGraceSeconds * 1000,
  })
  const onUnexpected =
    options.onUnexpectedError ??
    ((err: unknown) => {
      events.emit('server_error', 'simulator', { message: String((err as Error)?.message ?? err) })
      console.error('aks-auth-sim: unexpected error:', err)
    })

  const tls = { cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem }
  const port = (i: number) => (config.portBase === 0 ? 0 : config.portBase + i)
  const listeners: Listener[] = []
  const open = async (i: number, s: ReturnType<typeof slot>, requestCert = false) => {
    const l = await listen(s.handler, { host: config.host, port: port(i), tls: { ...tls, requestCert } })
    listeners.push(l)
    return l
  }
  const stopAll = () => Promise.all(listeners.map((l) => l.close()))
  try {
    const entraSlot = slot()
    const graphSlot = slot()
    const adminSlot = slot()
    const entraListener = await open(SERVICE_PORTS.entra, entraSlot)
    const graphListener = await open(SERVICE_PORTS.graph, graphSlot)
    const adminListener = await open(SERVICE_PORTS.admin, adminSlot)
    const uiSlot = slot()
    const uiListener = await open(SERVICE_PORTS.ui, uiSlot)
    const webhookSlot = slot()
    // The webhook asks for the API server's client certificate (mTLS), as guard does.
    const webhookListener = await open(SERVICE_PORTS.webhook, webhookSlot, true)
    const apiServerSlot = slot()
    // kube-apiserver asks for client certificates (the admin kubeconfig's masterclient certificate).
    const apiServerListener = await open(SERVICE_PORTS.apiServer, apiServerSlot, true)
    const armSlot = slot()
    const armListener = await open(SERVICE_PORTS.arm, armSlot)
    const oidcSlot = slot()
    const oidcListener = await open(SERVICE_PORTS.oidcIssuer, oidcSlot)
    const wiWebhookSlot = slot()
    const wiWebhookListener = await open(SERVICE_PORTS.workloadIdentityWebhook, wiWebhookSlot)
    const imdsSlot = slot()
    // IMDS is plain HTTP, as 169.254.169.254 is.
    const imdsListener = await listen(imdsSlot.handler, { host: config.host, port: port(SERVICE_PORTS.imds) })
    listeners.push(imdsListener)

    const authority = entraListener.url
    const tid = directory.tenant.id
    const issuers = config.tokens.realIssuers
      ? { v1: `https://sts.windows.net/${tid}/`, v2: `https://login.microsoftonline.com/${tid}/v2.0` }
      : { v1: `${authority}/${tid}/`, v2: `${authority}/${tid}/v2.0` }
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
      graphHost: () => new URL(graphListener.url).host,
      issuers: () => issuers,
      deviceLoginUri: () => `${uiListener.url}/devicelogin`,
    }
    const podIdentity: PodIdentity = await createPodIdentity({
      scenario,
      directory,
      entra,
      clock,
      events,
      faults,
      caPem: pki.ca.certPem,
      caFile: pki.caFile ?? join(stateDir, 'ca.crt'),
      stateDir,
      urls: { oidc: oidcListener.url, imds: imdsListener.url, webhook: wiWebhookListener.url },
      apiServer: true,
      onUnexpected,
    })
    oidcSlot.set(podIdentity.handlers.oidcIssuer)
    wiWebhookSlot.set(podIdentity.handlers.webhook)
    imdsSlot.set(podIdentity.handlers.imds)
    entraSlot.set(
      createEntraApp(entra, podIdentity.wrapGrants(createGrantRegistry()), {
        onUnexpected,
        // Certificate assertions, and workload identity federation as `federated`.
        assertionAuthenticator: createAssertionAuthenticator({ federated: podIdentity.federatedVerifier }),
      }),
    )
    graphSlot.set(
      // Applications' federatedIdentityCredentials are the pod-identity slice's; the rest is Graph's.
      withFederatedCredentialsGraph(
        createGraphApp(
          {
            directory,
            keys,
            clock,
            events,
            faults,
            issuers: () => issuers,
            authority: () => authority,
            baseUrl: () => graphListener.url,
          },
          { onUnexpected },
        ),
        createFicGraphRouter({
          entra,
          graphBaseUrl: () => graphListener.url,
          credentials: podIdentity.credentials,
          isManagedIdentity: (appId) => podIdentity.identityByClientId(appId) !== undefined,
          onUnexpected,
        }),
        { now: () => clock.now(), authority: () => authority, events, onUnexpected },
      ),
    )

    const webhook = createWebhookService({
      config: config.webhook,
      directory,
      clock,
      events,
      caPem: pki.ca.certPem,
      authority,
      ...(azureRbac &&
        cluster && {
          authorize: createSarHandler({
            rbac: azureRbac,
            clusterResourceId: cluster.resourceId,
            ...(config.webhook.authzCacheTtlSeconds > 0 && {
              cache: createDecisionCache({
                now: () => clock.now(),
                ttlMs: config.webhook.authzCacheTtlSeconds * 1000,
              }),
            }),
            options: { denyAsNoOpinion: config.webhook.denyAsNoOpinion },
            enabled: () => cluster.aadProfile.enableAzureRbac,
          }),
        }),
      onUnexpected,
    })
    webhookSlot.set(webhook.handler)
    const kubeconfigs = await writeWebhookKubeconfigs(stateDir, pki, webhookListener.url)
    const kube: ComposedApiServer = composeApiServer({
      config,
      clock,
      events,
      caPem: pki.ca.certPem,
      stateDir,
      persistObjects: !ownsStateDir,
      kubernetes: scenario.kubernetes,
      customResources: podIdentity.customResourceDefinitions(),
      kubeconfigs: { webhookAuthn: kubeconfigs.webhookAuthn!, webhookAuthz: kubeconfigs.webhookAuthz! },
      azureRbac: Boolean(azureRbac && cluster?.aadProfile.enableAzureRbac),
      disableLocalAccounts: () => cluster?.disableLocalAccounts ?? false,
      serverAddress: () => new URL(apiServerListener.url).host,
      onUnexpected,
    })
    apiServerSlot.set(kube.server.handler)
    // Service-account tokens, TokenRequest and the workload identity webhook join the API server.
    await podIdentity.attachApiServer(kube.server)

    const caFile = pki.caFile ?? join(stateDir, 'ca.crt')
    if (!pki.caFile) writeAtomic(caFile, pki.ca.certPem)
    let endpoints: Endpoints = {
      tenantId: tid,
      tenantDomain: directory.tenant.domain,
      authority,
      deviceLogin: `${uiListener.url}/devicelogin`,
      ui: uiListener.url,
      graph: graphListener.url,
      apiServer: apiServerListener.url,
      arm: armListener.url,
      webhook: {
        url: webhookListener.url,
        authenticate: `${webhookListener.url}/tokenreviews`,
        ...(azureRbac && cluster && { authorize: `${webhookListener.url}/subjectaccessreviews` }),
      },
      ...(cluster && {
        cluster: {
          name: cluster.name,
          resourceGroup: cluster.resourceGroup,
          subscriptionId: cluster.subscriptionId,
          resourceId: cluster.resourceId,
        },
      }),
      admin: adminListener.url,
      caFile,
      stateDir,
      kubeconfigs,
      directory: directorySummary(directory),
      ...podIdentity.endpoints(),
    }
    const refreshEndpoints = () => {
      endpoints = { ...endpoints, directory: directorySummary(directory) }
      return endpoints
    }
    const controls = createControls({
      entra,
      directory,
      clock,
      keys,
      events,
      faults,
      endpoints: refreshEndpoints,
    })
    adminSlot.set(
      withPodIdentityAdmin(createAdminApp(controls, onUnexpected), podIdentity, { events, onUnexpected }),
    )
    const uiKubernetes = kubernetesFromApiServer(kube.server, kube.rbac)
    const ui = createUiService({
      events,
      controls,
      directory,
      entra,
      config,
      ...(azureRbac &&
        cluster && {
          azure: {
            rbac: azureRbac,
            clusterResourceId: cluster.resourceId,
            clusterName: cluster.name,
            enabled: () => cluster.aadProfile.enableAzureRbac,
          },
        }),
      kubernetes: () => uiKubernetes,
      onUnexpected,
    })
    uiSlot.set(ui.handler)
    armSlot.set(
      createArmApp(
        {
          azure,
          rbac: azureRbac,
          directory,
          keys,
          clock,
          events,
          faults,
          issuers: () => issuers,
          authority: () => authority,
          credentials: {
            apiServerUrl: () => apiServerListener.url,
            caPem: pki.ca.certPem,
            adminCertificate: () =>
              pki.clientCert('aks-cluster-admin', { cn: 'masterclient', o: ['system:masters'] }),
            adminToken: () => kube.staticToken.token,
            // The user kubeconfig runs this checkout's CLI by absolute paths (no global install needed).
            exec: {
              command: process.execPath,
              argsPrefix: [fileURLToPath(new URL('../../bin/aks-auth-sim.js', import.meta.url))],
              env: [{ name: 'AKS_AUTH_SIM_STATE_DIR', value: stateDir }],
            },
          },
          // Microsoft.ManagedIdentity: the pod-identity slice's identities and federated credentials.
          managedIdentities: podIdentity.arm,
          oidcIssuer: (name) => {
            const issuer = podIdentity.issuers.get(name)
            return issuer && { enabled: issuer.oidcEnabled(), issuerUrl: issuer.publicIssuer }
          },
        },
        { onUnexpected },
      ),
    )
    writeAtomic(join(stateDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2) + '\n')
    events.emit('simulator.started', 'simulator', { authority, admin: adminListener.url })

    let stopped = false
    const stop = async () => {
      if (stopped) return
      stopped = true
      await stopAll()
      webhook.close()
      podIdentity.close()
      ui.close()
      kube.close()
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
      azureRbac,
      kube,
      podIdentity,
      stop,
      [Symbol.asyncDispose]: stop,
    }
  } catch (err) {
    await stopAll()
    if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true })
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE')
      throw new ConfigError([
        `port ${String((e as { port?: number }).port ?? '')} is already in use: choose another --port-base`,
      ])
    throw err
  }
}
