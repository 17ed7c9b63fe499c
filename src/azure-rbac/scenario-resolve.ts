/**
 * Turns the scenario's `azure` section into RBAC state: clusters with their ARM ids, built-in plus
 * custom role definitions, and role assignments with principals, roles and scopes resolved and
 * validated exactly as the role-assignment API validates them. Every bad reference is reported with
 * its path (`azure.roleAssignments[2].principal: …`) instead of thrown, so a loader can list them all.
 */
import { stableGuid } from '../kernel/ids.js'
import { BUILTIN_ROLES } from './builtin-roles.js'
import {
  ArmError,
  InvalidScope,
  ResourceGroupNotFound,
  ResourceNotFound,
  RoleAssignmentExists,
  SubscriptionNotFound,
} from './errors.js'
import type { AzureDirectory, RoleAssignment, RoleDefinition } from './model.js'
import type { AzureScenario, ContainerRegistrySpec, RoleAssignmentMode } from './scenario.js'
import { managedClusterId, type ParsedScope, type ScopeHierarchy } from './scope.js'
import { createAzureRbac } from './store.js'

export interface ResolvedCluster {
  name: string
  resourceGroup: string
  location: string
  kubernetesVersion: string
  dnsPrefix: string
  subscriptionId: string
  /** `/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/<name>`. */
  resourceId: string
  aadProfile: { managed: true; enableAzureRbac: boolean; adminGroupObjectIds: string[]; tenantId: string }
  disableLocalAccounts: boolean
  /** The scenario's node pools, defaults filled in (ARM's control plane changes them at run time). */
  agentPools: { name: string; count: number; vmSize: string; mode: 'System' | 'User' }[]
}

/** A registry with its ARM id and defaults applied (the acr slice serves its data plane). */
export interface ResolvedRegistry extends ContainerRegistrySpec {
  subscriptionId: string
  /** `/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerRegistry/registries/<name>`. */
  resourceId: string
  roleAssignmentMode: RoleAssignmentMode
  azureADAuthenticationAsArmPolicy: 'enabled' | 'disabled'
  /** When it was created over ARM (a scenario registry has none: ARM reports the run's start). */
  creationDate?: string
}

