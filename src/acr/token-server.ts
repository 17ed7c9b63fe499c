/**
 * ACR's token server on the registry host (Azure/acr docs/AAD-OAuth.md and docs/Token.md):
 *
 * - `POST /oauth2/exchange`: an Entra access token (audience `https://containerregistry.azure.net`, or
 *   ARM's while `azureADAuthenticationAsArmPolicy` is enabled) becomes an ACR refresh token.
 * - `/oauth2/token`: an ACR refresh token (POST `grant_type=refresh_token`), a user name and password
 *   (POST `grant_type=password`, or GET with Basic auth: the null GUID + ACR token, the admin user,
 *   a repository-scoped token, a service principal's appId + secret) or nothing (anonymous pull)
 *   becomes an access token holding the granted subset of the requested scopes.
 *
 * Plain functions over parsed fields; routes.ts only reads the request and writes the answer.
 */
import type { AzureRbac } from '../azure-rbac/index.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import { isGuid } from '../kernel/ids.js'
import { grantAccess, type Caller } from './authorize.js'
import { BadRequest, TokenUnauthorized } from './errors.js'
import { accessOf, accessTokenClaims, refreshTokenClaims, type RegistryKey } from './jwt.js'
import { parseScopes, type AccessEntry } from './scopes.js'
import type { RegistrySettings } from './settings.js'

/** The user name that says "the password is an ACR token" (what `az acr login` stores for Docker). */
export const NULL_GUID_USER = '00000000-0000-0000-0000-000000000000'
export const ACR_AUDIENCES = ['https://containerregistry.azure.net', 'https://containerregistry.azure.net/']
export const ARM_AUDIENCES = [
  'https://management.azure.com',
  'https://management.azure.com/',
  'https://management.core.windows.net',
  'https://management.core.windows.net/',
]
export const TOKEN_VALIDATION_FAILED = 'token validation failed'

/** What the Entra token check answers (entra's verifyIssuedToken, narrowed). */
export type EntraVerification = { ok: true; payload: Record<string, unknown> } | { ok: false }

export interface TokenServerDeps {
  settings: () => RegistrySettings
  key: RegistryKey
  clock: Pick<Clock, 'now' | 'nowSeconds'>
  directory: Directory
  rbac: Pick<AzureRbac, 'checkAccess'> | undefined
  /** Verifies an Entra access token issued by the simulator (signature, issuer, tenant, time). */
  verifyEntra: (jwt: string) => Promise<EntraVerification>
  lifetimes: { refreshSeconds: number; accessSeconds: number }
}

type Fields = Record<string, string | string[] | undefined>

const one = (fields: Fields, name: string): string | undefined => {
  const v = fields[name]
  if (Array.isArray(v)) throw new BadRequest(`${name} is given more than once`)
  return v
}

function checkService(fields: Fields, settings: RegistrySettings, required: boolean): void {
  const service = one(fields, 'service')
  if (service === undefined || service === '') {
    if (required) throw new BadRequest('service is required')
    return
  }
  if (service.toLowerCase() !== settings.loginServer.toLowerCase())
    throw new TokenUnauthorized(`service '${service}' is not this registry (${settings.loginServer})`)
}

