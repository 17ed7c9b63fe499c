import { clientCredentialsGrant } from './client-credentials.js'
import { deviceCodeGrant } from './device-code.js'
import { onBehalfOfGrant } from './on-behalf-of.js'
import { refreshTokenGrant } from './refresh-token.js'
import type { GrantHandler } from './types.js'

/** The grant registry: `grant_type` → handler. New grants register here. */
export function createGrantRegistry(
  handlers: GrantHandler[] = [deviceCodeGrant, refreshTokenGrant, clientCredentialsGrant, onBehalfOfGrant],
): Map<string, GrantHandler> {
  const registry = new Map<string, GrantHandler>()
  for (const h of handlers) for (const t of h.grantTypes) registry.set(t, h)
  return registry
}
