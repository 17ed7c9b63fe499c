/**
 * Server-side printing: the column definitions and cells kube-apiserver's table convertors produce
 * for each served kind (pkg/printers/internalversion/printers.go), so `kubectl get` prints exactly
 * what it prints against a real cluster. Priority-1 columns appear with `-o wide`.
 */
import type { KubeObject } from '../types.js'
import { arr, obj, str, text, type Obj } from '../values.js'
import { since } from './age.js'
import { AGE, col, formatLabels, formatSelector, NAME, type TablePrinter } from './format.js'
import { podCells } from './pod-printer.js'

export type { ColumnDefinition, TablePrinter } from './format.js'

function servicePorts(ports: Obj[]): string {
  if (!ports.length) return '<none>'
  return ports
    .map((p) =>
      p.nodePort
        ? `${text(p.port)}:${text(p.nodePort)}/${str(p.protocol)}`
        : `${text(p.port)}/${str(p.protocol)}`,
    )
    .join(',')
}

function externalIP(spec: Obj, status: Obj): string {
  const ips = (spec.externalIPs as string[] | undefined) ?? []
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ips.length ? ips.join(',') : '<none>'
    case 'LoadBalancer': {
      const ingress = arr(obj(status.loadBalancer).ingress).map((i) => str(i.ip) || str(i.hostname))
      const all = [...ingress, ...ips]
      return all.length ? all.join(',') : '<pending>'
    }
    case 'ExternalName':
      return str(spec.externalName)
    default:
      return '<unknown>'
  }
}

function subjects(o: KubeObject): [string, string, string] {
  const users: string[] = []
  const groups: string[] = []
  const sas: string[] = []
  for (const s of arr(o.subjects)) {
    if (s.kind === 'User') users.push(str(s.name))
    else if (s.kind === 'Group') groups.push(str(s.name))
    else if (s.kind === 'ServiceAccount') sas.push(`${str(s.namespace)}/${str(s.name)}`)
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')]
}

const createdAt = (o: KubeObject) => str(o.metadata.creationTimestamp)
/** kube's default table convertor: Name and the RFC 3339 creation time (Roles, CRDs…). */
export const CREATED_AT_PRINTER: TablePrinter = {
  columns: [
    NAME,
    col(
      'Created At',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
      { format: 'date' },
    ),
  ],
  cells: (o) => [o.metadata.name ?? '', createdAt(o)],
}
const rbacRole = CREATED_AT_PRINTER
const rbacBinding: TablePrinter = {
  columns: [
    NAME,
    col('Role', 'RoleRef references a role.'),
    AGE,
    col('Users', 'Users in the binding', { priority: 1 }),
    col('Groups', 'Groups in the binding', { priority: 1 }),
    col('ServiceAccounts', 'ServiceAccounts in the binding', { priority: 1 }),
  ],
  cells: (o, now) => {
    const ref = obj(o.roleRef)
    return [
      o.metadata.name ?? '',
      `${str(ref.kind)}/${str(ref.name)}`,
      since(o.metadata.creationTimestamp, now),
      ...subjects(o),
    ]
  },
}

/** kubectl's ROLES: `node-role.kubernetes.io/<role>` label names and `kubernetes.io/role` values. */
function nodeRoles(labels: Record<string, unknown>): string {
  const roles = new Set<string>()
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length))
    else if (k === 'kubernetes.io/role' && str(v)) roles.add(str(v))
  }
  return roles.size ? [...roles].sort().join(',') : '<none>'
}

/** printNode's STATUS: the Ready condition (`Ready`, `NotReady`, `Unknown`), `,SchedulingDisabled`. */
function nodeStatus(o: KubeObject): string {
  const ready = arr(obj(o.status).conditions).find((c) => c.type === 'Ready')
  const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady']
  if (obj(o.spec).unschedulable === true) parts.push('SchedulingDisabled')
  return parts.join(',')
}

const nodeAddress = (o: KubeObject, type: string) =>
  str(arr(obj(o.status).addresses).find((a) => a.type === type)?.address) || '<none>'

