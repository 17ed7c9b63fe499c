/**
 * How `kubectl auth can-i` turns its TYPE argument into a resource and API group, offline: the REST
 * mapping comes from the built-in resources of Kubernetes 1.32 plus any CustomResourceDefinitions in the
 * manifests, instead of the server's discovery documents.
 */

export interface ResourceType {
  group: string
  /** Plural, as RBAC rules name it. */
  resource: string
  namespaced: boolean
  singular: string
  shortNames: string[]
  kind?: string
}

export interface ResolvedResource {
  group: string
  resource: string
  /** undefined when the type is unknown. */
  namespaced?: boolean
  /** kubectl-style warning for stderr, when the type is not known. */
  warning?: string
}

// group → "plural[/short,short]" with a leading "-" for cluster-scoped resources.
const BUILT_IN: Record<string, string> = {
  '':
    'bindings -componentstatuses/cs configmaps/cm endpoints/ep events/ev limitranges/limits -namespaces/ns -nodes/no ' +
    'persistentvolumeclaims/pvc -persistentvolumes/pv pods/po podtemplates replicationcontrollers/rc ' +
    'resourcequotas/quota secrets serviceaccounts/sa services/svc',
  'admissionregistration.k8s.io':
    '-mutatingwebhookconfigurations -validatingadmissionpolicies -validatingadmissionpolicybindings -validatingwebhookconfigurations',
  'apiextensions.k8s.io': '-customresourcedefinitions/crd,crds',
  'apiregistration.k8s.io': '-apiservices',
  apps: 'controllerrevisions daemonsets/ds deployments/deploy replicasets/rs statefulsets/sts',
  'authentication.k8s.io': '-selfsubjectreviews -tokenreviews',
  'authorization.k8s.io':
    'localsubjectaccessreviews -selfsubjectaccessreviews -selfsubjectrulesreviews -subjectaccessreviews',
  autoscaling: 'horizontalpodautoscalers/hpa',
  batch: 'cronjobs/cj jobs',
  'certificates.k8s.io': '-certificatesigningrequests/csr',
  'coordination.k8s.io': 'leases',
  'discovery.k8s.io': 'endpointslices',
  'events.k8s.io': 'events/ev',
  'flowcontrol.apiserver.k8s.io': '-flowschemas -prioritylevelconfigurations',
  'networking.k8s.io': '-ingressclasses ingresses/ing networkpolicies/netpol',
  'node.k8s.io': '-runtimeclasses',
  policy: 'poddisruptionbudgets/pdb',
  'rbac.authorization.k8s.io': '-clusterrolebindings -clusterroles rolebindings roles',
  'scheduling.k8s.io': '-priorityclasses/pc',
  'storage.k8s.io': '-csidrivers -csinodes csistoragecapacities -storageclasses/sc -volumeattachments',
}

function singularOf(plural: string): string {
  if (plural === 'endpoints') return plural
  if (plural.endsWith('ies')) return plural.slice(0, -3) + 'y'
  if (plural.endsWith('sses') || plural.endsWith('uses')) return plural.slice(0, -2)
  return plural.replace(/s$/, '')
}

export function builtInResourceTypes(): ResourceType[] {
  return Object.entries(BUILT_IN).flatMap(([group, spec]) =>
    spec.split(' ').map((entry) => {
      const namespaced = !entry.startsWith('-')
      const [resource, shorts] = entry.replace(/^-/, '').split('/') as [string, string | undefined]
      return {
        group,
        resource,
        namespaced,
        singular: singularOf(resource),
        shortNames: shorts?.split(',') ?? [],
      }
    }),
  )
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Resource types declared by apiextensions.k8s.io CustomResourceDefinitions among the objects. */
export function customResourceTypes(objects: readonly unknown[]): ResourceType[] {
  return objects.flatMap((o) => {
    if (!isRecord(o) || o.kind !== 'CustomResourceDefinition' || !isRecord(o.spec)) return []
    const { group, names, scope } = o.spec
    if (typeof group !== 'string' || !isRecord(names) || typeof names.plural !== 'string') return []
    return [
      {
        group,
        resource: names.plural,
        namespaced: scope !== 'Cluster',
        singular: typeof names.singular === 'string' ? names.singular : '',
        shortNames: Array.isArray(names.shortNames)
          ? names.shortNames.filter((s) => typeof s === 'string')
          : [],
        ...(typeof names.kind === 'string' && { kind: names.kind }),
      },
    ]
  })
}

const matchesName = (t: ResourceType, name: string) =>
  t.resource === name || t.singular === name || t.shortNames.includes(name) || t.kind?.toLowerCase() === name

/**
 * kubectl's resourceFor: `*` as is; the argument is lower-cased; `resource.version.group` and
 * `resource.group` narrow the group; an unknown type is asked as typed, in group "", with a warning.
 */
export function resolveResource(arg: string, types: readonly ResourceType[]): ResolvedResource {
  if (arg === '*') return { group: '', resource: '*' }
  const lower = arg.toLowerCase()
  const find = (name: string, group?: string) =>
    types.find((t) => (group === undefined || t.group === group) && matchesName(t, name))
  const parts = lower.split('.')
  const found =
    (parts.length >= 3 ? find(parts[0]!, parts.slice(2).join('.')) : undefined) ??
    (parts.length >= 2 ? find(parts[0]!, parts.slice(1).join('.')) : undefined) ??
    find(lower)
  if (found) return { group: found.group, resource: found.resource, namespaced: found.namespaced }
  if (lower === 'users' || lower === 'groups') return { group: '', resource: lower } // impersonation targets
  if (parts.length >= 2) {
    const group = parts.slice(1).join('.')
    return {
      group,
      resource: parts[0]!,
      warning: `Warning: resource type '${parts[0]!}' in group '${group}' is neither built in nor defined by a loaded CustomResourceDefinition; asking for it as typed\n\n`,
    }
  }
  return {
    group: '',
    resource: arg,
    warning: `Warning: the server doesn't have a resource type '${lower}'\n\n`,
  }
}
