/**
 * The Kubernetes manifests of docs/deploy against the official Kubernetes 1.32 OpenAPI v3 schemas
 * (test/fixtures/k8s-openapi: every object closed, so a misspelt field fails), and against each other
 * and the image: the Deployment's volumes name the PVC, its Service targets name container ports, the
 * ports are the simulator's listeners, the pod runs as the image's non-root user with a read-only root.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { SERVICE_PORTS } from '../../src/composition/listeners.js'
import { REGISTRY_PORT_OFFSET } from '../../src/composition/registries.js'
import { demoScenario } from '../../src/scenario/index.js'
import { openapiValidator } from '../helpers/openapi.js'

const ROOT = resolve(import.meta.dirname, '../..')
const DIR = join(ROOT, 'docs/deploy')
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
const objects = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([])
    return { file, object: d.toJS() }
  }),
)
const SCHEMAS: Record<string, [string, string]> = {
  'v1/Namespace': ['api__v1_openapi.json', 'io.k8s.api.core.v1.Namespace'],
  'v1/ServiceAccount': ['api__v1_openapi.json', 'io.k8s.api.core.v1.ServiceAccount'],
  'v1/PersistentVolumeClaim': ['api__v1_openapi.json', 'io.k8s.api.core.v1.PersistentVolumeClaim'],
  'v1/Service': ['api__v1_openapi.json', 'io.k8s.api.core.v1.Service'],
  'apps/v1/Deployment': ['apis__apps__v1_openapi.json', 'io.k8s.api.apps.v1.Deployment'],
}
const one = (kind: string) => objects.filter((o) => o.object.kind === kind).map((o) => o.object)

describe('docs/deploy', () => {
  it.each(objects.map((o) => [o.file, o.object.kind, o.object] as const))(
    '%s (%s) is valid against the official Kubernetes 1.32 schema',
    (_file, _kind, object) => {
      const schema = SCHEMAS[`${object.apiVersion}/${object.kind}`]
      expect(schema, `no schema for ${object.apiVersion} ${object.kind}`).toBeDefined()
      const validate = openapiValidator(schema![0], schema![1])
      expect(validate(object), JSON.stringify(validate.errors, null, 2)).toBe(true)
    },
  )

  it('a misspelt field fails the same validation (the check can fail)', () => {
    const [deployment] = one('Deployment')
    const broken = structuredClone(deployment)
    broken.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true
    const validate = openapiValidator('apis__apps__v1_openapi.json', 'io.k8s.api.apps.v1.Deployment')
    expect(validate(broken)).toBe(false)
  })

  it('kustomization.yaml lists every manifest but the room Service, which is optional', () => {
    const k = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS()
    expect([...k.resources].sort()).toEqual(files.filter((f) => f !== 'service-room.yaml').sort())
  })

  it('puts everything in one namespace and wires the objects to each other', () => {
    const [ns] = one('Namespace')
    for (const { object } of objects.filter((o) => o.object.kind !== 'Namespace'))
      expect(object.metadata.namespace).toBe(ns.metadata.name)
    const [deployment] = one('Deployment')
    const pod = deployment.spec.template
    expect(deployment.spec.selector.matchLabels).toEqual(pod.metadata.labels)
    expect(pod.spec.serviceAccountName).toBe(one('ServiceAccount')[0].metadata.name)
    const claim = pod.spec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName
    expect(claim).toBe(one('PersistentVolumeClaim')[0].metadata.name)
    // One simulator per state dir: never two pods on the volume at once.
    expect(deployment.spec.replicas).toBe(1)
    expect(deployment.spec.strategy.type).toBe('Recreate')
    const container = pod.spec.containers[0]
    const ports = container.ports.map((p: any) => [p.name, p.containerPort])
    // The listeners in their order from port base 8440 (src/composition/listeners.ts), then the demo
    // scenario's registries from port base + 20 (src/composition/registries.ts).
    expect(ports.map(([, port]: [string, number]) => port)).toEqual([
      ...Object.values(SERVICE_PORTS).map((offset) => 8440 + offset),
      ...(demoScenario().azure?.containerRegistries ?? []).map((_, i) => 8440 + REGISTRY_PORT_OFFSET + i),
    ])
    for (const svc of one('Service')) {
      expect(svc.spec.selector).toEqual(pod.metadata.labels)
      expect(svc.spec.ports.map((p: any) => [p.targetPort, p.port])).toEqual(ports)
    }
    const state = container.volumeMounts.find((m: any) => m.name === 'state')
    expect(state.mountPath).toBe('/var/lib/aks-auth-sim')
  })

  it('runs as the image’s non-root user with a read-only root filesystem and nothing extra', () => {
    const pod = one('Deployment')[0].spec.template.spec
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 })
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    })
    expect(pod.automountServiceAccountToken).toBe(false)
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    expect(dockerfile).toMatch(/^USER 1000:1000$/m)
    expect(dockerfile).toMatch(/^VOLUME \["\/var\/lib\/aks-auth-sim"\]$/m)
  })

  it('probes the webhook’s /readyz with a Host the host guard accepts', () => {
    const c = one('Deployment')[0].spec.template.spec.containers[0]
    expect(c.readinessProbe.httpGet).toEqual({
      scheme: 'HTTPS',
      path: '/readyz',
      port: 'webhook',
      httpHeaders: [{ name: 'Host', value: 'localhost' }],
    })
    expect(c.ports.find((p: any) => p.name === 'webhook').containerPort).toBe(8440 + SERVICE_PORTS.webhook)
  })
})
