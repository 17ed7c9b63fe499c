/**
 * The issuers Entra puts in its tokens: the simulator's own authority, or with `tokens.realIssuers` the
 * real Entra ID issuer strings (`https://sts.windows.net/{tid}/` for v1, `https://login.microsoftonline.com/{tid}/v2.0`
 * for v2; Microsoft Learn, "Access tokens in the Microsoft identity platform", claims `iss`).
 */
import type { ResolvedConfig } from '../config/index.js'

export interface Issuers {
  v1: string
  v2: string
}

export function entraIssuers(
  config: Pick<ResolvedConfig, 'tokens'>,
  authority: string,
  tenantId: string,
): Issuers {
  return config.tokens.realIssuers
    ? { v1: `https://sts.windows.net/${tenantId}/`, v2: `https://login.microsoftonline.com/${tenantId}/v2.0` }
    : { v1: `${authority}/${tenantId}/`, v2: `${authority}/${tenantId}/v2.0` }
}
