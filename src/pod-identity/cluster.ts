/**
 * The slice's part inside the mock kube-apiserver, built over the API server's object storage before
 * the server itself: service-account token authentication (tried before the token webhook), the
 * TokenRequest subresource, and the workload identity mutating webhook on pod CREATE — with the
 * webhook's own listener handler and the MutatingWebhookConfiguration a real cluster would hold.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify as toYaml } from 'yaml'
import type { ApiServerDeps, ApiServerStorage, ObjectWriter as ApiObjectWriter } from '../apiserver/index.js'
import type { Handler } from '../http/index.js'
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import type { PodIdentityScenarioInput } from './scenario.js'
import { apiServerWriter, createApiServerObjects, type ObjectWriter } from './apiserver-hooks.js'
import { createMemoryCluster, type ClusterObjects, type K8sObject } from './cluster-objects.js'
import type { PodIdentityCore } from './core.js'
import { createServiceAccountAuthenticator } from './sa-authenticator.js'
import { createToken, type TokenRequestInput, type TokenRequestResult } from './token-request.js'
import { createWebhookHandler, type AdmissionDeps } from './webhook/admission.js'
import { createPodAdmission, mutatingWebhookConfiguration } from './webhook/apiserver-call.js'

export interface PodIdentityClusterDeps {
  scenario: PodIdentityScenarioInput
  /** The API server's objects, before its HTTP server exists. */
  storage: ApiServerStorage
  tenantId: string
  clock: Clock
  events: EventBus
  caPem: string
  stateDir: string
  /** Origin of the Entra host (`AZURE_AUTHORITY_HOST` the webhook injects). */
  authority: () => string
  /** Origin of the workload identity webhook's listener (the API server calls it over HTTPS). */
  webhookUrl: string
  /** kube-apiserver `--api-audiences`. */
  apiAudiences?: string[]
  onUnexpected: (err: unknown) => void
}

/** What the API server takes at construction from this slice. */
export type ApiServerExtensions = Required<
  Pick<ApiServerDeps, 'tokenAuthenticators' | 'podAdmission' | 'subresources'>
>

export interface PodIdentityCluster {
  /** The cluster's objects as this slice reads them (the API server's store, and what it does not serve). */
  readonly objects: ApiServerObjectsView
  /** TokenRequest, as `POST …/serviceaccounts/{name}/token` runs it. */
  tokenRequest: (input: TokenRequestInput) => Promise<TokenRequestResult>
  /** The workload identity webhook's listener handler (`/mutate-v1-pod`). */
  readonly webhookHandler: Handler
  readonly webhookConfiguration: K8sObject
  /** Where the MutatingWebhookConfiguration is written (state dir). */
  readonly webhookConfigurationFile: string
  readonly apiServer: ApiServerExtensions
  /** This slice's writes, through the API server's writer for the kinds it serves. */
  writer(api: ApiObjectWriter): ObjectWriter
  /** The section's objects the API server does not serve, and those it does (created through it). */
  readonly sectionObjects: { served: readonly K8sObject[] }
  close(): void
}

export interface ApiServerObjectsView extends ClusterObjects {
  /** Starts change notifications and announces the pods that exist already. */
  start(): void
}

const SERVED_KINDS = ['Namespace', 'ServiceAccount', 'Pod', 'Secret']
const AAD_KINDS = [
  'AzureIdentity',
  'AzureIdentityBinding',
  'AzureAssignedIdentity',
  'AzurePodIdentityException',
]

export function createPodIdentityCluster(
  core: PodIdentityCore,
  deps: PodIdentityClusterDeps,
): PodIdentityCluster {
  const { settings, primary, issuer } = core
  const sectionObjects = (deps.scenario.podIdentity?.objects ?? []) as K8sObject[]
  const served = [...SERVED_KINDS, ...(core.customResourceDefinitions.length ? AAD_KINDS : [])]
  const unserved = (o: K8sObject) => !served.includes(String(o.kind))
  // Only what the API server does not serve (aadpodidentity.k8s.io without CRDs) stays in memory.
  const extra = createMemoryCluster({
    now: () => deps.clock.now(),
    seed: sectionObjects.filter(unserved),
  })
  const objects = createApiServerObjects(deps.storage, extra)
  const tokenDeps = {
    issuer,
    objects,
    clock: deps.clock,
    apiAudiences: deps.apiAudiences ?? ['https://kubernetes.default.svc'],
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
      tenantId: deps.tenantId,
      authorityHost: `${deps.authority()}/`,
      layout: settings.layout,
      nativeSidecar: Number(primary.kubernetesVersion.split('.')[1] ?? 0) >= 32,
    }),
  }
  // The mock API server's create path is synchronous: it runs the webhook's review in process.
  const admission = createPodAdmission({
    url: deps.webhookUrl,
    caPem: deps.caPem,
    inProcess: admissionDeps,
    down: () => settings.webhookDown,
  })
  const webhookConfiguration = mutatingWebhookConfiguration({ url: deps.webhookUrl, caPem: deps.caPem })
  const dir = join(deps.stateDir, 'pod-identity')
  mkdirSync(dir, { recursive: true })
  const webhookConfigurationFile = join(dir, 'mutating-webhook-configuration.yaml')
  writeFileSync(webhookConfigurationFile, toYaml(webhookConfiguration))

  return {
    objects,
    tokenRequest,
    webhookHandler: createWebhookHandler({
      ...admissionDeps,
      events: deps.events,
      down: () => settings.webhookDown,
      onUnexpected: deps.onUnexpected,
    }),
    webhookConfiguration,
    webhookConfigurationFile,
    apiServer: {
      tokenAuthenticators: [(token, audiences) => saAuthenticator.authenticate(token, audiences)],
      podAdmission: [
        (pod, namespace, dryRun) => admission.admitInProcess(pod, { namespace, operation: 'CREATE', dryRun }),
      ],
      // This slice's errors are the shared Kubernetes Status errors (src/kube): it renders as its own.
      subresources: {
        serviceAccountToken: async (input) => {
          const r = await tokenRequest({
            namespace: input.namespace,
            name: input.name,
            ...(input.contentType && { contentType: input.contentType }),
            body: input.body,
          })
          return { body: r.body, warnings: r.warnings }
        },
      },
    },
    writer: (api) => apiServerWriter(deps.storage, api, extra),
    sectionObjects: { served: sectionObjects.filter((o) => !unserved(o)) },
    close: () => admission.close(),
  }
}
