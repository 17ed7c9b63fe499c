/**
 * Getting a token the way kubelogin does: under the cache lock, reuse the cached access token while it
 * has more than five minutes left (MSAL's renewal window, measured on the simulator's clock), else
 * redeem the cached refresh token, else sign in again — device code (message on stderr), client
 * secret (`spn`), password (`ropc`), or the CLI's Azure sign-in (`azurecli`, the `az login` that
 * get-credentials did). Every path is bounded by the run's deadline (`--timeout`).
 */
import { createHash } from 'node:crypto'
import {
  createEntraClient,
  clientCredentialsSignIn,
  deviceCodeSignIn,
  jwtClaims,
  passwordSignIn,
  refreshSignIn,
  type TokenSet,
} from './entra-client.js'
import { SignInError, toSignInError } from './errors.js'
import { earlierFailedSignIn, forgetFailedSignIn, rememberFailedSignIn } from './failed-sign-in.js'
import { withFileLock } from './file-lock.js'
import type { SimulatorTarget } from './locate.js'
import { staleTokenReason } from './stale-token.js'
import { cacheFileName, readCachedToken, writeCachedToken, type CachedToken } from './token-cache.js'
import { ARM_RESOURCE, AZURE_CLI_CLIENT_ID } from './well-known.js'

export type LoginMode = 'devicecode' | 'spn' | 'ropc' | 'azurecli'

export interface TokenRequest {
  login: LoginMode
  /** The resource: the AKS server app id, or ARM. */
  serverId: string
  clientId: string
  tenantId: string
  environment: string
  clientSecret?: string
  username?: string
  password?: string
  cacheDir: string
  /** Where the Azure sign-in of get-credentials lives (`azurecli` mode reads it). */
  azureConfigDir: string
  target: SimulatorTarget
  /** Wall-clock milliseconds by which the whole run must be over. */
  deadline: number
  /** --timeout in seconds when given (error messages name it); the deadline is what bounds the run. */
  timeoutSeconds?: number
  /** The kubectl that ran this plugin (client-go's exec), for one device code per command. */
  execParentPid?: number
  stderr: (line: string) => void
}

export interface AcquiredToken {
  token: CachedToken
  source: 'cache' | 'refresh' | 'devicecode' | 'spn' | 'ropc' | 'azurecli'
  /** Seconds the simulator's clock is ahead of this machine's. */
  clockOffset: number
}

/** kubelogin's GetScope: `<server-id>/.default`; an ARM-style URI keeps its slash (`…azure.com//.default`). */
export function scopeFor(resource: string): string {
  if (resource.endsWith('/.default')) return resource
  if (/^https?:\/\//i.test(resource)) return `${resource}/.default`
  return `${resource.replace(/\/+$/, '')}/.default`
}

const USER_SCOPES = 'openid offline_access profile'

/** Still good for more than the renewal window (5 minutes; a tenth of the lifetime for short tokens). */
export function isFresh(t: CachedToken, nowSeconds: number): boolean {
  const lifetime = t.not_before !== undefined ? t.expires_on - t.not_before : 3600
  return t.expires_on - Math.min(300, Math.floor(lifetime / 10)) > nowSeconds
}

function toCached(
  r: TokenRequest,
  tokens: TokenSet,
  resource: string,
  clientId: string,
  login: string,
): CachedToken {
  const claims = jwtClaims(tokens.access_token)
  const idClaims = tokens.id_token ? jwtClaims(tokens.id_token) : {}
  const exp =
    typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000) + (tokens.expires_in ?? 3599)
  const username = idClaims.preferred_username ?? claims.upn ?? claims.unique_name
  return {
    token_type: 'Bearer',
    access_token: tokens.access_token,
    ...(tokens.refresh_token !== undefined && { refresh_token: tokens.refresh_token }),
    expires_on: exp,
    ...(typeof claims.nbf === 'number' && { not_before: claims.nbf }),
    resource,
    client_id: clientId,
    tenant_id: r.tenantId,
    authority: r.target.authority,
    login,
    ...(typeof username === 'string' && { username }),
  }
}

const remainingSeconds = (deadline: number) => Math.max(0.001, (deadline - Date.now()) / 1000)

/** The cached token, unless the running simulator would refuse it (then says why on stderr). */
async function stillAccepted(r: TokenRequest, cached: CachedToken, now: number): Promise<boolean> {
  const reason = await staleTokenReason(r.target, r.tenantId, cached.access_token, now)
  if (reason === undefined) return true
  r.stderr(
    `The cached token for ${cached.username ?? cached.client_id} is no longer accepted by the simulator: ${reason}. Getting a new one (run 'aks-auth-sim logout' to clear cached tokens).`,
  )
  return false
}