/** `POST /oauth2/exchange`. */
export async function exchange(
  fields: Fields,
  deps: TokenServerDeps,
): Promise<{ refresh_token: string; caller: Caller }> {
  const settings = deps.settings()
  const grantType = one(fields, 'grant_type')
  if (grantType === undefined || grantType === '') throw new BadRequest('grant_type is required')
  if (!['access_token', 'access_token_refresh_token', 'refresh_token'].includes(grantType))
    throw new BadRequest(`grant_type '${grantType}' is not supported`)
  checkService(fields, settings, true)
  const accessToken = one(fields, 'access_token')
  if (grantType === 'refresh_token' || accessToken === undefined || accessToken === '') {
    if (grantType === 'refresh_token')
      // Redeeming an Entra refresh token at the registry is deprecated and not simulated (docs/differences.md).
      throw new BadRequest(
        'grant_type refresh_token (an Entra refresh token) is not supported; send access_token',
      )
    throw new BadRequest('access_token is required')
  }
  const verified = await deps.verifyEntra(accessToken)
  if (!verified.ok) throw new TokenUnauthorized(TOKEN_VALIDATION_FAILED)
  const p = verified.payload
  const aud = typeof p.aud === 'string' ? p.aud : ''
  const armAllowed = settings.azureADAuthenticationAsArmPolicy === 'enabled'
  if (!ACR_AUDIENCES.includes(aud) && !(armAllowed && ARM_AUDIENCES.includes(aud)))
    throw new TokenUnauthorized(TOKEN_VALIDATION_FAILED)
  const tid = typeof p.tid === 'string' ? p.tid : ''
  const tenant = one(fields, 'tenant')
  if (tenant !== undefined && tenant !== '' && tenant.toLowerCase() !== tid.toLowerCase())
    throw new TokenUnauthorized(TOKEN_VALIDATION_FAILED)
  const caller = aadCallerOf(p, deps.directory)
  if (!caller) throw new TokenUnauthorized(TOKEN_VALIDATION_FAILED)
  const claims = refreshTokenClaims({
    loginServer: settings.loginServer,
    subject: caller.subject,
    tenant: tid,
    times: { nowSeconds: deps.clock.nowSeconds(), lifetimeSeconds: deps.lifetimes.refreshSeconds },
    ...(settings.roleAssignmentMode === 'AbacRepositoryPermissions' && {
      aadIdentity: { oid: caller.objectId, tid },
    }),
  })
  return { refresh_token: await deps.key.sign(claims), caller }
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)

/** The Entra caller of a token: users by UPN, applications by appId (the refresh token's `sub`). */
function aadCallerOf(
  p: Record<string, unknown>,
  directory: Directory,
): Extract<Caller, { kind: 'aad' }> | undefined {
  const oid = str(p.oid)?.toLowerCase()
  if (!oid) return undefined
  const user = directory.user(oid)
  const tenant = str(p.tid) ?? directory.tenant.id
  if (user) {
    if (!user.accountEnabled) return undefined
    return {
      kind: 'aad',
      objectId: user.id,
      groupIds: groupsOf(directory, user.id),
      subject: user.userPrincipalName,
      tenant,
    }
  }
  const app = directory.applications().find((a) => a.servicePrincipalId.toLowerCase() === oid)
  if (!app) return undefined
  return {
    kind: 'aad',
    objectId: app.servicePrincipalId,
    groupIds: groupsOf(directory, app.servicePrincipalId),
    subject: app.appId,
    tenant,
  }
}

const groupsOf = (directory: Directory, id: string) => directory.transitiveGroups(id).map((g) => g.id)

/** The caller an ACR refresh token (its `sub`) stands for now; undefined when it no longer exists. */
function callerOfSubject(
  subject: string,
  tenant: string,
  directory: Directory,
): Extract<Caller, { kind: 'aad' }> | undefined {
  const user = directory.user(subject)
  if (user)
    return user.accountEnabled
      ? { kind: 'aad', objectId: user.id, groupIds: groupsOf(directory, user.id), subject, tenant }
      : undefined
  const app = directory.application(subject)
  if (app && isGuid(subject))
    return {
      kind: 'aad',
      objectId: app.servicePrincipalId,
      groupIds: groupsOf(directory, app.servicePrincipalId),
      subject,
      tenant,
    }
  return undefined
}

