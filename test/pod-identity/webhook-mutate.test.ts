import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { K8sObject } from '../../src/pod-identity/cluster-objects.js'
import { mutatePod, WebhookRejection, type MutationConfig } from '../../src/pod-identity/webhook/mutate.js'

const cfg: MutationConfig = {
  tenantId: 'tenant-of-webhook',
  authorityHost: 'https://login.microsoftonline.com/',
  layout: 'v1.5',
  nativeSidecar: true,
}
const sa = (
  annotations: Record<string, string> = { 'azure.workload.identity/client-id': 'client-1' },
): K8sObject => ({
  kind: 'ServiceAccount',
  metadata: { name: 'app', namespace: 'dev', annotations },
})
const pod = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'app-0',
    labels: { 'azure.workload.identity/use': 'true' },
    ...(annotations && { annotations }),
  },
  spec: { serviceAccountName: 'app', containers: [{ name: 'app', image: 'x' }], ...spec },
})
type C = { name: string; env?: { name: string; value: string }[]; volumeMounts?: unknown[] }
const containers = (p: K8sObject) => (p.spec as { containers: C[] }).containers
const envOf = (c: C) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]))
const reject = (f: () => unknown) => {
  try {
    f()
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookRejection)
    return (err as WebhookRejection).message
  }
  throw new Error('not rejected')
}