export interface ResolvedAzure {
  subscriptionId: string
  managementGroupId: string | undefined
  resourceGroups: { name: string; location: string | undefined }[]
  clusters: ResolvedCluster[]
  registries: ResolvedRegistry[]
  /** Built-in roles followed by the scenario's custom roles. */
  roleDefinitions: RoleDefinition[]
  roleAssignments: RoleAssignment[]
  hierarchy: ScopeHierarchy
  /** Existence check for scopes, for createAzureRbac's `checkScope` dependency. */
  checkScope: (scope: ParsedScope) => void
  /** Bad references, each prefixed with its path; empty when the section is consistent. */
  problems: string[]
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

/** az aks create's default DNS prefix. */
export function defaultDnsPrefix(name: string, resourceGroup: string, subscriptionId: string): string {
  let namePart = name.replace(/[^A-Za-z0-9-]/g, '').slice(0, 10)
  if (!/^[A-Za-z]/.test(namePart)) namePart = `a${namePart}`.slice(0, 10)
  return `${namePart}-${resourceGroup.replace(/[^A-Za-z0-9-]/g, '').slice(0, 16)}-${subscriptionId.slice(0, 6)}`
}

export function resolveAzureScenario(section: AzureScenario, directory: AzureDirectory): ResolvedAzure {
  const problems: string[] = []
  const sub = section.subscriptionId.toLowerCase()
  const mg = section.managementGroupId
  const lower = (s: string) => s.toLowerCase()
  const declared: { name: string; location?: string | undefined }[] =
    section.resourceGroups ??
    section.managedClusters.map((c) => ({ name: c.resourceGroup, location: c.location }))
  const resourceGroups = declared
    .map((g) => ({ name: g.name, location: g.location }))
    .filter((g, i, all) => all.findIndex((x) => lower(x.name) === lower(g.name)) === i)
  const rgNames = new Set(resourceGroups.map((g) => lower(g.name)))

  const clusters: ResolvedCluster[] = []
  section.managedClusters.forEach((c, i) => {
    const at = `azure.managedClusters[${i}]`
    if (!rgNames.has(lower(c.resourceGroup)))
      problems.push(`${at}.resourceGroup: no resource group '${c.resourceGroup}'`)
    if (
      clusters.some(
        (x) => lower(x.name) === lower(c.name) && lower(x.resourceGroup) === lower(c.resourceGroup),
      )
    )
      problems.push(`${at}.name: cluster '${c.name}' appears more than once`)
    const adminGroupObjectIds: string[] = []
    c.aadProfile.adminGroupObjectIds.forEach((ref, j) => {
      const p = directory.findPrincipal(ref)
      if (p?.type === 'Group') adminGroupObjectIds.push(p.id)
      else problems.push(`${at}.aadProfile.adminGroupObjectIds[${j}]: no group '${ref}'`)
    })
    const tenantId = lower(c.aadProfile.tenantId ?? directory.tenantId)
    if (tenantId !== lower(directory.tenantId))
      problems.push(
        `${at}.aadProfile.tenantId: must be the scenario's tenant ${directory.tenantId} (Azure RBAC needs the subscription's tenant)`,
      )
    clusters.push({
      name: c.name,
      resourceGroup: c.resourceGroup,
      location: c.location,
      kubernetesVersion: c.kubernetesVersion,
      dnsPrefix: c.dnsPrefix ?? defaultDnsPrefix(c.name, c.resourceGroup, sub),
      subscriptionId: sub,
      resourceId: managedClusterId(sub, c.resourceGroup, c.name),
      aadProfile: {
        managed: true,
        enableAzureRbac: c.aadProfile.enableAzureRbac,
        adminGroupObjectIds,
        tenantId,
      },
      disableLocalAccounts: c.disableLocalAccounts,
      agentPools: (c.agentPools ?? [{ name: 'nodepool1', count: 3 }]).map((p, k) => ({
        name: p.name,
        count: p.count,
        vmSize: p.vmSize ?? 'Standard_DS2_v2',
        mode: p.mode ?? (k === 0 ? 'System' : 'User'),
      })),
    })
    const pools = c.agentPools ?? []
    pools.forEach((p, k) => {
      if (pools.findIndex((q) => q.name === p.name) !== k)
        problems.push(`${at}.agentPools[${k}].name: pool '${p.name}' appears more than once`)
    })
    if (pools.length > 0 && !pools.some((p) => (p.mode ?? (pools[0] === p ? 'System' : 'User')) === 'System'))
      problems.push(`${at}.agentPools: a cluster needs at least one System pool`)
  })
  const findCluster = (name: string, rg?: string) =>
    clusters.find(
      (c) => lower(c.name) === lower(name) && (rg === undefined || lower(c.resourceGroup) === lower(rg)),
    )

  const registries: ResolvedRegistry[] = []
  ;(section.containerRegistries ?? []).forEach((r, i) => {
    const at = `azure.containerRegistries[${i}]`
    if (!rgNames.has(lower(r.resourceGroup)))
      problems.push(`${at}.resourceGroup: no resource group '${r.resourceGroup}'`)
    // Registry names are global (they are DNS names): unique regardless of resource group.
    if (registries.some((x) => lower(x.name) === lower(r.name)))
      problems.push(`${at}.name: registry '${r.name}' appears more than once`)
    registries.push({
      ...r,
      subscriptionId: sub,
      resourceId: `/subscriptions/${sub}/resourceGroups/${r.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${r.name}`,
      roleAssignmentMode: r.roleAssignmentMode ?? 'LegacyRegistryPermissions',
      azureADAuthenticationAsArmPolicy: r.azureADAuthenticationAsArmPolicy ?? 'enabled',
    })
  })
  const findRegistry = (name: string, rg?: string) =>
    registries.find(
      (r) => lower(r.name) === lower(name) && (rg === undefined || lower(r.resourceGroup) === lower(rg)),
    )

  const checkScope = (scope: ParsedScope): void => {
    if (scope.kind === 'root') return
    if (scope.kind === 'managementGroup') {
      if (!mg || lower(scope.managementGroupId!) !== lower(mg))
        throw new InvalidScope(`The management group '${scope.managementGroupId!}' could not be found.`)
      return
    }
    if (lower(scope.subscriptionId!) !== sub) throw new SubscriptionNotFound(scope.subscriptionId!)
    const parts = scope.id.split('/')
    if (scope.kind === 'subscription') return
    if (lower(parts[3] ?? '') !== 'resourcegroups')
      throw new ResourceNotFound(`${parts[4] ?? ''}/${parts[5] ?? ''}`, parts[6] ?? '', '')
    const rg = parts[4] ?? ''
    if (!rgNames.has(lower(rg))) throw new ResourceGroupNotFound(rg)
    if (scope.kind === 'resourceGroup') return
    // Known resources: managed clusters, and their namespaces (which ARM does not check).
    const [ns, type, name] = [parts[6] ?? '', parts[7] ?? '', parts[8] ?? '']
    const isRegistry = lower(ns) === 'microsoft.containerregistry' && lower(type) === 'registries'
    if (isRegistry && findRegistry(name, rg) && parts.length === 9) return
    const isCluster = lower(ns) === 'microsoft.containerservice' && lower(type) === 'managedclusters'
    if (!isCluster || !findCluster(name, rg)) throw new ResourceNotFound(`${ns}/${type}`, name, rg)
    const child = parts.slice(9)
    if (
      child.length > 0 &&
      (child.length !== 2 || lower(child[0]!) !== 'namespaces' || !DNS1123_LABEL.test(child[1]!))
    )
      throw new ResourceNotFound(`${ns}/${type}/${child[0] ?? ''}`, child[1] ?? '', rg)
  }

  /** Short forms → ARM ids; undefined (and a problem) when the form is unknown. */
  const expandScope = (scope: string, at: string): string | undefined => {
    const [form, arg = ''] = scope.includes(':')
      ? [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)]
      : [scope]
    if (scope.startsWith('/')) return scope
    if (form === 'subscription' && !arg) return `/subscriptions/${sub}`
    if (form === 'managementGroup')
      return `/providers/Microsoft.Management/managementGroups/${arg || mg || ''}`
    if (form === 'resourceGroup' && arg) return `/subscriptions/${sub}/resourceGroups/${arg}`
    if (form === 'cluster' && arg) {
      const c = findCluster(arg)
      if (c) return c.resourceId
      problems.push(`${at}: no managed cluster '${arg}'`)
      return undefined
    }
    if (form === 'registry' && arg) {
      const r = findRegistry(arg)
      if (r) return r.resourceId
      problems.push(`${at}: no container registry '${arg}'`)
      return undefined
    }
    if (form === 'namespace' && arg.includes('/')) {
      const [clusterName, ns] = [arg.slice(0, arg.indexOf('/')), arg.slice(arg.indexOf('/') + 1)]
      const c = findCluster(clusterName)
      if (!c) problems.push(`${at}: no managed cluster '${clusterName}'`)
      else if (!DNS1123_LABEL.test(ns)) problems.push(`${at}: '${ns}' is not a valid namespace name`)
      else return `${c.resourceId}/namespaces/${ns}`
      return undefined
    }
    problems.push(
      `${at}: '${scope}' is neither an ARM scope id nor one of subscription, managementGroup, resourceGroup:<rg>, cluster:<name>, namespace:<cluster>/<ns>, registry:<name>`,
    )
    return undefined
  }

