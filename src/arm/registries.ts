/**
 * Microsoft.ContainerRegistry/registries as ARM serves it (docs/acr.md, "ARM"): the registry (GET, list,
 * PATCH of its authentication settings and policies), the admin user's credentials, scope maps, tokens
 * and their generated passwords. Every operation is authorized by Azure RBAC with ACR's action names
 * first (ARM authorizes before it looks anything up), then the registry must exist. Writes go to the
 * registry's settings — the data its token server reads — on disk before the answer.
 */
import {
  generatePassword,
  scopeMapProblems,
  type RegistrySettings,
  type RetentionPolicy,
} from '../acr/index.js'
import type { ArmCaller } from './authenticate.js'
import type { ArmDeps } from './deps.js'
import { BadRequest, ResourceGroupNotFound, ResourceNotFound } from './errors.js'
import { authorize, subscriptionOf } from './managed-clusters.js'

export const REGISTRY_TYPE = 'Microsoft.ContainerRegistry/registries'
const lower = (s: string) => s.toLowerCase()

export interface RegistryRef {
  subscriptionId: string
  resourceGroup: string
  name: string
}

export function registryStore(deps: ArmDeps, spec: { name: string }) {
  return deps.registries?.find((r) => lower(r.settings().name) === lower(spec.name))
}

/** Authorizes `action` at the registry's scope, then finds it. */
function findRegistry(caller: ArmCaller, deps: ArmDeps, r: RegistryRef, action: string) {
  const azure = subscriptionOf(deps, r.subscriptionId)
  const scope = `/subscriptions/${azure.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/${REGISTRY_TYPE}/${r.name}`
  authorize(caller, deps, `${REGISTRY_TYPE}/${action}`, scope)
  if (!azure.resourceGroups.some((g) => lower(g.name) === lower(r.resourceGroup)))
    throw new ResourceGroupNotFound(r.resourceGroup)
  const spec = azure.registries.find(
    (x) => lower(x.name) === lower(r.name) && lower(x.resourceGroup) === lower(r.resourceGroup),
  )
  const store = spec && registryStore(deps, spec)
  if (!spec || !store) throw new ResourceNotFound(REGISTRY_TYPE, r.name, r.resourceGroup)
  return { spec, store, id: spec.resourceId }
}

type Found = ReturnType<typeof findRegistry>

/** The simulator keeps no creation time for a registry: it is the first time ARM served it in this run. */
const firstSeen = new WeakMap<ArmDeps, string>()
const startDate = (deps: ArmDeps): string => {
  if (!firstSeen.has(deps)) firstSeen.set(deps, new Date(deps.clock.now()).toISOString())
  return firstSeen.get(deps)!
}

const DEFAULT_RETENTION: RetentionPolicy = { days: 7, status: 'disabled' }

export function toRegistry(deps: ArmDeps, f: Pick<Found, 'spec' | 'store'>): Record<string, unknown> {
  const s = f.store.settings()
  const sku = f.spec.sku ?? 'Standard'
  const created = f.spec.creationDate ?? startDate(deps)
  const retention = s.policies?.retentionPolicy ?? DEFAULT_RETENTION
  return {
    id: f.spec.resourceId,
    name: f.spec.name,
    type: REGISTRY_TYPE,
    location: f.spec.location ?? deps.azure?.clusters[0]?.location ?? 'eastus',
    tags: {},
    sku: { name: sku, tier: sku },
    properties: {
      loginServer: s.loginServer,
      creationDate: created,
      provisioningState: 'Succeeded',
      adminUserEnabled: s.adminUserEnabled,
      policies: {
        quarantinePolicy: { status: 'disabled' },
        trustPolicy: { type: 'Notary', status: 'disabled' },
        retentionPolicy: {
          days: retention.days,
          lastUpdatedTime: retention.lastUpdatedTime ?? created,
          status: retention.status,
        },
        exportPolicy: { status: 'enabled' },
        azureADAuthenticationAsArmPolicy: { status: s.azureADAuthenticationAsArmPolicy },
        softDeletePolicy: { retentionDays: 7, lastUpdatedTime: created, status: 'disabled' },
      },
      encryption: { status: 'disabled' },
      dataEndpointEnabled: false,
      dataEndpointHostNames: [],
      privateEndpointConnections: [],
      publicNetworkAccess: 'Enabled',
      networkRuleBypassOptions: 'AzureServices',
      zoneRedundancy: 'Disabled',
      anonymousPullEnabled: s.anonymousPullEnabled,
      roleAssignmentMode: s.roleAssignmentMode,
    },
  }
}

