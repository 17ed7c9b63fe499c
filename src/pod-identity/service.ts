/**
 * The pod-identity slice, composed: per-cluster service-account issuers, the federated credential
 * store and the token-exchange verifier, managed-identity tokens, IMDS (and NMI), the workload
 * identity webhook, TokenRequest and service-account authentication for the API server, and the
 * kubelet simulation that writes token files for simulated pods. The composition root gives it the
 * Entra deps, the listeners' URLs and, when the API server is wired, the API server's object view.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify as toYaml } from 'yaml'
import type { EntraDeps } from '../entra/deps.js'
import type { GrantHandler } from '../entra/grants/types.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import { ConfigError } from '../kernel/errors.js'
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import { createHttpsClient } from '../http/index.js'
import type { PodIdentityScenarioInput } from './scenario.js'
import {
  createMemoryCluster,
  type ClusterObjects,
  type K8sObject,
  type MemoryCluster,
} from './cluster-objects.js'
import type { WebhookLayout } from './constants.js'
import { createFederatedCredentialStore } from './federated-credentials.js'
import { createImds } from './imds.js'
import { createServiceAccountIssuer, type ServiceAccountIssuer } from './issuer.js'
import { createIssuerMetadataCache } from './issuer-metadata.js'
import { createIssuerHandler } from './issuer-routes.js'
import { createKubelet } from './kubelet.js'
import { withManagedIdentityTokens } from './mi-tokens.js'
import { aadPodIdentityCrds } from './crds.js'
import { startMic } from './mic.js'
import { createNmi } from './nmi.js'
import { createPodLifecycle, memorySeed, memoryWriter } from './pods.js'
import { createImdsHandler } from './imds-routes.js'
import { createManagedIdentityArm } from './fic-arm.js'
import { apiServerHooks, createApiServerObjects } from './apiserver-hooks.js'
import type { ApiServer } from '../apiserver/index.js'
import { describeFicProblem, issuerExpander, resolvePodIdentity, type ResolvedCluster } from './resolve.js'
import { createServiceAccountAuthenticator } from './sa-authenticator.js'
import { createToken, type TokenRequestInput } from './token-request.js'
import { createFederatedVerifier, type FederationSettings } from './token-exchange.js'
import { createWebhookHandler, type AdmissionDeps } from './webhook/admission.js'
import { createPodAdmission, mutatingWebhookConfiguration } from './webhook/apiserver-call.js'

export interface PodIdentityDeps {
  scenario: PodIdentityScenarioInput
  directory: Directory
  entra: EntraDeps
  clock: Clock
  events: EventBus
  faults: FaultRegistry
  caPem: string
  caFile: string
  stateDir: string
  urls: {
    /** Origin of the OIDC issuer listener. */
    oidc: string
    /** Origin of the IMDS listener (plain HTTP). */
    imds: string
    /** Origin of the webhook listener; omit to admit pods in process. */
    webhook?: string
  }
  /**
   * `true`: the mock API server holds the cluster's objects; call `attachApiServer` once it exists.
   * Default: an in-memory cluster seeded from the scenario.
   */
  apiServer?: boolean
  /** kube-apiserver `--api-audiences`. */
  apiAudiences?: string[]
  /** Real-time interval of NMI's polls (real NMI: 5 s). */
  nmiPollIntervalMs?: number
  onUnexpected: (err: unknown) => void
}

export interface PodIdentitySettings {
  federation: FederationSettings
  webhookDown: boolean
  layout: WebhookLayout
  nmi: { enabled: boolean; assignmentDelaySeconds: number; retryAfterHeader: boolean; pollIntervalMs: number }
}

const AAD_KINDS = [
  'AzureIdentity',
  'AzureIdentityBinding',
  'AzureAssignedIdentity',
  'AzurePodIdentityException',
]

/** The node every simulated pod runs on (the mock API server's default node). */
export const DEFAULT_NODE = 'aks-nodepool1-12345678-vmss000000'

