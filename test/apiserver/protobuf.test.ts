import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  loadKubeProtos,
  createSchemaModel,
  decodeEnvelope,
  decodeObject,
  ProtobufDecodeError,
  PROTOBUF_MAGIC,
} from '../../src/kube/index.js'

const model = createSchemaModel(loadKubeProtos())
const FIXTURES = join(import.meta.dirname, 'fixtures', 'kubectl-1.32-protobuf')
const fixture = (name: string) => readFileSync(join(FIXTURES, name))

function decodeFixture(name: string, type: string) {
  const env = decodeEnvelope(model, fixture(name))
  return { env, object: decodeObject(model, type, env.raw) }
}

describe('protobuf bodies recorded from kubectl 1.32.4', () => {
  it('decodes `create namespace`', () => {
    const { env, object } = decodeFixture('v1-namespaces.bin', 'k8s.io.api.core.v1.Namespace')
    expect(env).toMatchObject({ apiVersion: 'v1', kind: 'Namespace' })
    expect(object).toEqual({ metadata: { name: 'pbns' }, spec: {}, status: {} })
  })

  it('decodes `create configmap` with data and binaryData (bytes become base64)', () => {
    const { object } = decodeFixture('v1-namespaces-pbns-configmaps.bin', 'k8s.io.api.core.v1.ConfigMap')
    expect(object).toEqual({
      metadata: { name: 'pbcm', namespace: 'pbns' },
      data: { k: 'v' },
      binaryData: { bin: Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64') },
    })
  })

  it('decodes `create secret generic` (Secret.data is map<string, bytes>)', () => {
    const { object } = decodeFixture('v1-namespaces-pbns-secrets.bin', 'k8s.io.api.core.v1.Secret')
    expect(object).toEqual({
      metadata: { name: 'pbsec', namespace: 'pbns' },
      data: { password: Buffer.from('s3cr3t').toString('base64') },
    })
  })

  it('decodes `create deployment --replicas=0`, keeping the explicit zero and IntOrString-free template', () => {
    const { env, object } = decodeFixture(
      'apps-v1-namespaces-pbns-deployments.bin',
      'k8s.io.api.apps.v1.Deployment',
    )
    expect(env).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' })
    expect(object).toMatchObject({
      metadata: { name: 'pbdep', namespace: 'pbns', labels: { app: 'pbdep' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'pbdep' } },
        template: {
          metadata: { labels: { app: 'pbdep' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
        },
      },
    })
  })

  it('decodes `create service clusterip` with an IntOrString targetPort', () => {
    const { object } = decodeFixture('v1-namespaces-pbns-services.bin', 'k8s.io.api.core.v1.Service')
    expect(object).toMatchObject({
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], type: 'ClusterIP' },
    })
  })

  it('decodes RBAC objects (role, rolebinding with a ServiceAccount subject, clusterrole with non-resource URLs)', () => {
    expect(
      decodeFixture('rbac.authorization.k8s.io-v1-namespaces-pbns-roles.bin', 'k8s.io.api.rbac.v1.Role')
        .object,
    ).toEqual({
      metadata: { name: 'pbrole', namespace: 'pbns' },
      rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
    })
    expect(
      decodeFixture(
        'rbac.authorization.k8s.io-v1-namespaces-pbns-rolebindings.bin',
        'k8s.io.api.rbac.v1.RoleBinding',
      ).object,
    ).toEqual({
      metadata: { name: 'pbrb', namespace: 'pbns' },
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
        { kind: 'ServiceAccount', name: 'pbsa', namespace: 'pbns' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pbrole' },
    })
    expect(
      decodeFixture('rbac.authorization.k8s.io-v1-clusterroles.bin', 'k8s.io.api.rbac.v1.ClusterRole').object,
    ).toEqual({
      metadata: { name: 'pbcr' },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    })
  })

  it('decodes the review kinds of `auth can-i`, `auth can-i --list` and `auth whoami`', () => {
    expect(
      decodeFixture(
        'authorization.k8s.io-v1-selfsubjectaccessreviews.bin',
        'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
      ).object,
    ).toMatchObject({
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    })
    expect(
      decodeFixture(
        'authorization.k8s.io-v1-selfsubjectrulesreviews.bin',
        'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
      ).object,
    ).toMatchObject({
      spec: { namespace: 'default' },
    })
    const whoami = decodeFixture(
      'authentication.k8s.io-v1-selfsubjectreviews.bin',
      'k8s.io.api.authentication.v1.SelfSubjectReview',
    )
    expect(whoami.env).toMatchObject({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })
  })

  it('decodes every recorded body without error', () => {
    for (const f of readdirSync(FIXTURES)) expect(() => decodeEnvelope(model, fixture(f)), f).not.toThrow()
  })
})

describe('protobuf conversions to JSON', () => {
  const encode = (type: string, value: Record<string, unknown>) => {
    const T = model.root.lookupType(type)
    return T.encode(T.fromObject(value)).finish()
  }

  it('turns Time into RFC 3339, IntOrString into int or string, Quantity into its string, inline structs into fields', () => {
    const raw = encode('k8s.io.api.core.v1.Pod', {
      metadata: {
        name: 'p',
        creationTimestamp: { seconds: 1_700_000_000, nanos: 0 },
        deletionTimestamp: { seconds: 0, nanos: 0 },
      },
      spec: {
        containers: [
          {
            name: 'c',
            readinessProbe: {
              handler: { httpGet: { port: { type: 1, strVal: 'http' } } },
              initialDelaySeconds: 5,
            },
            livenessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } } },
            resources: { limits: { cpu: { string: '500m' } } },
            envFrom: [{ configMapRef: { localObjectReference: { name: 'cfg' } } }],
          },
        ],
        volumes: [{ name: 'v', volumeSource: { emptyDir: {} } }],
      },
    })
    expect(decodeObject(model, 'k8s.io.api.core.v1.Pod', raw)).toEqual({
      metadata: { name: 'p', creationTimestamp: '2023-11-14T22:13:20Z' },
      spec: {
        containers: [
          {
            name: 'c',
            readinessProbe: { httpGet: { port: 'http' }, initialDelaySeconds: 5 },
            livenessProbe: { tcpSocket: { port: 8080 } },
            resources: { limits: { cpu: '500m' } },
            envFrom: [{ configMapRef: { name: 'cfg' } }],
          },
        ],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    })
  })

  it('rejects bodies without the magic prefix and garbage after it', () => {
    expect(() => decodeEnvelope(model, Buffer.from('{"kind":"Pod"}'))).toThrow(ProtobufDecodeError)
    expect(() =>
      decodeEnvelope(model, Buffer.concat([PROTOBUF_MAGIC, Buffer.from([0x0a, 0xff, 0xff, 0xff])])),
    ).toThrow(ProtobufDecodeError)
    const env = Buffer.concat([
      PROTOBUF_MAGIC,
      encode('k8s.io.apimachinery.pkg.runtime.Unknown', { raw: Buffer.from([0x0a, 0x05, 0x01]) }),
    ])
    const { raw } = decodeEnvelope(model, env)
    expect(() => decodeObject(model, 'k8s.io.api.core.v1.ConfigMap', raw)).toThrow(ProtobufDecodeError)
  })
})
