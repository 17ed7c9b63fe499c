/**
 * The slice's node side, built once the API server exists: simulated pods (created through the API
 * server, so the webhook admits them) and the kubelet writing their projected token files, IMDS with
 * NMI for pod-managed identity, and MIC assigning identities when the aad-pod-identity CRDs are served.
 */
import { join } from 'node:path'
import type { ObjectWriter as ApiObjectWriter } from '../apiserver/index.js'
import type { EntraDeps } from '../entra/index.js'
import type { Handler } from '../http/index.js'
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import type { PodIdentityCluster } from './cluster.js'
import type { PodIdentityCore } from './core.js'
import { createImds } from './imds.js'
import { createImdsHandler } from './imds-routes.js'
import { createKubelet, type Kubelet } from './kubelet.js'
import { startMic } from './mic.js'
import { createNmi } from './nmi.js'
import { createPodLifecycle, type PodLifecycle } from './pods.js'

export interface PodWorkloadsDeps {
  /** The API server's writer (its create/update/delete with admission). */
  api: ApiObjectWriter
  entra: EntraDeps
  clock: Clock
  events: EventBus
  faults: FaultRegistry
  stateDir: string
  /** The CA file a simulated pod's process trusts (`NODE_EXTRA_CA_CERTS`). */
  caFile: string
  /** Origin of the IMDS listener (plain HTTP). */
  imdsUrl: string
  onUnexpected: (err: unknown) => void
}

export interface PodWorkloads {
  readonly pods: PodLifecycle
  readonly kubelet: Kubelet
  /** The IMDS listener's handler (and NMI's, per pod, with pod-managed identity). */
  readonly imdsHandler: Handler
  /** Announces existing pods to the kubelet, creates the section's objects, starts MIC. */
  start(): Promise<void>
  close(): void
}

export function createPodWorkloads(
  core: PodIdentityCore,
  cluster: PodIdentityCluster,
  deps: PodWorkloadsDeps,
): PodWorkloads {
  const { objects } = cluster
  const writer = cluster.writer(deps.api)
  const kubelet = createKubelet({
    dir: join(deps.stateDir, 'pods'),
    clock: deps.clock,
    objects,
    events: deps.events,
    mint: async (pod, source) => {
      const spec = (pod.spec ?? {}) as { serviceAccountName?: string }
      const r = await cluster.tokenRequest({
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
    nodeIdentities: () => core.primary.nodeIdentities,
    faults: deps.faults,
    events: deps.events,
  })
  const nmi = createNmi({
    objects,
    clock: deps.clock,
    events: deps.events,
    identityByClientId: core.identityByClientId,
    imdsToken: imds.token,
    settings: () => core.settings.nmi,
  })
  const pods = createPodLifecycle({
    objects,
    writer,
    kubelet,
    extraEnv: (ns, name) => ({
      NODE_EXTRA_CA_CERTS: deps.caFile,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: `${deps.imdsUrl}/pods/${ns}/${name}`,
    }),
  })
  let mic: ReturnType<typeof startMic> | undefined
  return {
    pods,
    kubelet,
    imdsHandler: createImdsHandler({
      imds,
      nmi,
      objects,
      events: deps.events,
      nmiEnabled: () => core.settings.nmi.enabled,
      onUnexpected: deps.onUnexpected,
    }),
    async start() {
      objects.start()
      // The section's service accounts and pods, created through admission as `kubectl apply` would.
      const section = cluster.sectionObjects.served
      for (const o of section.filter((x) => x.kind !== 'Pod'))
        if (
          !objects.get(o.kind as 'ServiceAccount', o.metadata.namespace ?? 'default', o.metadata.name ?? '')
        )
          writer.create(structuredClone(o))
      for (const p of section.filter((o) => o.kind === 'Pod'))
        if (!objects.get('Pod', p.metadata.namespace ?? 'default', p.metadata.name ?? ''))
          await pods.create(structuredClone(p))
      if (core.customResourceDefinitions.length)
        mic = startMic({
          objects,
          writer,
          clock: deps.clock,
          assignments: nmi.assignments,
          settings: () => core.settings.nmi,
          onError: deps.onUnexpected,
        })
    },
    close() {
      mic?.stop()
      kubelet.close()
    },
  }
}