export function getRegistry(caller: ArmCaller, deps: ArmDeps, r: RegistryRef) {
  return toRegistry(deps, findRegistry(caller, deps, r, 'read'))
}

/** GET …/registries at a subscription or resource group: the registries the caller may read there. */
export function listRegistries(
  caller: ArmCaller,
  deps: ArmDeps,
  r: { subscriptionId: string; resourceGroup?: string },
) {
  const azure = subscriptionOf(deps, r.subscriptionId)
  const scope =
    `/subscriptions/${azure.subscriptionId}` + (r.resourceGroup ? `/resourceGroups/${r.resourceGroup}` : '')
  if (r.resourceGroup !== undefined) {
    authorize(caller, deps, `${REGISTRY_TYPE}/read`, scope)
    if (!azure.resourceGroups.some((g) => lower(g.name) === lower(r.resourceGroup!)))
      throw new ResourceGroupNotFound(r.resourceGroup)
  }
  const value = azure.registries
    .filter((x) => r.resourceGroup === undefined || lower(x.resourceGroup) === lower(r.resourceGroup))
    // ARM lists what the caller may read: a subscription list filters per resource.
    .filter((x) =>
      deps.rbac?.hasAction(caller.objectId, caller.groupIds, `${REGISTRY_TYPE}/read`, x.resourceId),
    )
    .flatMap((spec) => {
      const store = registryStore(deps, spec)
      return store ? [toRegistry(deps, { spec, store })] : []
    })
  return { value }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function invalid(message: string): never {
  throw new BadRequest(message)
}

const enabledOrDisabled = (v: unknown, field: string): 'enabled' | 'disabled' => {
  if (typeof v === 'string' && ['enabled', 'disabled'].includes(lower(v)))
    return lower(v) as 'enabled' | 'disabled'
  return invalid(`The value of '${field}' must be 'enabled' or 'disabled'.`)
}

/** PATCH …/registries/{name} (RegistryUpdateParameters): the settings ACR's token server reads. */
export function updateRegistry(caller: ArmCaller, deps: ArmDeps, r: RegistryRef, body: unknown) {
  const f = findRegistry(caller, deps, r, 'write')
  if (!isObject(body)) invalid('The request content was invalid and could not be deserialized.')
  const p = body.properties === undefined ? {} : body.properties
  if (!isObject(p)) invalid("The value of 'properties' must be an object.")
  const change: Partial<RegistrySettings> = {}
  if (p.adminUserEnabled !== undefined) {
    if (typeof p.adminUserEnabled !== 'boolean') invalid("The value of 'adminUserEnabled' must be a boolean.")
    change.adminUserEnabled = p.adminUserEnabled
  }
  if (p.anonymousPullEnabled !== undefined) {
    if (typeof p.anonymousPullEnabled !== 'boolean')
      invalid("The value of 'anonymousPullEnabled' must be a boolean.")
    change.anonymousPullEnabled = p.anonymousPullEnabled
  }
  if (p.roleAssignmentMode !== undefined) {
    const modes = ['LegacyRegistryPermissions', 'AbacRepositoryPermissions']
    const m = modes.find(
      (x) => typeof p.roleAssignmentMode === 'string' && lower(x) === lower(p.roleAssignmentMode),
    )
    if (!m) invalid(`The value of 'roleAssignmentMode' must be one of ${modes.join(', ')}.`)
    change.roleAssignmentMode = m as RegistrySettings['roleAssignmentMode']
  }
  const policies = p.policies
  if (policies !== undefined && !isObject(policies)) invalid("The value of 'policies' must be an object.")
  if (isObject(policies)) {
    const aad = policies.azureADAuthenticationAsArmPolicy
    if (aad !== undefined) {
      if (!isObject(aad)) invalid("The value of 'azureADAuthenticationAsArmPolicy' must be an object.")
      change.azureADAuthenticationAsArmPolicy = enabledOrDisabled(
        aad.status,
        'azureADAuthenticationAsArmPolicy.status',
      )
    }
    const ret = policies.retentionPolicy
    if (ret !== undefined) {
      if (!isObject(ret)) invalid("The value of 'retentionPolicy' must be an object.")
      const current = f.store.settings().policies?.retentionPolicy ?? DEFAULT_RETENTION
      const days = ret.days === undefined ? current.days : ret.days
      // ACR accepts 0 to 365 days (az acr config retention update --days).
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 365)
        invalid("The value of 'retentionPolicy.days' must be an integer from 0 to 365.")
      const status =
        ret.status === undefined ? current.status : enabledOrDisabled(ret.status, 'retentionPolicy.status')
      const retentionPolicy = { days, status, lastUpdatedTime: new Date(deps.clock.now()).toISOString() }
      change.policies = { ...f.store.settings().policies, retentionPolicy }
    }
  }
  f.store.updateSettings((s) => ({ ...s, ...change }))
  return toRegistry(deps, f)
}

