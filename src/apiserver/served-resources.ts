/**
 * The resources this API server serves: each kind's group/version, scope, discovery data, protobuf
 * message and the registry quirks kube-apiserver shows for it (see ResourceDef).
 */
import type { KubeObject } from './types.js'
import { text } from './values.js'
import type { ResourceDef, SubresourceDef } from './registry.js'

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const STATUS = (kind: string): SubresourceDef => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] })

const str = text
const at = (obj: KubeObject, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
    obj,
  )

function def(
  partial: Pick<ResourceDef, 'group' | 'resource' | 'kind' | 'singular' | 'namespaced' | 'proto'> &
    Partial<ResourceDef>,
): ResourceDef {
  return {
    version: 'v1',
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    stored: true,
    nameRule: 'subdomain',
    returnDeletedObject: false,
    allowCreateOnUpdate: false,
    tracksGeneration: false,
    fieldLabels: {},
    ...partial,
  }
}

const CORE = 'k8s.io.api.core.v1.'
const RBAC = 'k8s.io.api.rbac.v1.'
const AUTHN = 'k8s.io.api.authentication.v1.'
const AUTHZ = 'k8s.io.api.authorization.v1.'

/**
 * Builds the served resource table (a fresh array per server: nothing here is shared state). Servers
 * up to 1.29 also serve authentication.k8s.io/v1beta1 SelfSubjectReview, which `kubectl auth whoami`
 * of kubectl 1.27 needs.
 */