export async function acquireToken(r: TokenRequest): Promise<AcquiredToken> {
  if (r.login === 'azurecli') return viaAzureSignIn(r)
  const file = cacheFileName(r.cacheDir, {
    environment: r.environment,
    resource: r.serverId,
    clientId: r.clientId,
    tenantId: r.tenantId,
  })
  const what = r.login === 'devicecode' ? 'device code sign-in' : `${r.login} sign-in`
  return withFileLock(
    `${file}.lock`,
    {
      deadline: r.deadline,
      onWait: () => r.stderr('Waiting for another aks-auth-sim process to finish signing in…'),
    },
    async () => {
      const clockOffset = await r.target.clockOffset()
      const now = Math.floor(Date.now() / 1000 + clockOffset)
      const cached = readCachedToken(file)
      const secretHash =
        r.login === 'spn'
          ? createHash('sha256')
              .update(r.clientSecret ?? '')
              .digest('hex')
          : undefined
      const ours =
        cached &&
        cached.authority === r.target.authority &&
        cached.client_id === r.clientId &&
        cached.secret_sha256 === secretHash
      if (ours && isFresh(cached, now) && (await stillAccepted(r, cached, now)))
        return { token: cached, source: 'cache', clockOffset }
      const scope = scopeFor(r.serverId)
      let tokens: TokenSet | undefined
      let source: AcquiredToken['source'] = r.login
      // Before the refresh token too: a kubectl retry after a failed sign-in would otherwise start another.
      const earlier = r.login === 'devicecode' ? earlierFailedSignIn(file, r.execParentPid) : undefined
      if (earlier) throw earlier
      try {
        const config = await createEntraClient({
          authority: r.target.authority,
          tenantId: r.tenantId,
          clientId: r.clientId,
          ...(r.login === 'spn' && r.clientSecret !== undefined && { clientSecret: r.clientSecret }),
          fetch: r.target.fetch,
          clockOffset,
          timeoutSeconds: remainingSeconds(r.deadline),
        })
        if (ours && cached.refresh_token && r.login !== 'spn') {
          try {
            tokens = await refreshSignIn(config, cached.refresh_token, `${scope} ${USER_SCOPES}`)
            source = 'refresh'
          } catch (err) {
            const e = toSignInError(err, 'refreshing the cached token', r.timeoutSeconds)
            // Only a refused refresh token is worth a new sign-in; network trouble or a disabled account is not.
            if (e.kind !== 'rejected') throw e
            r.stderr(`The cached refresh token was not accepted (${e.message}); signing in again.`)
          }
        }
        if (!tokens) {
          if (r.login === 'spn') tokens = await clientCredentialsSignIn(config, scope)
          else if (r.login === 'ropc')
            tokens = await passwordSignIn(config, r.username!, r.password!, `${scope} ${USER_SCOPES}`)
          else
            tokens = await deviceCodeSignIn(config, `${scope} ${USER_SCOPES}`, {
              onMessage: (m) => r.stderr(m),
              signal: AbortSignal.timeout(Math.max(1, r.deadline - Date.now())),
            })
        }
      } catch (err) {
        const e = toSignInError(err, what, r.timeoutSeconds)
        if (r.login === 'devicecode') rememberFailedSignIn(file, r.execParentPid, e)
        throw e
      }
      forgetFailedSignIn(file)
      const token = {
        ...toCached(r, tokens, r.serverId, r.clientId, r.login),
        ...(secretHash !== undefined && { secret_sha256: secretHash }),
      }
      writeCachedToken(file, token)
      return { token, source, clockOffset }
    },
  )
}

/** `--login azurecli`: a token for the server app from the Azure sign-in's refresh token, as `az account get-access-token` would. */
async function viaAzureSignIn(r: TokenRequest): Promise<AcquiredToken> {
  const key = { environment: r.environment, clientId: AZURE_CLI_CLIENT_ID, tenantId: r.tenantId }
  const armFile = cacheFileName(r.azureConfigDir, { ...key, resource: ARM_RESOURCE })
  const file = cacheFileName(r.azureConfigDir, { ...key, resource: r.serverId })
  return withFileLock(`${armFile}.lock`, { deadline: r.deadline }, async () => {
    const clockOffset = await r.target.clockOffset()
    const now = Math.floor(Date.now() / 1000 + clockOffset)
    const cached = readCachedToken(file)
    if (
      cached &&
      cached.authority === r.target.authority &&
      isFresh(cached, now) &&
      (await stillAccepted(r, cached, now))
    )
      return { token: cached, source: 'cache', clockOffset }
    const signIn = readCachedToken(armFile)
    if (!signIn?.refresh_token || signIn.authority !== r.target.authority)
      throw new SignInError(
        'not-signed-in',
        `azurecli login: no Azure sign-in for tenant ${r.tenantId} in ${r.azureConfigDir}. Run 'aks-auth-sim get-credentials' first (it signs in like 'az login').`,
      )
    let tokens: TokenSet
    try {
      const config = await createEntraClient({
        authority: r.target.authority,
        tenantId: r.tenantId,
        clientId: AZURE_CLI_CLIENT_ID,
        fetch: r.target.fetch,
        clockOffset,
        timeoutSeconds: remainingSeconds(r.deadline),
      })
      tokens = await refreshSignIn(config, signIn.refresh_token, `${scopeFor(r.serverId)} ${USER_SCOPES}`)
    } catch (err) {
      throw toSignInError(err, 'azurecli login', r.timeoutSeconds)
    }
    // Entra rotates refresh tokens: the Azure sign-in keeps the new one.
    if (tokens.refresh_token) writeCachedToken(armFile, { ...signIn, refresh_token: tokens.refresh_token })
    const token = toCached(r, tokens, r.serverId, AZURE_CLI_CLIENT_ID, 'azurecli')
    writeCachedToken(file, token)
    return { token, source: 'azurecli', clockOffset }
  })
}
