import type { Issuers } from '../entra/index.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import type { KeyStore } from '../kernel/keys.js'

/** Everything the Graph slice needs, injected by the composition root. */
export interface GraphDeps {
  directory: Directory
  /** Entra's signing keys: Graph trusts exactly what the simulator's JWKS publishes. */
  keys: KeyStore
  clock: Clock
  events: EventBus
  faults: FaultRegistry
  issuers: () => Issuers
  /** Origin of the Entra host, for `WWW-Authenticate: … authorization_uri`. */
  authority: () => string
  /** Origin of this Graph listener, e.g. `https://127.0.0.1:8441`: `@odata.nextLink`s point here. */
  baseUrl: () => string
}
