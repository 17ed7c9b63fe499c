/**
 * Defaulting as the API server applies it on create and update (SetDefaults_* of k8s.io/api plus the
 * admission plugins every cluster runs: ServiceAccount, DefaultTolerationSeconds, Priority), so
 * objects read back look like a real cluster's. Pure functions of the object and a few facts from
 * the server (allocated IPs, random suffixes).
 */
import type { KubeObject } from '../types.js'
import { obj, arr, type Obj } from '../values.js'

export interface DefaultingContext {
  /** Random lower-case suffix generator (`kube-api-access-xxxxx`). */
  suffix(n: number): string
  /** Allocates a free ClusterIP. */
  allocateClusterIP(): string
  /** Allocates a free NodePort. */
  allocateNodePort(): number
}

function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent'
  const ref = image.split('@')[0]!
  const lastSlash = ref.lastIndexOf('/')
  const tagAt = ref.lastIndexOf(':')
  const tag = tagAt > lastSlash ? ref.slice(tagAt + 1) : ''
  return image.includes('@') ? 'IfNotPresent' : tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent'
}

function defaultContainer(c: Obj): Obj {
  const out: Obj = {
    ...c,
    resources: c.resources ?? {},
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    imagePullPolicy: c.imagePullPolicy ?? imagePullPolicy(c.image),
  }
  if (Array.isArray(c.ports)) out.ports = arr(c.ports).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }))
  if (Array.isArray(c.env))
    out.env = arr(c.env).map((e) => {
      const fieldRef = obj(obj(e.valueFrom).fieldRef)
      return e.valueFrom && obj(e.valueFrom).fieldRef && !fieldRef.apiVersion
        ? { ...e, valueFrom: { ...obj(e.valueFrom), fieldRef: { apiVersion: 'v1', ...fieldRef } } }
        : e
    })
  return out
}

function defaultVolume(v: Obj): Obj {
  const out = { ...v }
  for (const src of ['secret', 'configMap', 'downwardAPI', 'projected'])
    if (v[src] && typeof v[src] === 'object') out[src] = { defaultMode: 420, ...obj(v[src]) }
  return out
}

export function defaultPodSpec(spec: Obj): Obj {
  return {
    ...spec,
    ...(Array.isArray(spec.volumes) && { volumes: arr(spec.volumes).map(defaultVolume) }),
    containers: arr(spec.containers).map(defaultContainer),
    ...(Array.isArray(spec.initContainers) && {
      initContainers: arr(spec.initContainers).map(defaultContainer),
    }),
    restartPolicy: spec.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    dnsPolicy: spec.dnsPolicy ?? 'ClusterFirst',
    securityContext: spec.securityContext ?? {},
    schedulerName: spec.schedulerName ?? 'default-scheduler',
  }
}

/** What the ServiceAccount, Priority and DefaultTolerationSeconds admission plugins add to a pod. */
function admitPod(spec: Obj, ctx: DefaultingContext): Obj {
  const sa =
    (spec.serviceAccountName as string | undefined) ??
    (spec.serviceAccount as string | undefined) ??
    'default'
  const out: Obj = { ...spec, serviceAccountName: sa, serviceAccount: sa }
  out.enableServiceLinks = spec.enableServiceLinks ?? true
  out.preemptionPolicy = spec.preemptionPolicy ?? 'PreemptLowerPriority'
  out.priority = spec.priority ?? 0
  const tolerations = arr(spec.tolerations)
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'])
    if (!tolerations.some((t) => t.key === key))
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 })
  out.tolerations = tolerations
  if (spec.automountServiceAccountToken !== false) {
    const name = `kube-api-access-${ctx.suffix(5)}`
    out.volumes = [
      ...arr(spec.volumes),
      {
        name,
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [
                  { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
                ],
              },
            },
          ],
          defaultMode: 420,
        },
      },
    ]
    const mount = { name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }
    out.containers = arr(out.containers).map((c) => ({ ...c, volumeMounts: [...arr(c.volumeMounts), mount] }))
  }
  return out
}

