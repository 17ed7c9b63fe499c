import type { Application } from '../../kernel/directory.js'
import type { EntraDeps } from '../deps.js'
import type { IssuedTokens } from '../tokens.js'

export interface TokenRequest {
  /** `v2` for `/oauth2/v2.0/token`, `v1` for the legacy `/oauth2/token`. */
  protocol: 'v1' | 'v2'
  grantType: string
  params: Record<string, string>
  client: Application
  /** How the client authenticated: none (public), secret, or assertion. */
  clientAuth: 'none' | 'secret' | 'assertion'
}

/** A grant type: a fixed shape so the registry can dispatch on `grant_type` (RFC 6749 §4). */
export interface GrantHandler {
  /** Every `grant_type` spelling that selects this grant. */
  grantTypes: string[]
  /** Whether a public client (no secret) may use it. */
  allowsPublicClients: boolean
  handle(req: TokenRequest, deps: EntraDeps): Promise<IssuedTokens>
}