export async function createPodIdentity(deps: PodIdentityDeps) {
  const resolved = resolvePodIdentity(deps.scenario, deps.directory)
  if (resolved.problems.length) throw new ConfigError(resolved.problems.map((p) => `scenario: ${p}`))
  const section = deps.scenario.podIdentity ?? {}
  const primary: ResolvedCluster = resolved.clusters[0]!
  const tenantId = deps.directory.tenant.id
  const issuers = new Map<string, ServiceAccountIssuer>()
  for (const c of resolved.clusters)
    issuers.set(
      c.name,
      await createServiceAccountIssuer({
        cluster: c.name,
        origin: deps.urls.oidc,
        tenantId,
        uuid: c.issuerUuid,
        clock: deps.clock,
        oidcEnabled: c.oidcIssuerEnabled,
        rotationGraceSeconds: c.keyRotationGraceSeconds,
        stateDir: deps.stateDir,
      }),
    )
  const issuer = issuers.get(primary.name)!
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
  const identityByClientId = (id: string) => resolved.identities.find((i) => i.clientId === id.toLowerCase())

  const httpsClient = createHttpsClient({ ca: deps.caPem, timeoutMs: 5000, maxResponseBytes: 1024 * 1024 })
  const metadata = createIssuerMetadataCache({ client: httpsClient, clock: deps.clock })
  const federatedVerifier = createFederatedVerifier({
    credentials,
    metadata,
    settings: () => settings.federation,
  })

  const sectionObjects = (section.objects ?? []) as K8sObject[]
  // The aad-pod-identity CRDs are installed with pod-managed identity (as the AKS add-on does).
  const crdsServed = deps.apiServer === true && settings.nmi.enabled
  const served = ['Namespace', 'ServiceAccount', 'Pod', 'Secret', ...(crdsServed ? AAD_KINDS : [])]
  const unserved = (o: K8sObject) => !served.includes(String(o.kind))
  // With the API server, only what it does not serve (aadpodidentity.k8s.io without CRDs) stays here.
  const memory: MemoryCluster = createMemoryCluster({
    now: () => deps.clock.now(),
    seed: deps.apiServer ? sectionObjects.filter(unserved) : memorySeed(deps.scenario, DEFAULT_NODE),
  })
  const apiObjects = deps.apiServer ? createApiServerObjects(memory) : undefined
  const objects: ClusterObjects = apiObjects ?? memory
  const writer = apiObjects?.writer ?? memoryWriter(memory, deps.clock, DEFAULT_NODE)
  const apiAudiences = deps.apiAudiences ?? ['https://kubernetes.default.svc']
  const tokenDeps = {
    issuer,
    objects,
    clock: deps.clock,
    apiAudiences,
    ...(primary.maxTokenExpirationSeconds !== undefined && {
      maxExpirationSeconds: primary.maxTokenExpirationSeconds,
    }),
  }
  const tokenRequest = async (input: TokenRequestInput) => {
    const r = await createToken(tokenDeps, input)
    deps.events.emit('serviceaccount.token_issued', 'apiserver', {
      serviceAccount: `${input.namespace}/${input.name}`,
      aud: r.claims.aud,
      exp: r.claims.exp,
      bound: (r.claims['kubernetes.io'] as { pod?: { name: string } }).pod?.name,
    })
    return r
  }
  const saAuthenticator = createServiceAccountAuthenticator({ issuer, objects, clock: deps.clock })

  const admissionDeps: AdmissionDeps = {
    serviceAccount: (ns, name) => objects.get('ServiceAccount', ns, name),
    config: () => ({
      tenantId,
      authorityHost: `${deps.entra.authority()}/`,
      layout: settings.layout,
      nativeSidecar: Number(primary.kubernetesVersion.split('.')[1] ?? 0) >= 32,
    }),
  }
  const admission = createPodAdmission({
    ...(deps.urls.webhook && { url: deps.urls.webhook }),
    caPem: deps.caPem,
    inProcess: admissionDeps,
    down: () => settings.webhookDown,
  })
  const kubelet = createKubelet({
    dir: join(deps.stateDir, 'pods'),
    clock: deps.clock,
    objects,
    events: deps.events,
    mint: async (pod, source) => {
      const spec = (pod.spec ?? {}) as { serviceAccountName?: string }
      const r = await tokenRequest({
        namespace: pod.metadata.namespace ?? 'default',
        name: spec.serviceAccountName || 'default',
        body: {
          spec: {
            ...(source.audience && { audiences: [source.audience] }),
            expirationSeconds: source.expirationSeconds,
            boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name, uid: pod.metadata.uid },
          },
        },
      })
      const status = r.body.status as { token: string }
      return {
        token: status.token,
        issuedAt: Number(r.claims.iat) * 1000,
        expiresAt: Number(r.claims.exp) * 1000,
      }
    },
  })

  const imds = createImds({
    entra: deps.entra,
    nodeIdentities: () => primary.nodeIdentities,
    faults: deps.faults,
    events: deps.events,
  })
  const nmi = createNmi({
    objects,
    clock: deps.clock,
    events: deps.events,
    identityByClientId,
    imdsToken: imds.token,
    settings: () => settings.nmi,
  })
  const imdsHandler = createImdsHandler({
    imds,
    nmi,
    objects,
    events: deps.events,
    nmiEnabled: () => settings.nmi.enabled,
    onUnexpected: deps.onUnexpected,
  })

  const pods = createPodLifecycle({
    objects,
    writer,
    admission,
    kubelet,
    extraEnv: (ns, name) => ({
      NODE_EXTRA_CA_CERTS: deps.caFile,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: `${deps.urls.imds}/pods/${ns}/${name}`,
    }),
  })
  /** The section's service accounts and pods, created through admission as `kubectl apply` would. */
  async function seedSection(): Promise<void> {
    for (const o of sectionObjects.filter((x) => !unserved(x) && x.kind !== 'Pod'))
      if (!objects.get(o.kind as 'ServiceAccount', o.metadata.namespace ?? 'default', o.metadata.name ?? ''))
        writer.create(structuredClone(o))
    for (const p of sectionObjects.filter((o) => o.kind === 'Pod'))
      if (!objects.get('Pod', p.metadata.namespace ?? 'default', p.metadata.name ?? ''))
        await pods.create(structuredClone(p), { inProcess: true })
  }
  if (!deps.apiServer) await seedSection()
  let mic: ReturnType<typeof startMic> | undefined
  const hooks = apiServerHooks({
    authenticateServiceAccountToken: (token, audiences) => saAuthenticator.authenticate(token, audiences),
    tokenRequest,
    admitPodInProcess: (pod, namespace, dryRun) =>
      admission.admitInProcess(pod, { namespace, operation: 'CREATE', dryRun }),
  })

  const webhookConfiguration = mutatingWebhookConfiguration({
    ...(deps.urls.webhook && { url: deps.urls.webhook }),
    caPem: deps.caPem,
  })
  const dir = join(deps.stateDir, 'pod-identity')
  mkdirSync(dir, { recursive: true })
  const webhookConfigurationFile = join(dir, 'mutating-webhook-configuration.yaml')
  writeFileSync(webhookConfigurationFile, toYaml(webhookConfiguration))

  return {
    settings,
    identities: resolved.identities,
    clusters: resolved.clusters,
    identityByClientId,
    issuers,
    issuer,
    credentials,
    objects,
    federatedVerifier,
    wrapGrants: (grants: Map<string, GrantHandler>) => withManagedIdentityTokens(grants, identityByClientId),
    handlers: {
      oidcIssuer: createIssuerHandler(() => [...issuers.values()], deps.events),
      webhook: createWebhookHandler({
        ...admissionDeps,
        events: deps.events,
        down: () => settings.webhookDown,
        onUnexpected: deps.onUnexpected,
      }),
      imds: imdsHandler,
    },
    admission,
    webhookConfiguration,
    webhookConfigurationFile,
    /** The API server's TokenRequest subresource. */
    tokenRequest,
    /** The API server's service-account token authenticator (`undefined`: not a service-account token). */
    authenticateServiceAccountToken: saAuthenticator.authenticate,
    kubelet,
    pods,
    metadataCache: metadata,
    /** ARM's userAssignedIdentities / federatedIdentityCredentials, for the ARM service to mount. */
    arm: createManagedIdentityArm({
      identities: () => resolved.identities,
      credentials,
      events: deps.events,
    }),
    /** The CRDs the API server must serve for this slice (aad-pod-identity's, with pod-managed identity). */
    customResourceDefinitions: () => (crdsServed ? aadPodIdentityCrds() : []),
    /** Plugs the slice into the mock API server and creates the section's objects there. */
    async attachApiServer(server: ApiServer): Promise<void> {
      if (!apiObjects) throw new TypeError('createPodIdentity was not told to use an API server')
      apiObjects.attach(server)
      server.usePodIdentity(hooks)
      await seedSection()
      if (crdsServed)
        mic = startMic({
          objects,
          writer,
          clock: deps.clock,
          assignments: nmi.assignments,
          settings: () => settings.nmi,
          onError: deps.onUnexpected,
        })
    },
    endpoints: () => ({
      imds: deps.urls.imds,
      oidcIssuer: {
        url: deps.urls.oidc,
        clusters: Object.fromEntries([...issuers].map(([name, i]) => [name, i.issuer()])),
      },
      workloadIdentityWebhook: {
        ...(deps.urls.webhook && { url: `${deps.urls.webhook}/mutate-v1-pod` }),
        configuration: webhookConfigurationFile,
      },
    }),
    close() {
      mic?.stop()
      kubelet.close()
      admission.close()
      httpsClient.close()
    },
  }
}

export type PodIdentity = Awaited<ReturnType<typeof createPodIdentity>>
