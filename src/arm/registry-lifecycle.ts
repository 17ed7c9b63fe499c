/**
 * Creating and deleting registries over ARM (docs/acr.md, "ARM"): `PUT …/registries/{name}`
 * (Registries_Create, RegistryCreate.json: `location`, `sku.name`, `properties.adminUserEnabled`, …)
 * and `DELETE` (Registries_Delete). Authorization first, as everywhere in ARM; then the resource group,
 * the name (5–50 letters and digits, unique among all registries: Azure's are global) and the body.
 * The registry's listener, storage and record are the composition root's (`deps.registryLifecycle`);
 * the role assignments at the registry's scope go with it, as Azure deletes them with the resource.
 */
import type { ResolvedRegistry } from '../azure-rbac/index.js'
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps, RegistryLifecycle } from './deps.js'
import {
  BadRequest,
  InvalidResourceNamespace,
  LocationRequired,
  RegistryListenerUnavailable,
  RegistryNameAlreadyInUse,
  ResourceGroupNotFound,
  ResourceNotFound,
} from './errors.js'
import { authorize, subscriptionOf } from './managed-clusters.js'
import { REGISTRY_TYPE, registryStore, toRegistry, updateRegistry, type RegistryRef } from './registries.js'

const lower = (s: string) => s.toLowerCase()
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const SKUS = ['Basic', 'Standard', 'Premium'] as const
const MODES = ['LegacyRegistryPermissions', 'AbacRepositoryPermissions'] as const

/** Authorizes at the registry's scope (even for one that does not exist), then finds the resource group. */
function resourceGroupOf(caller: ArmCaller, deps: ArmDeps, r: RegistryRef, action: string) {
  if (!deps.registryLifecycle) throw new InvalidResourceNamespace('Microsoft.ContainerRegistry')
  const azure = subscriptionOf(deps, r.subscriptionId)
  const scope = `/subscriptions/${azure.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/${REGISTRY_TYPE}/${r.name}`
  authorize(caller, deps, `${REGISTRY_TYPE}/${action}`, scope)
  const group = azure.resourceGroups.find((g) => lower(g.name) === lower(r.resourceGroup))
  if (!group) throw new ResourceGroupNotFound(r.resourceGroup)
  return { azure, group, lifecycle: deps.registryLifecycle }
}

function pick<T extends string>(value: unknown, allowed: readonly T[], field: string): T | undefined {
  if (value === undefined) return undefined
  const hit = allowed.find((x) => typeof value === 'string' && lower(x) === lower(value))
  if (!hit) throw new BadRequest(`The value of '${field}' must be one of ${allowed.join(', ')}.`)
  return hit
}

function bool(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw new BadRequest(`The value of '${field}' must be a boolean.`)
  return value
}