  const roleDefinitions: RoleDefinition[] = [...BUILTIN_ROLES]
  ;(section.roleDefinitions ?? []).forEach((r, i) => {
    const at = `azure.roleDefinitions[${i}]`
    const id = lower(r.id ?? stableGuid(`aks-auth-sim/azure/${sub}`, `role:${r.roleName}`))
    if (roleDefinitions.some((x) => lower(x.roleName) === lower(r.roleName)))
      problems.push(`${at}.roleName: a role named '${r.roleName}' already exists`)
    if (roleDefinitions.some((x) => x.id === id))
      problems.push(`${at}.id: role definition id ${id} is already used`)
    const assignableScopes = (r.assignableScopes ?? [`/subscriptions/${sub}`])
      .map((s, j) => expandScope(s, `${at}.assignableScopes[${j}]`))
      .filter((s): s is string => s !== undefined)
    roleDefinitions.push({
      id,
      roleName: r.roleName,
      description: r.description ?? '',
      roleType: 'CustomRole',
      assignableScopes,
      permissions: r.permissions.map((p) => ({
        actions: p.actions ?? [],
        notActions: p.notActions ?? [],
        dataActions: p.dataActions ?? [],
        notDataActions: p.notDataActions ?? [],
      })),
      source: 'scenario',
    })
  })

  // The store validates each assignment exactly as createRoleAssignment does at run time.
  const store = createAzureRbac({ roleDefinitions }, { directory, newGuid: () => '', checkScope })
  section.roleAssignments.forEach((a, i) => {
    const at = `azure.roleAssignments[${i}]`
    const principal = directory.findPrincipal(a.principal)
    const role = store.roleDefinition(a.role)
    if (!principal) problems.push(`${at}.principal: no user, group or application '${a.principal}'`)
    if (!role) problems.push(`${at}.role: no role definition '${a.role}'`)
    const scope = expandScope(a.scope, `${at}.scope`)
    if (!principal || !role || scope === undefined) return
    const id =
      a.id ?? stableGuid(`aks-auth-sim/azure/${sub}`, `assignment:${principal.id}|${role.id}|${lower(scope)}`)
    try {
      // Derived ids repeat for a repeated (principal, role, scope): that is a duplicate, not a re-PUT.
      if (!a.id && store.roleAssignments().some((x) => x.id === id)) throw new RoleAssignmentExists()
      store.createRoleAssignment({
        id,
        principalId: principal.id,
        roleDefinitionId: role.id,
        scope,
        ...(a.principalType && { principalType: a.principalType }),
        ...(a.condition !== undefined && {
          condition: a.condition,
          conditionVersion: a.conditionVersion ?? '2.0',
        }),
      })
    } catch (err) {
      if (!(err instanceof ArmError)) throw err
      problems.push(`${at}: ${err.code}: ${err.message}`)
    }
  })

  const hierarchy: ScopeHierarchy = {
    managementGroupOf: (s) => (mg && lower(s) === sub ? mg : undefined),
    parentOf: () => undefined,
  }
  return {
    subscriptionId: sub,
    managementGroupId: mg,
    resourceGroups,
    clusters,
    registries,
    roleDefinitions,
    roleAssignments: store.roleAssignments(),
    hierarchy,
    checkScope,
    problems,
  }
}
