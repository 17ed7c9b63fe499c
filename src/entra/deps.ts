import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import type { KeyStore } from '../kernel/keys.js'
import type { ResolvedConfig } from '../config/index.js'
import type { DeviceCodeStore } from './device-codes.js'
import type { RefreshTokenStore } from './refresh-tokens.js'
import type { Issuers } from './claims.js'

/** Everything the Entra slice needs, injected by the composition root. */
export interface EntraDeps {
  directory: Directory
  keys: KeyStore
  clock: Clock
  events: EventBus
  faults: FaultRegistry
  config: ResolvedConfig
  deviceCodes: DeviceCodeStore
  refreshTokens: RefreshTokenStore
  /** Origin of the Entra host, e.g. `https://127.0.0.1:8440`. */
  authority: () => string
  /** Host (and port) of the Graph service, advertised as `msgraph_host`. */
  graphHost: () => string
  issuers: () => Issuers
  /** Where users enter device codes (`verification_uri`); default `<authority>/devicelogin`. */
  deviceLoginUri?: () => string
}
