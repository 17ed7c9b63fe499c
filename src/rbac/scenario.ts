/**
 * The scenario's `kubernetes` section: objects seeded into the simulated cluster's object store
 * (namespaces, RBAC roles and bindings, pods, …) and whether Kubernetes' bootstrap RBAC defaults exist.
 * Its type, schema, checks, seed objects and the demo tenant's values.
 */
import { loadBootstrapPolicy } from './bootstrap.js'
import { validateKubernetesRbacObjects } from './validate.js'

export interface KubernetesScenario {
  /** Include the Kubernetes 1.32 bootstrap ClusterRoles and ClusterRoleBindings. Default true. */
  bootstrapRbac?: boolean
  /** Kubernetes objects (any served kind) as they would be applied with kubectl. */
  objects?: KubernetesManifest[]
}

export interface KubernetesManifest {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
  }
  [field: string]: unknown
}

export const kubernetesScenarioSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    bootstrapRbac: { type: 'boolean' },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'metadata'],
        properties: {
          apiVersion: { type: 'string', minLength: 1 },
          kind: { type: 'string', minLength: 1 },
          metadata: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', minLength: 1 },
              namespace: { type: 'string', minLength: 1 },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              annotations: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        },
      },
    },
  },
} as const

/** The section's checks beyond the schema: every RBAC object must be one the API server would accept. */
export function kubernetesScenarioProblems(section: KubernetesScenario | undefined): string[] {
  return validateKubernetesRbacObjects(section?.objects ?? [])
}

/**
 * What the cluster's object store starts with: the bootstrap RBAC policy (unless `bootstrapRbac: false`)
 * and then the scenario's objects, which replace a bootstrap object of the same kind, namespace and name.
 */
export function kubernetesSeedObjects(scenario: KubernetesScenario | undefined): KubernetesManifest[] {
  const bootstrap = scenario?.bootstrapRbac === false ? [] : (loadBootstrapPolicy() as KubernetesManifest[])
  const key = (o: KubernetesManifest) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`
  const objects = scenario?.objects ?? []
  const replaced = new Set(objects.map(key))
  return [...bootstrap.filter((o) => !replaced.has(key(o))), ...structuredClone(objects)]
}

/** Object ids of the demo tenant's users and groups, which the demo's bindings name. */
export interface DemoKubernetesIds {
  userId(name: string): string
  groupId(name: string): string
}

const RBAC = 'rbac.authorization.k8s.io'

const namespace = (name: string): KubernetesManifest => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
})

const subject = (kind: 'User' | 'Group', name: string) => ({ apiGroup: RBAC, kind, name })

const binding = (
  name: string,
  role: string,
  subjects: ReturnType<typeof subject>[],
  ns?: string,
): KubernetesManifest => ({
  apiVersion: `${RBAC}/v1`,
  kind: ns ? 'RoleBinding' : 'ClusterRoleBinding',
  metadata: { name, ...(ns && { namespace: ns }) },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
  subjects,
})

/** A Deployment with one running Pod and a ConfigMap, so the API server has something to serve. */
function workload(ns: string, app: string, image: string, hash: string, pod: string): KubernetesManifest[] {
  const labels = { app }
  const container = { name: app, image, ports: [{ containerPort: 8080 }] }
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [container] } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${app}-${hash}-${pod}`,
        namespace: ns,
        labels: { ...labels, 'pod-template-hash': hash },
      },
      spec: { containers: [container] },
      status: { phase: 'Running' },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${app}-config`, namespace: ns },
      data: { LOG_LEVEL: ns === 'prod' ? 'warn' : 'debug' },
    },
  ]
}

/**
 * The demo tenant's cluster: namespaces default, dev, prod and kube-system; alice's `aks-admins` group
 * is cluster-admin (the binding AKS creates for its admin groups), `engineering` (bob) may edit in dev,
 * carol (a guest, bound by object id) may view dev, and dave's `sre` group may view everything. frank
 * has Azure RBAC only.
 */
export function demoKubernetes(ids: DemoKubernetesIds): KubernetesScenario {
  return {
    bootstrapRbac: true,
    objects: [
      ...['default', 'dev', 'prod', 'kube-system'].map(namespace),
      binding('aks-cluster-admin-binding-aad', 'cluster-admin', [
        subject('Group', ids.groupId('aks-admins')),
      ]),
      binding('sre-view', 'view', [subject('Group', ids.groupId('sre'))]),
      binding('engineering-edit', 'edit', [subject('Group', ids.groupId('engineering'))], 'dev'),
      binding('carol-view', 'view', [subject('User', ids.userId('carol'))], 'dev'),
      ...workload('dev', 'web', 'nginx:1.27', '5d8f7b9c6d', 'x2k4p'),
      ...workload('prod', 'api', 'mcr.microsoft.com/dotnet/samples:aspnetapp', '6b7f8c9d54', 'q8n2m'),
    ],
  }
}
