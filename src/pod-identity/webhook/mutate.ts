/**
 * The azure-workload-identity pod mutation (Azure/azure-workload-identity `pkg/webhook/webhook.go`): from the
 * pod's service account, add AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_FEDERATED_TOKEN_FILE /
 * AZURE_AUTHORITY_HOST to every init and regular container not in skip-containers (never over an
 * existing variable, never with an empty value), mount the projected token volume, and add the volume
 * with audience api://AzureADTokenExchange and the expiration from the pod annotation, else the SA
 * annotation, else 3600 (3600–86400, else the pod is rejected). Layout v1.5 or v1.6. Optionally the
 * proxy init container and sidecar. Pure: the caller finds the service account.
 */
import { createHash } from 'node:crypto'
import {
  CLIENT_ID_ANNOTATION,
  DEFAULT_PROXY_PORT,
  DEFAULT_TOKEN_EXPIRATION,
  ENV,
  INJECT_PROXY_ANNOTATION,
  LAYOUTS,
  MAX_TOKEN_EXPIRATION,
  MIN_TOKEN_EXPIRATION,
  PROXY_PORT_ANNOTATION,
  SKIP_CONTAINERS_ANNOTATION,
  TENANT_ID_ANNOTATION,
  TOKEN_EXCHANGE_AUDIENCE,
  TOKEN_EXPIRATION_ANNOTATION,
  V15_VOLUME_NAME,
  V16_VOLUME_PREFIX,
  type WebhookLayout,
} from '../constants.js'
import { annotationsOf, type K8sObject } from '../cluster-objects.js'

export interface MutationConfig {
  /** The webhook's own AZURE_TENANT_ID (required by azwi at start-up). */
  tenantId: string
  /** AZURE_AUTHORITY_HOST of the webhook's cloud, with trailing slash. */
  authorityHost: string
  audience?: string
  layout: WebhookLayout
  /** API server ≥ 1.32: the proxy runs as a native sidecar (init container with restartPolicy Always). */
  nativeSidecar: boolean
  proxyImageVersion?: string
}

/** A rejection: the webhook answers allowed=false with this code and message. */
export class WebhookRejection extends Error {
  readonly code: number
  constructor(message: string, code = 400) {
    super(message)
    this.code = code
  }
}

interface Container {
  name?: string
  env?: { name: string; value?: string; [k: string]: unknown }[]
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; [k: string]: unknown }[]
  [k: string]: unknown
}
interface Volume {
  name: string
  projected?: { sources?: { serviceAccountToken?: { path?: string } }[] }
  [k: string]: unknown
}
interface PodSpec {
  containers?: Container[]
  initContainers?: Container[]
  volumes?: Volume[]
  hostNetwork?: boolean
  [k: string]: unknown
}

/** Go's strconv.ParseInt error text. */
function parseGoInt(s: string, bits: 32 | 64, fn = 'ParseInt'): number {
  if (!/^[+-]?\d+$/.test(s))
    throw new WebhookRejection(`strconv.${fn}: parsing ${JSON.stringify(s)}: invalid syntax`)
  const n = BigInt(s)
  const limit = bits === 32 ? 2n ** 31n : 2n ** 63n
  if (n >= limit || n < -limit)
    throw new WebhookRejection(`strconv.${fn}: parsing ${JSON.stringify(s)}: value out of range`)
  return Number(n)
}

export function tokenExpiration(pod: K8sObject, sa: K8sObject): number {
  const fromPod = annotationsOf(pod)[TOKEN_EXPIRATION_ANNOTATION]
  const fromSa = annotationsOf(sa)[TOKEN_EXPIRATION_ANNOTATION]
  const raw = fromPod ? fromPod : fromSa ? fromSa : undefined
  const value = raw === undefined ? DEFAULT_TOKEN_EXPIRATION : parseGoInt(raw, 64)
  if (value < MIN_TOKEN_EXPIRATION || value > MAX_TOKEN_EXPIRATION)
    throw new WebhookRejection(
      `token expiration ${value} not valid. Expected value to be between ${MIN_TOKEN_EXPIRATION} and ${MAX_TOKEN_EXPIRATION}`,
    )
  return value
}

/** v1.6: `azure-workload-identity-reserved-` + the first 30 hex digits of sha256(pod name). */
export function v16VolumeName(podName: string): string {
  const hex = createHash('sha256').update(podName).digest('hex')
  return V16_VOLUME_PREFIX + hex.slice(0, 63 - V16_VOLUME_PREFIX.length)
}

function podNameOf(pod: K8sObject): string {
  return pod.metadata.name ? pod.metadata.name : `${pod.metadata.generateName ?? ''} (prefix)`
}

function addEnv(c: Container, desired: [string, string][]): Container {
  const have = new Set((c.env ?? []).map((e) => e.name))
  const add = desired
    .filter(([n, v]) => !have.has(n) && v.length > 0)
    .map(([name, value]) => ({ name, value }))
  return add.length ? { ...c, env: [...(c.env ?? []), ...add] } : c
}

