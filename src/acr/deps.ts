/** What the registry's HTTP surface is built from (routes.ts and content-routes.ts). */
import type { EventBus } from '../kernel/events.js'
import type { RegistryContent } from './content.js'
import type { TokenServerDeps } from './token-server.js'

export interface RegistryAppDeps {
  tokens: TokenServerDeps
  content: RegistryContent
  events: EventBus
  onUnexpected: (err: unknown) => void
}