export function servedResources(minor = 32): ResourceDef[] {
  const betaWhoAmI =
    minor <= 29
      ? [
          def({
            group: 'authentication.k8s.io',
            version: 'v1beta1',
            resource: 'selfsubjectreviews',
            kind: 'SelfSubjectReview',
            singular: 'selfsubjectreview',
            namespaced: false,
            proto: `${AUTHN}SelfSubjectReview`,
            verbs: ['create'],
            stored: false,
          }),
        ]
      : []
  return [
    def({
      group: '',
      resource: 'namespaces',
      kind: 'Namespace',
      singular: 'namespace',
      namespaced: false,
      proto: `${CORE}Namespace`,
      shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: [STATUS('Namespace')],
      nameRule: 'label',
      returnDeletedObject: true,
      fieldLabels: { 'status.phase': (o) => str(at(o, 'status', 'phase')) },
    }),
    // The agent pools' nodes (ARM's control plane keeps them; docs/arm.md "Control plane").
    def({
      group: '',
      resource: 'nodes',
      kind: 'Node',
      singular: 'node',
      namespaced: false,
      proto: `${CORE}Node`,
      shortNames: ['no'],
      subresources: [STATUS('Node')],
      fieldLabels: { 'spec.unschedulable': (o) => String(at(o, 'spec', 'unschedulable') === true) },
    }),
    def({
      group: '',
      resource: 'pods',
      kind: 'Pod',
      singular: 'pod',
      namespaced: true,
      proto: `${CORE}Pod`,
      shortNames: ['po'],
      categories: ['all'],
      subresources: [{ name: 'log', kind: 'Pod', verbs: ['get'] }, STATUS('Pod')],
      returnDeletedObject: true,
      fieldLabels: {
        'spec.nodeName': (o) => str(at(o, 'spec', 'nodeName')),
        'spec.restartPolicy': (o) => str(at(o, 'spec', 'restartPolicy')),
        'spec.schedulerName': (o) => str(at(o, 'spec', 'schedulerName')),
        'spec.serviceAccountName': (o) => str(at(o, 'spec', 'serviceAccountName')),
        'spec.hostNetwork': (o) => String(at(o, 'spec', 'hostNetwork') === true),
        'status.phase': (o) => str(at(o, 'status', 'phase')),
        'status.podIP': (o) => str(at(o, 'status', 'podIP')),
        'status.nominatedNodeName': (o) => str(at(o, 'status', 'nominatedNodeName')),
      },
    }),
    def({
      group: '',
      resource: 'configmaps',
      kind: 'ConfigMap',
      singular: 'configmap',
      namespaced: true,
      proto: `${CORE}ConfigMap`,
      shortNames: ['cm'],
    }),
    def({
      group: '',
      resource: 'secrets',
      kind: 'Secret',
      singular: 'secret',
      namespaced: true,
      proto: `${CORE}Secret`,
      fieldLabels: { type: (o) => str(o.type) },
    }),
    def({
      group: '',
      resource: 'serviceaccounts',
      kind: 'ServiceAccount',
      singular: 'serviceaccount',
      namespaced: true,
      proto: `${CORE}ServiceAccount`,
      shortNames: ['sa'],
      returnDeletedObject: true,
      subresources: [
        {
          name: 'token',
          kind: 'TokenRequest',
          group: 'authentication.k8s.io',
          version: 'v1',
          verbs: ['create'],
        },
      ],
    }),
    def({
      group: '',
      resource: 'services',
      kind: 'Service',
      singular: 'service',
      namespaced: true,
      proto: `${CORE}Service`,
      shortNames: ['svc'],
      categories: ['all'],
      subresources: [STATUS('Service')],
      nameRule: 'dns1035',
      returnDeletedObject: true,
      fieldLabels: {
        'spec.clusterIP': (o) => str(at(o, 'spec', 'clusterIP')),
        'spec.type': (o) => str(at(o, 'spec', 'type')),
      },
    }),
    def({
      group: '',
      resource: 'events',
      kind: 'Event',
      singular: 'event',
      namespaced: true,
      proto: `${CORE}Event`,
      shortNames: ['ev'],
      allowCreateOnUpdate: true,
      fieldLabels: {
        'involvedObject.kind': (o) => str(at(o, 'involvedObject', 'kind')),
        'involvedObject.namespace': (o) => str(at(o, 'involvedObject', 'namespace')),
        'involvedObject.name': (o) => str(at(o, 'involvedObject', 'name')),
        'involvedObject.uid': (o) => str(at(o, 'involvedObject', 'uid')),
        'involvedObject.apiVersion': (o) => str(at(o, 'involvedObject', 'apiVersion')),
        'involvedObject.resourceVersion': (o) => str(at(o, 'involvedObject', 'resourceVersion')),
        'involvedObject.fieldPath': (o) => str(at(o, 'involvedObject', 'fieldPath')),
        reason: (o) => str(o.reason),
        reportingComponent: (o) => str(o.reportingComponent),
        source: (o) => str(at(o, 'source', 'component')),
        type: (o) => str(o.type),
      },
    }),
    def({
      group: 'apps',
      resource: 'deployments',
      kind: 'Deployment',
      singular: 'deployment',
      namespaced: true,
      proto: 'k8s.io.api.apps.v1.Deployment',
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: [
        {
          name: 'scale',
          kind: 'Scale',
          group: 'autoscaling',
          version: 'v1',
          verbs: ['get', 'patch', 'update'],
        },
        STATUS('Deployment'),
      ],
      tracksGeneration: true,
    }),
    def({
      group: 'apps',
      resource: 'replicasets',
      kind: 'ReplicaSet',
      singular: 'replicaset',
      namespaced: true,
      proto: 'k8s.io.api.apps.v1.ReplicaSet',
      shortNames: ['rs'],
      categories: ['all'],
      subresources: [
        {
          name: 'scale',
          kind: 'Scale',
          group: 'autoscaling',
          version: 'v1',
          verbs: ['get', 'patch', 'update'],
        },
        STATUS('ReplicaSet'),
      ],
      tracksGeneration: true,
    }),
    ...(
      [
        ['roles', 'Role', 'role', true],
        ['clusterroles', 'ClusterRole', 'clusterrole', false],
        ['rolebindings', 'RoleBinding', 'rolebinding', true],
        ['clusterrolebindings', 'ClusterRoleBinding', 'clusterrolebinding', false],
      ] as const
    ).map(([resource, kind, singular, namespaced]) =>
      def({
        group: 'rbac.authorization.k8s.io',
        resource,
        kind,
        singular,
        namespaced,
        proto: `${RBAC}${kind}`,
        nameRule: 'path',
        allowCreateOnUpdate: true,
      }),
    ),
    review(
      'authentication.k8s.io',
      'tokenreviews',
      'TokenReview',
      'tokenreview',
      false,
      `${AUTHN}TokenReview`,
    ),
    review(
      'authentication.k8s.io',
      'selfsubjectreviews',
      'SelfSubjectReview',
      'selfsubjectreview',
      false,
      `${AUTHN}SelfSubjectReview`,
    ),
    review(
      'authorization.k8s.io',
      'localsubjectaccessreviews',
      'LocalSubjectAccessReview',
      'localsubjectaccessreview',
      true,
      `${AUTHZ}LocalSubjectAccessReview`,
    ),
    review(
      'authorization.k8s.io',
      'selfsubjectaccessreviews',
      'SelfSubjectAccessReview',
      'selfsubjectaccessreview',
      false,
      `${AUTHZ}SelfSubjectAccessReview`,
    ),
    review(
      'authorization.k8s.io',
      'selfsubjectrulesreviews',
      'SelfSubjectRulesReview',
      'selfsubjectrulesreview',
      false,
      `${AUTHZ}SelfSubjectRulesReview`,
    ),
    review(
      'authorization.k8s.io',
      'subjectaccessreviews',
      'SubjectAccessReview',
      'subjectaccessreview',
      false,
      `${AUTHZ}SubjectAccessReview`,
    ),
    ...betaWhoAmI,
  ]
}

function review(
  group: string,
  resource: string,
  kind: string,
  singular: string,
  namespaced: boolean,
  proto: string,
): ResourceDef {
  return def({ group, resource, kind, singular, namespaced, proto, verbs: ['create'], stored: false })
}
