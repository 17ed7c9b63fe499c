/**
 * The scenario's `kubernetes` section: objects seeded into the simulated cluster's object store
 * (namespaces, RBAC roles and bindings, pods, …) and whether Kubernetes' bootstrap RBAC defaults exist.
 * OWNED BY THE RBAC SLICE (placeholder until it lands).
 */
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

/** Ids of demo-tenant objects, for scenario sections that refer to them. */
export interface DemoIds {
  tenantId: string
  userUpn(name: string): string
  userId(name: string): string
  groupId(name: string): string
}

/** The demo tenant's Kubernetes state. */
export function demoKubernetes(_ids: DemoIds): KubernetesScenario {
  return { bootstrapRbac: true, objects: [] }
}
