/**
 * The token endpoint's pipeline: read the form, authenticate the client, dispatch on grant_type, and
 * render the v2 or v1 success body. Client authentication accepts the body secret and HTTP Basic
 * (both advertised in the discovery document).
 */
import { timingSafeEqual } from 'node:crypto'
import type { Application } from '../kernel/directory.js'
import type { EntraDeps } from './deps.js'
import {
  ClientSecretRequired,
  DuplicateParameter,
  InvalidClient,
  InvalidRequest,
  UnauthorizedClient,
  UnsupportedGrantType,
} from './errors.js'
import type { GrantHandler, TokenRequest } from './grants/types.js'
import type { IssuedTokens } from './tokens.js'

/** Flattens an urlencoded body; repeated parameters are refused as Entra does. */
export function readForm(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(v)) throw new DuplicateParameter(k)
    if (typeof v === 'string') out[k] = v
  }
  return out
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return undefined
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '))
    } catch {
      return s
    }
  }
  return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) }
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export type ClientAuthenticator = (
  client: Application,
  params: Record<string, string>,
  deps: EntraDeps,
) => Promise<'assertion'>

export interface TokenEndpointInput {
  protocol: 'v1' | 'v2'
  params: Record<string, string>
  authorization: string | undefined
}

export async function handleTokenRequest(
  input: TokenEndpointInput,
  deps: EntraDeps,
  grants: Map<string, GrantHandler>,
  assertionAuthenticator?: ClientAuthenticator,
): Promise<IssuedTokens> {
  const params = { ...input.params }
  const basic = basicCredentials(input.authorization)
  if (basic) {
    params.client_id ??= basic.id
    params.client_secret ??= basic.secret
  }
  if (!params.grant_type) throw InvalidRequest.missing('grant_type')
  const clientId = params.client_id
  if (!clientId) throw InvalidRequest.missing('client_id')
  const client = deps.directory.application(clientId)
  if (!client || client.appId !== clientId.toLowerCase())
    throw UnauthorizedClient.unknownApp(clientId, deps.directory.tenant.id)
  const grant = grants.get(params.grant_type)
  if (!grant) throw new UnsupportedGrantType(params.grant_type)

  let clientAuth: TokenRequest['clientAuth'] = 'none'
  if (params.client_assertion !== undefined) {
    if (!assertionAuthenticator)
      throw new InvalidClient('Client assertions are not supported by this endpoint.')
    clientAuth = await assertionAuthenticator(client, params, deps)
  } else if (params.client_secret !== undefined) {
    if (client.publicClient || !client.secrets.some((s) => sameSecret(s.value, params.client_secret!)))
      throw InvalidClient.badSecret()
    clientAuth = 'secret'
  } else if (!client.publicClient || !grant.allowsPublicClients) {
    throw new ClientSecretRequired()
  }
  return grant.handle(
    { protocol: input.protocol, grantType: params.grant_type, params, client, clientAuth },
    deps,
  )
}

/** v2 success body (what msal-common's ServerAuthorizationTokenResponse reads): numbers, no expires_on. */
export function toV2TokenBody(t: IssuedTokens): Record<string, unknown> {
  return {
    token_type: 'Bearer',
    scope: t.scope,
    expires_in: t.expiresIn,
    ext_expires_in: t.expiresIn,
    access_token: t.accessToken,
    ...(t.refreshToken && { refresh_token: t.refreshToken }),
    ...(t.idToken && { id_token: t.idToken }),
    ...(t.clientInfo && { client_info: t.clientInfo }),
  }
}

/** v1 success body: strings for the numbers, plus expires_on / not_before / resource (ADAL shape). */
export function toV1TokenBody(t: IssuedTokens): Record<string, unknown> {
  return {
    token_type: 'Bearer',
    ...(t.scope !== undefined && { scope: t.resource.permissions.join(' ') }),
    expires_in: String(t.expiresIn),
    ext_expires_in: String(t.expiresIn),
    expires_on: String(t.expiresOn),
    not_before: String(t.notBefore),
    resource: t.resource.audience,
    access_token: t.accessToken,
    ...(t.refreshToken && { refresh_token: t.refreshToken }),
    ...(t.idToken && { id_token: t.idToken }),
  }
}