export const PRINTERS: Record<string, TablePrinter> = {
  Node: {
    columns: [
      NAME,
      col('Status', 'The status of the node'),
      col('Roles', 'The roles of the node'),
      AGE,
      col('Version', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'List of addresses reachable to the node.', { priority: 1 }),
      col('External-IP', 'List of addresses reachable to the node.', { priority: 1 }),
      col(
        'OS-Image',
        'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
        {
          priority: 1,
        },
      ),
      col(
        'Kernel-Version',
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        {
          priority: 1,
        },
      ),
      col(
        'Container-Runtime',
        'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
        { priority: 1 },
      ),
    ],
    cells: (o, now) => {
      const info = obj(obj(o.status).nodeInfo)
      return [
        o.metadata.name ?? '',
        nodeStatus(o),
        nodeRoles(o.metadata.labels ?? {}),
        since(o.metadata.creationTimestamp, now),
        str(info.kubeletVersion),
        nodeAddress(o, 'InternalIP'),
        nodeAddress(o, 'ExternalIP'),
        str(info.osImage) || '<unknown>',
        str(info.kernelVersion) || '<unknown>',
        str(info.containerRuntimeVersion) || '<unknown>',
      ]
    },
  },
  Pod: {
    columns: [
      NAME,
      col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col(
        'Restarts',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      AGE,
      col(
        'IP',
        'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
        { priority: 1 },
      ),
      col('Node', 'NodeName is a request to schedule this pod onto a specific node.', { priority: 1 }),
      col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', {
        priority: 1,
      }),
      col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', {
        priority: 1,
      }),
    ],
    cells: podCells,
  },
  Namespace: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (o, now) => [
      o.metadata.name ?? '',
      str(obj(o.status).phase),
      since(o.metadata.creationTimestamp, now),
    ],
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'Data contains the configuration data.'), AGE],
    cells: (o, now) => [
      o.metadata.name ?? '',
      Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length,
      since(o.metadata.creationTimestamp, now),
    ],
  },
  Secret: {
    columns: [
      NAME,
      col('Type', 'Used to facilitate programmatic handling of secret data.'),
      col('Data', 'Data contains the secret data.'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name ?? '',
      str(o.type),
      Object.keys(obj(o.data)).length,
      since(o.metadata.creationTimestamp, now),
    ],
  },
  ServiceAccount: {
    columns: [
      NAME,
      col(
        'Secrets',
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      ),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name ?? '',
      arr(o.secrets).length,
      since(o.metadata.creationTimestamp, now),
    ],
  },
  Service: {
    columns: [
      NAME,
      col('Type', 'type determines how the Service is exposed.'),
      col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      col(
        'External-IP',
        'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
      ),
      col('Port(s)', 'The list of ports that are exposed by this service.'),
      AGE,
      col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', {
        priority: 1,
      }),
    ],
    cells: (o, now) => {
      const spec = obj(o.spec)
      return [
        o.metadata.name ?? '',
        str(spec.type),
        str(spec.clusterIP) || '<none>',
        externalIP(spec, obj(o.status)),
        servicePorts(arr(spec.ports)),
        since(o.metadata.creationTimestamp, now),
        formatLabels(spec.selector),
      ]
    },
  },
  Event: {
    columns: [
      col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
      col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
      col(
        'Reason',
        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      ),
      col('Object', 'The object that this event is about.'),
      col(
        'Subobject',
        'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
        { priority: 1 },
      ),
      col('Source', 'The component reporting this event. Should be a short machine understandable string.', {
        priority: 1,
      }),
      col('Message', 'A human-readable description of the status of this operation.'),
      col(
        'First Seen',
        'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
        { priority: 1 },
      ),
      col('Count', 'The number of times this event has occurred.', { priority: 1 }),
      { ...NAME, priority: 1 },
    ],
    cells: (o, now) => {
      const involved = obj(o.involvedObject)
      const source = obj(o.source)
      const first = str(o.firstTimestamp) ? since(o.firstTimestamp, now) : since(o.eventTime, now)
      let last = str(o.lastTimestamp) ? since(o.lastTimestamp, now) : first
      let count = Number(o.count ?? 0)
      if (o.series) {
        last = since(obj(o.series).lastObservedTime, now)
        count = Number(obj(o.series).count ?? 0)
      } else if (count === 0) count = 1
      const component = str(source.component) || str(o.reportingComponent)
      const instance = str(source.host) || str(o.reportingInstance)
      return [
        last,
        str(o.type),
        str(o.reason),
        str(involved.name)
          ? `${str(involved.kind).toLowerCase()}/${str(involved.name)}`
          : str(involved.kind).toLowerCase(),
        str(involved.fieldPath),
        instance ? `${component}, ${instance}` : component,
        str(o.message).trim(),
        first,
        count,
        o.metadata.name ?? '',
      ]
    },
  },
  Deployment: {
    columns: [
      NAME,
      col('Ready', 'Number of the pod with ready state'),
      col(
        'Up-to-date',
        'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      ),
      col(
        'Available',
        'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      ),
      AGE,
      col('Containers', 'Names of each container in the template.', { priority: 1 }),
      col('Images', 'Images referenced by each container in the template.', { priority: 1 }),
      col(
        'Selector',
        'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
        { priority: 1 },
      ),
    ],
    cells: (o, now) => {
      const spec = obj(o.spec)
      const status = obj(o.status)
      const containers = arr(obj(obj(spec.template).spec).containers)
      return [
        o.metadata.name ?? '',
        `${Number(status.readyReplicas ?? 0)}/${Number(spec.replicas ?? 0)}`,
        Number(status.updatedReplicas ?? 0),
        Number(status.availableReplicas ?? 0),
        since(o.metadata.creationTimestamp, now),
        containers.map((c) => str(c.name)).join(','),
        containers.map((c) => str(c.image)).join(','),
        formatSelector(spec.selector),
      ]
    },
  },
  ReplicaSet: {
    columns: [
      NAME,
      col(
        'Desired',
        'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
        { type: 'integer' },
      ),
      col(
        'Current',
        'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
        { type: 'integer' },
      ),
      col(
        'Ready',
        'readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.',
        {
          type: 'integer',
        },
      ),
      AGE,
      col('Containers', 'Names of each container in the template.', { priority: 1 }),
      col('Images', 'Images referenced by each container in the template.', { priority: 1 }),
      col(
        'Selector',
        "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        { priority: 1 },
      ),
    ],
    cells: (o, now) => {
      const spec = obj(o.spec)
      const status = obj(o.status)
      const containers = arr(obj(obj(spec.template).spec).containers)
      return [
        o.metadata.name ?? '',
        Number(spec.replicas ?? 0),
        Number(status.replicas ?? 0),
        Number(status.readyReplicas ?? 0),
        since(o.metadata.creationTimestamp, now),
        containers.map((c) => str(c.name)).join(','),
        containers.map((c) => str(c.image)).join(','),
        formatSelector(spec.selector),
      ]
    },
  },
  Role: rbacRole,
  ClusterRole: rbacRole,
  RoleBinding: rbacBinding,
  ClusterRoleBinding: rbacBinding,
}

/** The default table (kinds without a printer): NAME and AGE. */
export const DEFAULT_PRINTER: TablePrinter = {
  columns: [NAME, { ...AGE, description: 'Age' }],
  cells: (o, now) => [o.metadata.name ?? '', since(o.metadata.creationTimestamp, now)],
}