/** POST …/listCredentials: the admin user's name and passwords (only while the admin user is enabled). */
export function listAdminCredentials(caller: ArmCaller, deps: ArmDeps, r: RegistryRef) {
  const f = findRegistry(caller, deps, r, 'listCredentials/action')
  return adminCredentials(f.store.settings())
}

function adminCredentials(s: RegistrySettings) {
  if (!s.adminUserEnabled)
    throw new BadRequest(
      `Admin user is disabled. Run 'az acr update -n ${s.name} --admin-enabled true' to enable it.`,
    )
  return { username: s.name, passwords: s.adminPasswords.map((p) => ({ name: p.name, value: p.value })) }
}

/** POST …/regenerateCredential {"name":"password"|"password2"}. */
export function regenerateAdminCredential(caller: ArmCaller, deps: ArmDeps, r: RegistryRef, body: unknown) {
  const f = findRegistry(caller, deps, r, 'regenerateCredential/action')
  const name = isObject(body) ? body.name : undefined
  if (name !== 'password' && name !== 'password2')
    invalid("The value of 'name' must be 'password' or 'password2'.")
  adminCredentials(f.store.settings())
  const s = f.store.updateSettings((cur) => ({
    ...cur,
    adminPasswords: cur.adminPasswords.map((p) =>
      p.name === name ? { ...p, value: generatePassword() } : p,
    ),
  }))
  return adminCredentials(s)
}

// Scope maps and tokens.

const NAME = /^[a-zA-Z0-9-]{5,50}$/

export interface ChildRef extends RegistryRef {
  child: string
}

function scopeMapBody(f: Found, m: RegistrySettings['scopeMaps'][number], fallbackDate: string) {
  return {
    id: `${f.id}/scopeMaps/${m.name}`,
    name: m.name,
    type: `${REGISTRY_TYPE}/scopeMaps`,
    properties: {
      description: m.description,
      type: m.type,
      creationDate: m.creationDate ?? fallbackDate,
      provisioningState: 'Succeeded',
      actions: m.actions,
    },
  }
}

export function listScopeMaps(caller: ArmCaller, deps: ArmDeps, r: RegistryRef) {
  const f = findRegistry(caller, deps, r, 'scopeMaps/read')
  return { value: f.store.settings().scopeMaps.map((m) => scopeMapBody(f, m, startDate(deps))) }
}

function scopeMapOf(f: Found, name: string) {
  const m = f.store.settings().scopeMaps.find((x) => lower(x.name) === lower(name))
  if (!m)
    throw new ResourceNotFound(`${REGISTRY_TYPE}/scopeMaps`, `${f.spec.name}/${name}`, f.spec.resourceGroup)
  return m
}

export function getScopeMap(caller: ArmCaller, deps: ArmDeps, r: ChildRef) {
  const f = findRegistry(caller, deps, r, 'scopeMaps/read')
  return scopeMapBody(f, scopeMapOf(f, r.child), startDate(deps))
}

/** PUT (create or replace) and PATCH (description, actions) of a user-defined scope map. */
export function writeScopeMap(
  caller: ArmCaller,
  deps: ArmDeps,
  r: ChildRef,
  body: unknown,
  method: 'PUT' | 'PATCH',
) {
  const f = findRegistry(caller, deps, r, 'scopeMaps/write')
  const existing = f.store.settings().scopeMaps.find((x) => lower(x.name) === lower(r.child))
  if (method === 'PATCH' && !existing) scopeMapOf(f, r.child)
  if (existing?.type === 'SystemDefined')
    invalid(`The system scope map '${existing.name}' cannot be modified.`)
  if (!existing && !NAME.test(r.child))
    invalid(`The scope map name '${r.child}' is invalid: 5 to 50 letters, digits and hyphens.`)
  const p = isObject(body) && isObject(body.properties) ? body.properties : undefined
  if (!p) invalid("The request body must have 'properties'.")
  const actions = p.actions === undefined && existing ? existing.actions : p.actions
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === 'string'))
    invalid("The value of 'actions' must be a non-empty list of strings.")
  const problems = scopeMapProblems(actions)
  if (problems.length > 0) invalid(`Invalid scope map actions: ${problems.join('; ')}.`)
  if (p.description !== undefined && typeof p.description !== 'string')
    invalid("The value of 'description' must be a string.")
  const map = {
    name: existing?.name ?? r.child,
    description: p.description ?? existing?.description ?? '',
    type: 'UserDefined' as const,
    actions: actions,
    creationDate: existing?.creationDate ?? new Date(deps.clock.now()).toISOString(),
  }
  f.store.updateSettings((s) => ({
    ...s,
    scopeMaps: existing ? s.scopeMaps.map((m) => (m === existing ? map : m)) : [...s.scopeMaps, map],
  }))
  return { created: !existing, body: scopeMapBody(f, map, startDate(deps)) }
}