/** PUT: `created` true (201) for a new registry, false (200) when it replaced this one's settings. */
export async function putRegistry(
  caller: ArmCaller,
  deps: ArmDeps,
  r: RegistryRef,
  body: unknown,
): Promise<{ created: boolean; body: Record<string, unknown> }> {
  const { azure, group, lifecycle } = resourceGroupOf(caller, deps, r, 'write')
  // The service's wording (what ARM deployments print for a bad name); az checks the pattern itself.
  if (!/^[a-zA-Z0-9]{5,50}$/.test(r.name))
    throw new BadRequest(
      'Registry names may contain only alpha numeric characters and must be between 5 and 50 characters',
    )
  if (!isObject(body)) throw new BadRequest('The request content was invalid and could not be deserialized.')
  if (typeof body.location !== 'string' || body.location.trim() === '') throw new LocationRequired()
  if (!isObject(body.sku)) throw new BadRequest("The value of 'sku' must be an object with 'name'.")
  const sku = pick(body.sku.name, SKUS, 'sku.name')
  if (!sku) throw new BadRequest("The value of 'sku.name' must be one of Basic, Standard, Premium.")
  const p = body.properties === undefined ? {} : body.properties
  if (!isObject(p)) throw new BadRequest("The value of 'properties' must be an object.")
  const adminUserEnabled = bool(p.adminUserEnabled, 'adminUserEnabled')
  const anonymousPullEnabled = bool(p.anonymousPullEnabled, 'anonymousPullEnabled')
  const roleAssignmentMode = pick(p.roleAssignmentMode, MODES, 'roleAssignmentMode')

  const existing = () => azure.registries.find((x) => lower(x.name) === lower(r.name))
  const update = () => {
    const found = existing()
    if (!found) throw new ResourceNotFound(REGISTRY_TYPE, r.name, group.name)
    if (lower(found.resourceGroup) !== lower(group.name)) throw new RegistryNameAlreadyInUse(r.name)
    // A PUT over an existing registry replaces what it names (the simulator keeps the rest).
    const properties = {
      ...(adminUserEnabled !== undefined && { adminUserEnabled }),
      ...(anonymousPullEnabled !== undefined && { anonymousPullEnabled }),
      ...(roleAssignmentMode !== undefined && { roleAssignmentMode }),
      ...(p.policies !== undefined && { policies: p.policies }),
    }
    return { created: false, body: updateRegistry(caller, deps, r, { properties }) }
  }
  if (existing()) return update()
  const policies = isObject(p.policies) ? p.policies : {}
  const aad = isObject(policies.azureADAuthenticationAsArmPolicy)
    ? pick(policies.azureADAuthenticationAsArmPolicy.status, ['enabled', 'disabled'] as const, 'status')
    : undefined
  const spec: ResolvedRegistry = {
    name: r.name,
    resourceGroup: group.name,
    // ARM keeps a location as its short name: "East US" → "eastus".
    location: lower(body.location).replace(/\s+/g, ''),
    sku,
    roleAssignmentMode: roleAssignmentMode ?? 'LegacyRegistryPermissions',
    adminUserEnabled: adminUserEnabled ?? false,
    anonymousPullEnabled: anonymousPullEnabled ?? false,
    azureADAuthenticationAsArmPolicy: aad ?? 'enabled',
    subscriptionId: azure.subscriptionId,
    resourceId: `/subscriptions/${azure.subscriptionId}/resourceGroups/${group.name}/providers/${REGISTRY_TYPE}/${r.name}`,
    creationDate: new Date(deps.clock.now()).toISOString(),
  }
  if (!(await openListener(lifecycle, spec))) return update()
  const store = registryStore(deps, spec)
  if (!store) throw new Error(`registry ${spec.name} was created but has no settings`)
  return { created: true, body: toRegistry(deps, { spec, store }) }
}

/** DELETE: true (200) when it existed, false (204) when there was nothing to delete. */
export async function deleteRegistry(caller: ArmCaller, deps: ArmDeps, r: RegistryRef): Promise<boolean> {
  const { azure, group, lifecycle } = resourceGroupOf(caller, deps, r, 'delete')
  const spec = azure.registries.find(
    (x) => lower(x.name) === lower(r.name) && lower(x.resourceGroup) === lower(group.name),
  )
  if (!spec) return false
  // Azure removes the role assignments at a deleted resource's scope (and below it) with it.
  const id = lower(spec.resourceId)
  for (const a of deps.rbac?.roleAssignments() ?? []) {
    const scope = lower(a.scope).replace(/\/+$/, '')
    if (scope === id || scope.startsWith(`${id}/`)) deps.rbac?.deleteRoleAssignment(a.id)
  }
  await lifecycle.remove(spec.name)
  return true
}

/** A port already taken (or refused) is the machine's state, not a server fault: ARM's 409, not a 5xx. */
async function openListener(lifecycle: RegistryLifecycle, spec: ResolvedRegistry): Promise<boolean> {
  try {
    return await lifecycle.create(spec)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new RegistryListenerUnavailable(spec.name, (err as Error).message)
    throw err
  }
}
