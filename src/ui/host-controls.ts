/**
 * Workshop-host actions the admin API has no route for — grant or revoke an Azure role assignment or
 * a Kubernetes binding, set or clear a fault — each announced on the event bus so the flow view shows
 * it. Device codes, the clock, keys and the directory go through the shared SimulatorControls.
 */
import { azureDirectoryFrom, type RoleAssignment } from '../azure-rbac/index.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import { validateFaultSpec, type FaultRegistry, type FaultSpec } from '../kernel/faults.js'
import type { UiAzure } from './deps.js'
import { badRequest, notFound, UiError } from './errors.js'
import type { BindingKind, UiKubernetes } from './kubernetes.js'

export interface GrantInput {
  /** UPN, group name, application name or object id. */
  principal: string
  /** Role name or id. */
  role: string
  /** Namespace for a namespace-scoped assignment; empty or absent for the whole cluster. */
  namespace?: string
}

export interface BindingInput {
  kind: BindingKind
  name: string
  namespace?: string
  /** ClusterRole name (or Role in the binding's namespace with roleKind Role). */
  role: string
  roleKind?: 'ClusterRole' | 'Role'
  subjectKind: 'User' | 'Group' | 'ServiceAccount'
  /** UPN/object id, group name/object id (names are turned into object ids), or `ns/name` for a ServiceAccount. */
  subject: string
}

export interface HostControls {
  grantRole(input: GrantInput): RoleAssignment
  revokeRole(id: string): RoleAssignment
  createBinding(input: BindingInput): void
  deleteBinding(kind: BindingKind, name: string, namespace?: string): void
  setFault(endpoint: string, spec: unknown): void
  clearFault(endpoint?: string): void
}

const NAME = /^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/

export function createHostControls(d: {
  directory: Directory
  events: EventBus
  faults: FaultRegistry
  azure: UiAzure | undefined
  kubernetes: () => UiKubernetes | undefined
}): HostControls {
  const azure = () => {
    if (!d.azure) throw new UiError(409, 'azure_not_configured', 'the scenario has no Azure section')
    return d.azure
  }
  const kube = () => {
    const k = d.kubernetes()
    if (!k) throw new UiError(409, 'kubernetes_not_available', 'this simulator has no Kubernetes objects')
    return k
  }
  /** Kubernetes sees Entra groups by object id, and guests by object id. */
  const subjectName = (kind: BindingInput['subjectKind'], ref: string) => {
    if (kind === 'Group') return d.directory.group(ref)?.id ?? ref
    if (kind === 'User') {
      const u = d.directory.user(ref)
      return u ? (u.userType === 'Guest' ? u.id : u.userPrincipalName) : ref
    }
    return ref
  }
  return {
    grantRole(input) {
      const az = azure()
      const role = az.rbac.roleDefinition(input.role)
      if (!role) throw badRequest(`no role definition '${input.role}'`)
      const principal = azureDirectoryFrom(d.directory).findPrincipal(input.principal)
      if (!principal) throw badRequest(`no user, group or application '${input.principal}' in the directory`)
      const scope = input.namespace
        ? `${az.clusterResourceId}/namespaces/${input.namespace}`
        : az.clusterResourceId
      const a = az.rbac.createRoleAssignment({
        principalId: principal.id,
        principalType: principal.type,
        roleDefinitionId: role.id,
        scope,
      })
      d.events.emit('role_assignment.created', 'ui', {
        id: a.id,
        principal: principal.displayName,
        role: role.roleName,
        scope,
      })
      return a
    },
    revokeRole(id) {
      const az = azure()
      const removed = az.rbac.deleteRoleAssignment(id)
      if (!removed) throw notFound(`no role assignment '${id}'`)
      d.events.emit('role_assignment.deleted', 'ui', {
        id,
        principal: azureDirectoryFrom(d.directory).findPrincipal(removed.principalId)?.displayName,
        role: az.rbac.roleDefinition(removed.roleDefinitionId)?.roleName,
        scope: removed.scope,
      })
      return removed
    },
    createBinding(input) {
      const k = kube()
      if (!NAME.test(input.name)) throw badRequest(`'${input.name}' is not a valid binding name`)
      if (input.kind === 'RoleBinding' && !input.namespace)
        throw badRequest('a RoleBinding needs a namespace')
      const roleKind = input.roleKind ?? 'ClusterRole'
      if (roleKind === 'Role' && input.kind !== 'RoleBinding')
        throw badRequest('a ClusterRoleBinding can only refer to a ClusterRole')
      const ns = input.kind === 'RoleBinding' ? input.namespace : undefined
      if (k.bindings().some((b) => b.kind === input.kind && b.name === input.name && b.namespace === ns))
        throw new UiError(409, 'AlreadyExists', `${input.kind} '${input.name}' already exists`)
      const [saNs, saName] = input.subject.includes('/') ? input.subject.split('/', 2) : [ns, input.subject]
      const subject =
        input.subjectKind === 'ServiceAccount'
          ? { kind: 'ServiceAccount', name: saName ?? '', ...(saNs && { namespace: saNs }) }
          : { kind: input.subjectKind, name: subjectName(input.subjectKind, input.subject) }
      k.createBinding({
        kind: input.kind,
        name: input.name,
        ...(ns && { namespace: ns }),
        role: { kind: roleKind, name: input.role },
        subjects: [subject],
      })
      d.events.emit('rbac.binding.created', 'ui', {
        kind: input.kind,
        name: input.name,
        ...(ns && { namespace: ns }),
        role: `${roleKind} ${input.role}`,
        subject: `${subject.kind} ${subject.name}`,
      })
    },
    deleteBinding(kind, name, namespace) {
      if (!kube().deleteBinding(kind, name, namespace))
        throw notFound(`no ${kind} '${namespace ? `${namespace}/` : ''}${name}'`)
      d.events.emit('rbac.binding.deleted', 'ui', { kind, name, ...(namespace && { namespace }) })
    },
    setFault(endpoint, spec) {
      const problems = validateFaultSpec(spec)
      if (problems.length > 0) throw new UiError(400, 'invalid_fault', problems.join('; '))
      const fault = d.faults.set(endpoint, spec as FaultSpec)
      d.events.emit('fault.set', 'ui', { ...fault })
    },
    clearFault(endpoint) {
      d.faults.clear(endpoint)
      d.events.emit('fault.cleared', 'ui', { endpoint: endpoint ?? '*' })
    },
  }
}