/** DELETE: true when it existed. A scope map a token uses cannot be deleted, nor a system one. */
export function deleteScopeMap(caller: ArmCaller, deps: ArmDeps, r: ChildRef): boolean {
  const f = findRegistry(caller, deps, r, 'scopeMaps/delete')
  const s = f.store.settings()
  const m = s.scopeMaps.find((x) => lower(x.name) === lower(r.child))
  if (!m) return false
  if (m.type === 'SystemDefined') invalid(`The system scope map '${m.name}' cannot be deleted.`)
  const users = s.tokens.filter((t) => lower(t.scopeMap) === lower(m.name)).map((t) => t.name)
  if (users.length > 0)
    invalid(`The scope map '${m.name}' is used by the tokens ${users.join(', ')} and cannot be deleted.`)
  f.store.updateSettings((cur) => ({ ...cur, scopeMaps: cur.scopeMaps.filter((x) => x.name !== m.name) }))
  return true
}

type Token = RegistrySettings['tokens'][number]

function tokenBody(f: Found, t: Token, fallbackDate: string) {
  return {
    id: `${f.id}/tokens/${t.name}`,
    name: t.name,
    type: `${REGISTRY_TYPE}/tokens`,
    properties: {
      creationDate: t.creationDate ?? fallbackDate,
      provisioningState: 'Succeeded',
      scopeMapId: `${f.id}/scopeMaps/${t.scopeMap}`,
      status: t.status,
      // ARM never returns a password's value after generateCredentials.
      credentials: {
        certificates: [],
        passwords: t.passwords.map((p) => ({
          name: p.name,
          ...(p.creationTime !== undefined && { creationTime: p.creationTime }),
          ...(p.expiry !== undefined && { expiry: p.expiry }),
        })),
      },
    },
  }
}

export function listTokens(caller: ArmCaller, deps: ArmDeps, r: RegistryRef) {
  const f = findRegistry(caller, deps, r, 'tokens/read')
  return { value: f.store.settings().tokens.map((t) => tokenBody(f, t, startDate(deps))) }
}

function tokenOf(f: Found, name: string): Token {
  const t = f.store.settings().tokens.find((x) => lower(x.name) === lower(name))
  if (!t)
    throw new ResourceNotFound(`${REGISTRY_TYPE}/tokens`, `${f.spec.name}/${name}`, f.spec.resourceGroup)
  return t
}

export function getToken(caller: ArmCaller, deps: ArmDeps, r: ChildRef) {
  const f = findRegistry(caller, deps, r, 'tokens/read')
  return tokenBody(f, tokenOf(f, r.child), startDate(deps))
}

/** `scopeMapId` names a scope map of the same registry (by resource id). */
function scopeMapName(f: Found, scopeMapId: unknown): string {
  if (typeof scopeMapId !== 'string')
    return invalid("The value of 'scopeMapId' must be a scope map's resource id.")
  const prefix = lower(`${f.id}/scopeMaps/`)
  if (!lower(scopeMapId).startsWith(prefix))
    invalid(`The scope map '${scopeMapId}' is not a scope map of this registry.`)
  return scopeMapOf(f, scopeMapId.slice(prefix.length)).name
}

export function writeToken(
  caller: ArmCaller,
  deps: ArmDeps,
  r: ChildRef,
  body: unknown,
  method: 'PUT' | 'PATCH',
) {
  const f = findRegistry(caller, deps, r, 'tokens/write')
  const existing = f.store.settings().tokens.find((x) => lower(x.name) === lower(r.child))
  if (method === 'PATCH' && !existing) tokenOf(f, r.child)
  if (!existing && !NAME.test(r.child))
    invalid(`The token name '${r.child}' is invalid: 5 to 50 letters, digits and hyphens.`)
  const p = isObject(body) && isObject(body.properties) ? body.properties : undefined
  if (!p) invalid("The request body must have 'properties'.")
  const scopeMap = p.scopeMapId === undefined && existing ? existing.scopeMap : scopeMapName(f, p.scopeMapId)
  const status =
    p.status === undefined ? (existing?.status ?? 'enabled') : enabledOrDisabled(p.status, 'status')
  const token: Token = {
    name: existing?.name ?? r.child,
    scopeMap,
    status,
    passwords: existing?.passwords ?? [],
    creationDate: existing?.creationDate ?? new Date(deps.clock.now()).toISOString(),
  }
  f.store.updateSettings((s) => ({
    ...s,
    tokens: existing ? s.tokens.map((t) => (t === existing ? token : t)) : [...s.tokens, token],
  }))
  return { created: !existing, body: tokenBody(f, token, startDate(deps)) }
}

