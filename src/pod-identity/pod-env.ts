/**
 * The environment a mutated pod's container gets, made runnable on this machine (docs/pod-identity.md):
 * the container's literal `env` values, with paths inside projected volumes mapped to the
 * files the kubelet simulation writes, plus NODE_EXTRA_CA_CERTS (the simulator CA, which real pods
 * do not need) and AZURE_POD_IDENTITY_AUTHORITY_HOST (where this pod reaches IMDS / NMI; real pods
 * reach 169.254.169.254). A local process started with it authenticates exactly as the pod would.
 */
import type { K8sObject } from './cluster-objects.js'
import type { PodVolumes } from './kubelet.js'

interface Container {
  name?: string
  env?: { name: string; value?: string }[]
  volumeMounts?: { name: string; mountPath: string }[]
}

export class PodEnvError extends Error {}

export function podEnvironment(
  pod: K8sObject,
  volumes: PodVolumes | undefined,
  extra: Record<string, string>,
  containerName?: string,
): Record<string, string> {
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] }
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])]
  const c = containerName ? all.find((x) => x.name === containerName) : spec.containers?.[0]
  if (!c)
    throw new PodEnvError(
      containerName
        ? `container ${containerName} is not valid for pod ${pod.metadata.name ?? ''}`
        : `pod ${pod.metadata.name ?? ''} has no containers`,
    )
  const mounts = (c.volumeMounts ?? [])
    .map((m) => ({ mountPath: m.mountPath.replace(/\/+$/, ''), dir: volumes?.volumeDirs.get(m.name) }))
    .filter((m): m is { mountPath: string; dir: string } => m.dir !== undefined)
    .sort((a, b) => b.mountPath.length - a.mountPath.length)
  const env: Record<string, string> = {}
  for (const e of c.env ?? []) {
    if (typeof e.value !== 'string') continue
    const m = mounts.find((x) => e.value === x.mountPath || e.value!.startsWith(`${x.mountPath}/`))
    env[e.name] = m ? m.dir + e.value.slice(m.mountPath.length) : e.value
  }
  return { ...env, ...extra }
}

export type EnvFormat = 'json' | 'dotenv' | 'shell'

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`

export function formatEnvironment(env: Record<string, string>, format: EnvFormat): string {
  if (format === 'json') return `${JSON.stringify(env, null, 2)}\n`
  const lines = Object.entries(env).map(([k, v]) =>
    format === 'shell' ? `export ${k}=${shellQuote(v)}` : `${k}=${v}`,
  )
  return `${lines.join('\n')}\n`
}
