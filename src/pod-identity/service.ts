/**
 * The pod-identity slice, composed: per-cluster service-account issuers, the federated credential
 * store and the token-exchange verifier, managed-identity tokens, IMDS (and NMI), the workload
 * identity webhook, TokenRequest and service-account authentication for the API server, and the
 * kubelet simulation that writes token files for simulated pods. The composition root gives it the
 * Entra deps, the listeners' URLs and, when the API server is wired, the API server's object view.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { stringify as toYaml } from 'yaml'
import type { EntraDeps } from '../entra/deps.js'
import type { GrantHandler } from '../entra/grants/types.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import { ConfigError } from '../kernel/errors.js'
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import { createHttpsClient } from '../kernel/https-client.js'
import type { Scenario } from '../scenario/types.js'
import { createMemoryCluster, type ClusterObjects, type K8sObject, type MemoryCluster } from './cluster-objects.js'
import type { WebhookLayout } from './constants.js'
import { createFederatedCredentialStore } from './federated-credentials.js'
import { createImds, writeImdsAnswer, splitRawUrl } from './imds.js'
import { createServiceAccountIssuer, type ServiceAccountIssuer } from './issuer.js'
import { createIssuerMetadataCache } from './issuer-metadata.js'
import { createIssuerHandler } from './issuer-routes.js'
import { createKubelet } from './kubelet.js'
import { withManagedIdentityTokens } from './mi-tokens.js'
import { createNmi, podFromPath } from './nmi.js'
import { createPodLifecycle } from './pods.js'
import { describeFicProblem, issuerExpander, resolvePodIdentity, type ResolvedCluster } from './resolve.js'
import { createServiceAccountAuthenticator } from './sa-authenticator.js'
import { createToken, type TokenRequestInput } from './token-request.js'
import { createFederatedVerifier, type FederationSettings } from './token-exchange.js'
import { createWebhookHandler, type AdmissionDeps } from './webhook/admission.js'
import { createPodAdmission, mutatingWebhookConfiguration } from './webhook/apiserver-call.js'

export interface PodIdentityDeps {
  scenario: Scenario
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
  /** The API server's objects; default: an in-memory cluster seeded from the scenario. */
  objects?: ClusterObjects
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

/** The node every simulated pod runs on (the mock API server's default node). */
export const DEFAULT_NODE = 'aks-nodepool1-12345678-vmss000000'

function memorySeed(scenario: Scenario): K8sObject[] {
  const objects = [...(scenario.kubernetes?.objects ?? [])] as K8sObject[]
  const namespaces = new Set(['default', 'kube-system'])
  for (const o of [...objects, ...((scenario.podIdentity?.objects ?? []) as K8sObject[])]) {
    if (o.kind === 'Namespace' && o.metadata.name) namespaces.add(o.metadata.name)
    if (o.metadata.namespace) namespaces.add(o.metadata.namespace)
  }
  const extra: K8sObject[] = [
    { apiVersion: 'v1', kind: 'Node', metadata: { name: DEFAULT_NODE, labels: { 'kubernetes.io/hostname': DEFAULT_NODE } } },
    ...[...namespaces].flatMap((ns) => [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } },
    ]),
  ]
  // Pods of the section are created through admission later; everything else is seeded as is.
  const sectionObjects = ((scenario.podIdentity?.objects ?? []) as K8sObject[]).filter((o) => o.kind !== 'Pod')
  return [...extra, ...objects.filter((o) => o.kind !== 'Pod'), ...sectionObjects]
}

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
      ficProblems.push(`scenario: podIdentity '${c.owner}' credential '${String(c.input.name)}': ${describeFicProblem(err)}`)
    }
  }
  if (ficProblems.length) throw new ConfigError(ficProblems)
  const identityByClientId = (id: string) => resolved.identities.find((i) => i.clientId === id.toLowerCase())

  const httpsClient = createHttpsClient({ ca: deps.caPem, timeoutMs: 5000, maxResponseBytes: 1024 * 1024 })
  const metadata = createIssuerMetadataCache({ client: httpsClient, clock: deps.clock })
  const federatedVerifier = createFederatedVerifier({ credentials, metadata, settings: () => settings.federation })

  const memory: MemoryCluster | undefined = deps.objects
    ? undefined
    : createMemoryCluster({ now: () => deps.clock.now(), seed: memorySeed(deps.scenario) })
  const objects: ClusterObjects = deps.objects ?? memory!
  const apiAudiences = deps.apiAudiences ?? ['https://kubernetes.default.svc']
  const tokenDeps = {
    issuer,
    objects,
    clock: deps.clock,
    apiAudiences,
    ...(primary.maxTokenExpirationSeconds !== undefined && { maxExpirationSeconds: primary.maxTokenExpirationSeconds }),
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
      return { token: status.token, issuedAt: Number(r.claims.iat) * 1000, expiresAt: Number(r.claims.exp) * 1000 }
    },
  })

  const imds = createImds({ entra: deps.entra, nodeIdentities: () => primary.nodeIdentities, faults: deps.faults, events: deps.events })
  const nmi = createNmi({
    objects,
    clock: deps.clock,
    events: deps.events,
    identityByClientId,
    imdsToken: imds.token,
    settings: () => settings.nmi,
  })
  const imdsHandler = (req: IncomingMessage, res: ServerResponse) => {
    const run = async () => {
      const { path, query } = splitRawUrl(req.url ?? '/')
      const podRef = podFromPath(path)
      let answer
      if (settings.nmi.enabled) {
        const pod = podRef ? objects.get('Pod', podRef.namespace, podRef.name) : undefined
        answer = await nmi.answer(req.method ?? 'GET', podRef?.rest ?? path, query, req.headers, pod)
      }
      answer ??= await imds.answer(req.method ?? 'GET', req.url ?? '/', req.headers)
      deps.events.emit('request.completed', 'imds', { method: req.method, path, status: answer.status, ...(podRef && { pod: `${podRef.namespace}/${podRef.name}` }) })
      writeImdsAnswer(res, answer)
    }
    run().catch((err: unknown) => {
      deps.onUnexpected(err)
      if (!res.headersSent) writeImdsAnswer(res, { status: 500, body: '{"error":"unknown","error_description":"internal error"}', contentType: 'application/json; charset=utf-8' })
    })
  }

  const pods = createPodLifecycle({
    objects,
    memory,
    admission,
    kubelet,
    clock: deps.clock,
    nodeName: DEFAULT_NODE,
    extraEnv: (ns, name) => ({
      NODE_EXTRA_CA_CERTS: deps.caFile,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: `${deps.urls.imds}/pods/${ns}/${name}`,
    }),
  })
  // The section's pods, created through admission as `kubectl apply` would.
  for (const p of (section.objects ?? []).filter((o) => o.kind === 'Pod') as K8sObject[]) {
    if (memory) await pods.create(p, { inProcess: true })
  }

  const webhookConfiguration = mutatingWebhookConfiguration({ ...(deps.urls.webhook && { url: deps.urls.webhook }), caPem: deps.caPem })
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
      webhook: createWebhookHandler({ ...admissionDeps, events: deps.events, down: () => settings.webhookDown, onUnexpected: deps.onUnexpected }),
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
      kubelet.close()
      admission.close()
      httpsClient.close()
    },
  }
}

export type PodIdentity = Awaited<ReturnType<typeof createPodIdentity>>
