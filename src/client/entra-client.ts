/**
 * The OAuth client side of every sign-in, over openid-client: the tenant's v2 discovery document, then
 * the device authorization grant (message to stderr, polling until approved, declined or expired),
 * refresh tokens, client credentials (`--login spn`) and the password grant (`--login ropc`). Time
 * checks on ID tokens use the simulator's clock (`clockSkew`), which may run ahead of this machine's.
 */
import { decodeJwt } from 'jose'
import * as client from 'openid-client'
import type { Fetch } from './http.js'
import { SignInError, shortDescription } from './errors.js'

export interface EntraClientOptions {
  authority: string
  tenantId: string
  clientId: string
  clientSecret?: string
  fetch: Fetch
  /** Seconds the simulator's clock runs ahead of this machine's. */
  clockOffset: number
  /** Seconds left for each HTTP request (the plugin's --timeout budget). */
  timeoutSeconds: number
}

export type TokenSet = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers

/** Reads `<authority>/<tenant>/v2.0/.well-known/openid-configuration` and builds the client. */
export async function createEntraClient(o: EntraClientOptions): Promise<client.Configuration> {
  const url = `${o.authority}/${encodeURIComponent(o.tenantId)}/v2.0/.well-known/openid-configuration`
  const res = await o.fetch(url, { signal: AbortSignal.timeout(o.timeoutSeconds * 1000) })
  const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined
  if (!res.ok || !body || typeof body.issuer !== 'string') {
    const desc = typeof body?.error_description === 'string' ? shortDescription(body.error_description) : ''
    throw new SignInError(
      'rejected',
      `tenant '${o.tenantId}' discovery at ${o.authority} failed (HTTP ${res.status}${desc ? `: ${desc}` : ''})`,
    )
  }
  // Built from the fetched document rather than client.discovery(): Entra's v2 issuer for a real
  // tenant (https://login.microsoftonline.com/<tid>/v2.0) need not equal the URL the document came from.
  const config = new client.Configuration(
    body as unknown as client.ServerMetadata,
    o.clientId,
    { [client.clockSkew]: Math.round(o.clockOffset) },
    o.clientSecret !== undefined ? client.ClientSecretPost(o.clientSecret) : client.None(),
  )
  config[client.customFetch] = o.fetch as client.CustomFetch
  config.timeout = Math.max(1, Math.ceil(o.timeoutSeconds))
  return config
}

/** The device authorization grant; `onMessage` gets Entra's sign-in message verbatim. */
export async function deviceCodeSignIn(
  config: client.Configuration,
  scope: string,
  o: { onMessage: (message: string) => void; signal: AbortSignal },
): Promise<TokenSet> {
  const start = await client.initiateDeviceAuthorization(config, { scope })
  const message =
    typeof start.message === 'string'
      ? start.message
      : `To sign in, use a web browser to open the page ${start.verification_uri} and enter the code ${start.user_code} to authenticate.`
  o.onMessage(message)
  // openid-client stops at expires_in only without a signal of ours: bound the wait by both.
  const expiry = AbortSignal.timeout(start.expires_in * 1000)
  try {
    return await client.pollDeviceAuthorizationGrant(config, start, undefined, {
      signal: AbortSignal.any([o.signal, expiry]),
    })
  } catch (err) {
    if (expiry.aborted && !o.signal.aborted)
      throw new SignInError(
        'expired',
        `device code sign-in: the device code expired after ${start.expires_in}s before anyone signed in; run the command again for a new code`,
        { cause: err },
      )
    throw err
  }
}

export function refreshSignIn(
  config: client.Configuration,
  refreshToken: string,
  scope: string,
): Promise<TokenSet> {
  return client.refreshTokenGrant(config, refreshToken, { scope })
}

export function clientCredentialsSignIn(config: client.Configuration, scope: string): Promise<TokenSet> {
  return client.clientCredentialsGrant(config, { scope })
}

export function passwordSignIn(
  config: client.Configuration,
  username: string,
  password: string,
  scope: string,
): Promise<TokenSet> {
  return client.genericGrantRequest(config, 'password', { username, password, scope })
}

/** Payload of a JWT, unverified (the client only reads its own token's exp and user names). */
export function jwtClaims(jwt: string): Record<string, unknown> {
  try {
    return decodeJwt(jwt)
  } catch {
    return {}
  }
}