describe('workload identity mutation', () => {
  it('v1.5: four variables, the mount and the projected volume', () => {
    const out = mutatePod(pod(), 'dev', sa(), cfg)
    const c = containers(out)[0]!
    expect(c.env).toEqual([
      { name: 'AZURE_CLIENT_ID', value: 'client-1' },
      { name: 'AZURE_TENANT_ID', value: 'tenant-of-webhook' },
      { name: 'AZURE_FEDERATED_TOKEN_FILE', value: '/var/run/secrets/azure/tokens/azure-identity-token' },
      { name: 'AZURE_AUTHORITY_HOST', value: 'https://login.microsoftonline.com/' },
    ])
    expect(c.volumeMounts).toEqual([
      { name: 'azure-identity-token', mountPath: '/var/run/secrets/azure/tokens', readOnly: true },
    ])
    expect((out.spec as { volumes: unknown[] }).volumes).toEqual([
      {
        name: 'azure-identity-token',
        projected: {
          sources: [
            {
              serviceAccountToken: {
                path: 'azure-identity-token',
                expirationSeconds: 3600,
                audience: 'api://AzureADTokenExchange',
              },
            },
          ],
        },
      },
    ])
    expect(out.metadata.namespace).toBe('dev')
  })

  it('v1.6: the hashed volume name and the wi/token path', () => {
    const out = mutatePod(pod(), 'dev', sa(), { ...cfg, layout: 'v1.6' })
    const name = `azure-workload-identity-reserved-${createHash('sha256').update('app-0').digest('hex').slice(0, 30)}`
    expect(name).toHaveLength(63)
    const c = containers(out)[0]!
    expect(envOf(c).AZURE_FEDERATED_TOKEN_FILE).toBe('/var/run/secrets/azure/wi/token/azure-identity-token')
    expect(c.volumeMounts).toEqual([{ name, mountPath: '/var/run/secrets/azure/wi', readOnly: true }])
    expect((out.spec as { volumes: { name: string }[] }).volumes[0]!.name).toBe(name)
    // generateName-only pods hash "<prefix> (prefix)".
    const gen = mutatePod({ ...pod(), metadata: { generateName: 'app-', labels: {} } }, 'dev', sa(), {
      ...cfg,
      layout: 'v1.6',
    })
    const hashed = createHash('sha256').update('app- (prefix)').digest('hex').slice(0, 30)
    expect((gen.spec as { volumes: { name: string }[] }).volumes[0]!.name).toBe(
      `azure-workload-identity-reserved-${hashed}`,
    )
  })

  it('never overwrites a variable and never injects an empty one (the missing AZURE_CLIENT_ID symptom)', () => {
    const user = pod({ containers: [{ name: 'app', env: [{ name: 'AZURE_CLIENT_ID', value: 'mine' }] }] })
    expect(envOf(containers(mutatePod(user, 'dev', sa(), cfg))[0]!).AZURE_CLIENT_ID).toBe('mine')
    const typo = mutatePod(pod(), 'dev', sa({ 'azure.workload.identity/client_id': 'client-1' }), cfg)
    const env = envOf(containers(typo)[0]!)
    expect(env.AZURE_CLIENT_ID).toBeUndefined()
    expect(Object.keys(env)).toEqual([
      'AZURE_TENANT_ID',
      'AZURE_FEDERATED_TOKEN_FILE',
      'AZURE_AUTHORITY_HOST',
    ])
    const emptyTenant = mutatePod(
      pod(),
      'dev',
      sa({ 'azure.workload.identity/client-id': 'c', 'azure.workload.identity/tenant-id': '' }),
      cfg,
    )
    expect(envOf(containers(emptyTenant)[0]!).AZURE_TENANT_ID).toBeUndefined()
    const ownTenant = mutatePod(
      pod(),
      'dev',
      sa({ 'azure.workload.identity/client-id': 'c', 'azure.workload.identity/tenant-id': 't2' }),
      cfg,
    )
    expect(envOf(containers(ownTenant)[0]!).AZURE_TENANT_ID).toBe('t2')
  })

  it('covers init containers; skip-containers get nothing but the volume is still added', () => {
    const p = pod(
      {
        initContainers: [{ name: 'init', image: 'x' }],
        containers: [
          { name: 'app', image: 'x' },
          { name: 'sidecar', image: 'y' },
        ],
      },
      { 'azure.workload.identity/skip-containers': 'sidecar; other' },
    )
    const out = mutatePod(p, 'dev', sa(), cfg)
    const spec = out.spec as { initContainers: C[]; containers: C[]; volumes: unknown[] }
    expect(envOf(spec.initContainers[0]!).AZURE_CLIENT_ID).toBe('client-1')
    expect(envOf(spec.containers[0]!).AZURE_CLIENT_ID).toBe('client-1')
    expect(spec.containers[1]!.env).toBeUndefined()
    expect(spec.containers[1]!.volumeMounts).toBeUndefined()
    expect(spec.volumes).toHaveLength(1)
  })

  it('takes the expiration from the pod annotation, else the SA, within 3600–86400', () => {
    const exp = (p: K8sObject, s: K8sObject) =>
      (
        mutatePod(p, 'dev', s, cfg).spec as {
          volumes: { projected: { sources: { serviceAccountToken: { expirationSeconds: number } }[] } }[]
        }
      ).volumes[0]!.projected.sources[0]!.serviceAccountToken.expirationSeconds
    const key = 'azure.workload.identity/service-account-token-expiration'
    expect(exp(pod(), sa({ [key]: '7200' }))).toBe(7200)
    expect(exp(pod({}, { [key]: '86400' }), sa({ [key]: '7200' }))).toBe(86400)
    expect(reject(() => mutatePod(pod({}, { [key]: '100' }), 'dev', sa(), cfg))).toBe(
      'token expiration 100 not valid. Expected value to be between 3600 and 86400',
    )
    expect(reject(() => mutatePod(pod(), 'dev', sa({ [key]: '86401' }), cfg))).toContain(
      'token expiration 86401 not valid',
    )
    expect(reject(() => mutatePod(pod({}, { [key]: '1h' }), 'dev', sa(), cfg))).toBe(
      'strconv.ParseInt: parsing "1h": invalid syntax',
    )
  })

  it('proxy sidecar: native sidecar first, init container appended; hostNetwork and bad ports rejected', () => {
    const out = mutatePod(
      pod({ initContainers: [{ name: 'setup' }] }, { 'azure.workload.identity/inject-proxy-sidecar': '' }),
      'dev',
      sa(),
      cfg,
    )
    const inits = (
      out.spec as { initContainers: { name: string; restartPolicy?: string; args?: string[] }[] }
    ).initContainers
    expect(inits.map((c) => c.name)).toEqual(['azwi-proxy', 'setup', 'azwi-proxy-init'])
    expect(inits[0]!.restartPolicy).toBe('Always')
    expect(inits[0]!.args).toContain('--proxy-port=8000')
    const legacy = mutatePod(
      pod({}, { 'azure.workload.identity/inject-proxy-sidecar': 'true' }),
      'dev',
      sa(),
      { ...cfg, nativeSidecar: false },
    )
    expect(containers(legacy).map((c) => c.name)).toEqual(['azwi-proxy', 'app'])
    expect(
      reject(() =>
        mutatePod(
          pod({ hostNetwork: true }, { 'azure.workload.identity/inject-proxy-sidecar': 'true' }),
          'dev',
          sa(),
          cfg,
        ),
      ),
    ).toBe('hostNetwork is set to true, cannot inject proxy sidecar')
    expect(
      reject(() =>
        mutatePod(
          pod(
            {},
            {
              'azure.workload.identity/inject-proxy-sidecar': 'true',
              'azure.workload.identity/proxy-sidecar-port': 'http',
            },
          ),
          'dev',
          sa(),
          cfg,
        ),
      ),
    ).toBe('failed to parse proxy sidecar port: strconv.ParseInt: parsing "http": invalid syntax')
  })

  it('v1.5 keeps an existing token volume; v1.6 replaces its own', () => {
    const existing = pod({
      volumes: [
        {
          name: 'mine',
          projected: { sources: [{ serviceAccountToken: { path: 'azure-identity-token', audience: 'x' } }] },
        },
      ],
    })
    const v15 = mutatePod(existing, 'dev', sa(), cfg)
    expect((v15.spec as { volumes: { name: string }[] }).volumes.map((v) => v.name)).toEqual(['mine'])
  })
})