function addMount(c: Container, name: string, mountPath: string, layout: WebhookLayout): Container {
  const mount = { name, mountPath, readOnly: true }
  const mounts = c.volumeMounts ?? []
  const i = mounts.findIndex((m) => m.name === name)
  // v1.5 keeps an existing mount of that name; v1.6 replaces it.
  if (i >= 0)
    return layout === 'v1.5' ? c : { ...c, volumeMounts: mounts.map((m, j) => (j === i ? mount : m)) }
  return { ...c, volumeMounts: [...mounts, mount] }
}

function proxyContainers(port: number, version: string) {
  const init = {
    name: 'azwi-proxy-init',
    image: `mcr.microsoft.com/oss/azure/workload-identity/proxy-init:${version}`,
    imagePullPolicy: 'IfNotPresent',
    securityContext: {
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      privileged: true,
      runAsNonRoot: false,
      runAsUser: 0,
    },
    env: [{ name: 'PROXY_PORT', value: String(port) }],
  }
  const sidecar = {
    name: 'azwi-proxy',
    image: `mcr.microsoft.com/oss/azure/workload-identity/proxy:${version}`,
    imagePullPolicy: 'IfNotPresent',
    args: [`--proxy-port=${port}`, '--log-level=info'],
    ports: [{ containerPort: port }],
    lifecycle: {
      postStart: { exec: { command: ['/proxy', `--proxy-port=${port}`, '--probe', '--log-level=info'] } },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
  }
  return { init, sidecar }
}

/** Returns the mutated pod (a new object) or throws WebhookRejection. */
export function mutatePod(pod: K8sObject, namespace: string, sa: K8sObject, cfg: MutationConfig): K8sObject {
  const out = structuredClone(pod)
  out.metadata.namespace = namespace
  const spec = (out.spec ??= {}) as PodSpec
  const annotations = annotationsOf(pod)
  if (Object.prototype.hasOwnProperty.call(annotations, INJECT_PROXY_ANNOTATION)) {
    if (spec.hostNetwork)
      throw new WebhookRejection('hostNetwork is set to true, cannot inject proxy sidecar')
    const rawPort = annotations[PROXY_PORT_ANNOTATION]
    let port = DEFAULT_PROXY_PORT
    if (rawPort !== undefined) {
      try {
        port = parseGoInt(rawPort, 32)
      } catch (err) {
        throw new WebhookRejection(`failed to parse proxy sidecar port: ${(err as Error).message}`)
      }
    }
    const { init, sidecar } = proxyContainers(port, cfg.proxyImageVersion ?? 'v1.5.1')
    const inits = spec.initContainers ?? []
    if (!inits.some((c) => c.name === init.name)) spec.initContainers = [...inits, init]
    if (cfg.nativeSidecar) {
      if (!(spec.initContainers ?? []).some((c) => c.name === sidecar.name))
        spec.initContainers = [{ ...sidecar, restartPolicy: 'Always' }, ...(spec.initContainers ?? [])]
    } else if (!(spec.containers ?? []).some((c) => c.name === sidecar.name))
      spec.containers = [sidecar, ...(spec.containers ?? [])]
  }
  const expiration = tokenExpiration(pod, sa)
  const saAnnotations = annotationsOf(sa)
  const clientId = saAnnotations[CLIENT_ID_ANNOTATION] ?? ''
  // Present-but-empty tenant annotation wins over the webhook's tenant (and then injects nothing).
  const tenantId = Object.prototype.hasOwnProperty.call(saAnnotations, TENANT_ID_ANNOTATION)
    ? saAnnotations[TENANT_ID_ANNOTATION]!
    : cfg.tenantId
  const rawSkip = annotations[SKIP_CONTAINERS_ANNOTATION]
  const skip = new Set(rawSkip ? rawSkip.split(';').map((s) => s.trim()) : [])
  const layout = LAYOUTS[cfg.layout]
  const volumeName = cfg.layout === 'v1.5' ? V15_VOLUME_NAME : v16VolumeName(podNameOf(pod))
  const desired: [string, string][] = [
    [ENV.clientId, clientId],
    [ENV.tenantId, tenantId],
    [ENV.tokenFile, `${layout.mountPath}/${layout.tokenPath}`],
    [ENV.authorityHost, cfg.authorityHost],
  ]
  const mutate = (cs: Container[] | undefined) =>
    cs?.map((c) =>
      skip.has(c.name ?? '') ? c : addMount(addEnv(c, desired), volumeName, layout.mountPath, cfg.layout),
    )
  if (spec.initContainers) spec.initContainers = mutate(spec.initContainers)
  if (spec.containers) spec.containers = mutate(spec.containers)
  const volume: Volume = {
    name: volumeName,
    projected: {
      sources: [
        {
          serviceAccountToken: {
            path: layout.tokenPath,
            expirationSeconds: expiration,
            audience: cfg.audience ?? TOKEN_EXCHANGE_AUDIENCE,
          } as { path: string },
        },
      ],
    },
  }
  const volumes = spec.volumes ?? []
  if (cfg.layout === 'v1.5') {
    const exists = volumes.some((v) =>
      (v.projected?.sources ?? []).some((s) => s.serviceAccountToken?.path === layout.tokenPath),
    )
    if (!exists) spec.volumes = [...volumes, volume]
  } else {
    const i = volumes.findIndex((v) => v.name === volumeName)
    spec.volumes = i >= 0 ? volumes.map((v, j) => (j === i ? volume : v)) : [...volumes, volume]
  }
  return out
}