/** An ACR refresh token (or, as a password, an access token) → caller. */
async function callerOfAcrToken(
  jwt: string,
  deps: TokenServerDeps,
  allowAccessToken: boolean,
): Promise<Caller> {
  const settings = deps.settings()
  const p = await deps.key.verify(jwt, settings.loginServer, deps.clock.nowSeconds())
  if (!p || typeof p.sub !== 'string') throw new TokenUnauthorized()
  if (p.grant_type === 'refresh_token') {
    const caller = callerOfSubject(p.sub, typeof p.tenant === 'string' ? p.tenant : '', deps.directory)
    if (!caller) throw new TokenUnauthorized()
    return caller
  }
  const access = allowAccessToken ? accessOf(p) : undefined
  if (!access) throw new TokenUnauthorized()
  return { kind: 'access-token', subject: p.sub, access }
}

/** User name + password → caller (null GUID, admin user, scope-map token, service principal). */
export async function callerOfPassword(
  username: string,
  password: string,
  deps: TokenServerDeps,
): Promise<Caller> {
  const settings = deps.settings()
  if (username === NULL_GUID_USER) return callerOfAcrToken(password, deps, true)
  if (username.toLowerCase() === settings.name.toLowerCase()) {
    if (settings.adminUserEnabled && settings.adminPasswords.some((p) => p.value === password))
      return { kind: 'admin', subject: settings.name }
    throw new TokenUnauthorized()
  }
  const token = settings.tokens.find((t) => t.name === username)
  if (token) {
    const now = deps.clock.now()
    const ok = token.passwords.some(
      (p) => p.value === password && (p.expiry === undefined || Date.parse(p.expiry) > now),
    )
    if (token.status !== 'enabled' || !ok) throw new TokenUnauthorized()
    return { kind: 'token', subject: token.name, token }
  }
  const app = isGuid(username) ? deps.directory.application(username) : undefined
  if (app?.secrets.some((s) => s.value === password))
    return {
      kind: 'aad',
      objectId: app.servicePrincipalId,
      groupIds: groupsOf(deps.directory, app.servicePrincipalId),
      subject: app.appId,
      tenant: deps.directory.tenant.id,
    }
  throw new TokenUnauthorized()
}

export interface TokenRequest {
  method: 'GET' | 'POST'
  /** Query (GET) or form (POST) fields. */
  fields: Fields
  /** `Authorization: Basic` user and password, when sent. */
  basic?: { username: string; password: string }
}

/** `/oauth2/token` → `{access_token}` with the granted access. */
export async function issueAccessToken(
  req: TokenRequest,
  deps: TokenServerDeps,
): Promise<{ access_token: string; caller: Caller; access: AccessEntry[] }> {
  const settings = deps.settings()
  const { fields } = req
  checkService(fields, settings, req.method === 'POST')
  let caller: Caller
  if (req.method === 'POST') {
    const grantType = one(fields, 'grant_type')
    if (grantType === 'refresh_token') {
      const rt = one(fields, 'refresh_token')
      if (rt === undefined || rt === '') throw new BadRequest('refresh_token is required')
      caller = await callerOfAcrToken(rt, deps, false)
    } else if (grantType === 'password') {
      const username = one(fields, 'username')
      const password = one(fields, 'password')
      if ((username === undefined || username === '') && (password === undefined || password === ''))
        caller = { kind: 'anonymous', subject: '' }
      else caller = await callerOfPassword(username ?? '', password ?? '', deps)
    } else if (grantType === undefined || grantType === '') throw new BadRequest('grant_type is required')
    else throw new BadRequest(`grant_type '${grantType}' is not supported`)
  } else if (req.basic) caller = await callerOfPassword(req.basic.username, req.basic.password, deps)
  else caller = { kind: 'anonymous', subject: '' }
  if (caller.kind === 'anonymous' && !settings.anonymousPullEnabled) throw new TokenUnauthorized()
  const requested = parseScopes(fields.scope)
  const access = grantAccess(caller, requested, { rbac: deps.rbac, settings })
  const claims = accessTokenClaims({
    loginServer: settings.loginServer,
    subject: caller.subject,
    access,
    times: { nowSeconds: deps.clock.nowSeconds(), lifetimeSeconds: deps.lifetimes.accessSeconds },
  })
  return { access_token: await deps.key.sign(claims), caller, access }
}