export function deleteToken(caller: ArmCaller, deps: ArmDeps, r: ChildRef): boolean {
  const f = findRegistry(caller, deps, r, 'tokens/delete')
  const t = f.store.settings().tokens.find((x) => lower(x.name) === lower(r.child))
  if (!t) return false
  f.store.updateSettings((s) => ({ ...s, tokens: s.tokens.filter((x) => x.name !== t.name) }))
  return true
}

/**
 * POST …/generateCredentials {tokenId, expiry?, name?}: new password(s) for a token, returned once.
 * Without `name` both passwords are generated.
 */
export function generateCredentials(caller: ArmCaller, deps: ArmDeps, r: RegistryRef, body: unknown) {
  const f = findRegistry(caller, deps, r, 'generateCredentials/action')
  if (!isObject(body)) invalid('The request content was invalid and could not be deserialized.')
  const prefix = lower(`${f.id}/tokens/`)
  if (typeof body.tokenId !== 'string' || !lower(body.tokenId).startsWith(prefix))
    invalid("The value of 'tokenId' must be a token's resource id of this registry.")
  const token = tokenOf(f, body.tokenId.slice(prefix.length))
  const one = body.name
  if (one !== undefined && one !== 'password1' && one !== 'password2')
    invalid("The value of 'name' must be 'password1' or 'password2'.")
  let expiry: string | undefined
  if (body.expiry !== undefined && body.expiry !== null) {
    const t = typeof body.expiry === 'string' ? Date.parse(body.expiry) : NaN
    if (Number.isNaN(t)) invalid("The value of 'expiry' must be a date and time.")
    expiry = new Date(t).toISOString()
  }
  const names: ('password1' | 'password2')[] = one === undefined ? ['password1', 'password2'] : [one]
  const creationTime = new Date(deps.clock.now()).toISOString()
  const fresh = names.map((name) => ({
    name,
    value: generatePassword(),
    creationTime,
    ...(expiry !== undefined && { expiry }),
  }))
  f.store.updateSettings((s) => ({
    ...s,
    tokens: s.tokens.map((t) =>
      t.name !== token.name
        ? t
        : {
            ...t,
            passwords: [...t.passwords.filter((p) => !names.includes(p.name)), ...fresh].sort((a, b) =>
              a.name.localeCompare(b.name),
            ),
          },
    ),
  }))
  return { username: token.name, passwords: fresh }
}

/**
 * `POST /subscriptions/{s}/providers/Microsoft.ContainerRegistry/checkNameAvailability` (what `az acr create`
 * asks first): the RegistryNameStatus of azure-rest-api-specs (RegistryCheckNameAvailable.json,
 * RegistryCheckNameNotAvailable.json). Names are unique among the simulator's registries (Azure: worldwide).
 */
export function checkNameAvailability(
  caller: ArmCaller,
  deps: ArmDeps,
  subscriptionId: string,
  body: unknown,
): { nameAvailable: boolean; reason?: string; message?: string } {
  const azure = subscriptionOf(deps, subscriptionId)
  authorize(
    caller,
    deps,
    'Microsoft.ContainerRegistry/checkNameAvailability/read',
    `/subscriptions/${azure.subscriptionId}`,
  )
  const b = (typeof body === 'object' && body !== null ? body : {}) as { name?: unknown; type?: unknown }
  if (typeof b.name !== 'string' || typeof b.type !== 'string' || lower(b.type) !== lower(REGISTRY_TYPE))
    throw new BadRequest(
      `The request content was invalid: 'name' (a string) and 'type' ('${REGISTRY_TYPE}') are required.`,
    )
  // The spec's pattern for registry names; the answer's wording is the simulator's.
  if (!/^[a-zA-Z0-9]{5,50}$/.test(b.name))
    return {
      nameAvailable: false,
      reason: 'Invalid',
      message: `The registry name '${b.name}' is invalid: it must be 5 to 50 letters or digits.`,
    }
  if (azure.registries.some((x) => lower(x.name) === lower(b.name as string)))
    return {
      nameAvailable: false,
      reason: 'AlreadyExists',
      message: `The registry ${b.name} is already in use.`,
    }
  return { nameAvailable: true }
}