const encodeStringData = (data: Obj, stringData: Obj): Obj => ({
  ...data,
  ...Object.fromEntries(
    Object.entries(stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]),
  ),
})

const DEFAULTERS: Record<string, (o: KubeObject, ctx: DefaultingContext, create: boolean) => KubeObject> = {
  Namespace(o) {
    return {
      ...o,
      metadata: {
        ...o.metadata,
        labels: { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name ?? '' },
      },
      spec: { finalizers: ['kubernetes'], ...obj(o.spec) },
      status: { phase: 'Active', ...obj(o.status) },
    }
  },
  Pod(o, ctx, create) {
    const spec = defaultPodSpec(obj(o.spec))
    return { ...o, spec: create ? admitPod(spec, ctx) : spec }
  },
  Deployment(o) {
    const spec = obj(o.spec)
    const template = obj(spec.template)
    const strategy = obj(spec.strategy)
    const type = strategy.type ?? 'RollingUpdate'
    return {
      ...o,
      spec: {
        ...spec,
        replicas: spec.replicas ?? 1,
        template: { ...template, metadata: obj(template.metadata), spec: defaultPodSpec(obj(template.spec)) },
        strategy:
          type === 'RollingUpdate'
            ? {
                type,
                rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%', ...obj(strategy.rollingUpdate) },
              }
            : { ...strategy, type },
        revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
        progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
      },
    }
  },
  ReplicaSet(o) {
    const spec = obj(o.spec)
    const template = obj(spec.template)
    return {
      ...o,
      spec: {
        ...spec,
        replicas: spec.replicas ?? 1,
        template: { ...template, metadata: obj(template.metadata), spec: defaultPodSpec(obj(template.spec)) },
      },
    }
  },
  Service(o, ctx, create) {
    const spec = obj(o.spec)
    const type = (spec.type as string | undefined) ?? 'ClusterIP'
    const external = type === 'NodePort' || type === 'LoadBalancer'
    const out: Obj = {
      ...spec,
      type,
      sessionAffinity: spec.sessionAffinity ?? 'None',
      ports: arr(spec.ports).map((p) => ({
        ...p,
        protocol: p.protocol ?? 'TCP',
        targetPort: p.targetPort ?? p.port,
        ...(external && create && p.nodePort === undefined && { nodePort: ctx.allocateNodePort() }),
      })),
    }
    if (type !== 'ExternalName') {
      if (create && !spec.clusterIP) out.clusterIP = ctx.allocateClusterIP()
      out.clusterIPs = spec.clusterIPs ?? [out.clusterIP]
      out.ipFamilies = spec.ipFamilies ?? ['IPv4']
      out.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack'
      out.internalTrafficPolicy = spec.internalTrafficPolicy ?? 'Cluster'
    }
    if (external) out.externalTrafficPolicy = spec.externalTrafficPolicy ?? 'Cluster'
    if (type === 'LoadBalancer')
      out.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts ?? true
    return { ...o, spec: out, status: o.status ?? { loadBalancer: {} } }
  },
  Secret(o) {
    const { stringData, ...rest } = o
    return {
      ...rest,
      type: o.type ?? 'Opaque',
      ...(stringData !== undefined && { data: encodeStringData(obj(o.data), obj(stringData)) }),
    }
  },
  ...Object.fromEntries(
    ['RoleBinding', 'ClusterRoleBinding'].map((kind) => [
      kind,
      (o: KubeObject) => ({
        ...o,
        ...(Array.isArray(o.subjects) && {
          subjects: arr(o.subjects).map((s) =>
            s.apiGroup || (s.kind !== 'User' && s.kind !== 'Group')
              ? s
              : { ...s, apiGroup: 'rbac.authorization.k8s.io' },
          ),
        }),
      }),
    ]),
  ),
}

export function applyDefaults(
  kind: string,
  o: KubeObject,
  ctx: DefaultingContext,
  create: boolean,
): KubeObject {
  return DEFAULTERS[kind]?.(o, ctx, create) ?? o
}
