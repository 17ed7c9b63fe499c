/**
 * The Graph service in process, without sockets, called with a real app-only token signed for a
 * directory application (what the webhook's Graph client holds): for tests that look inside the
 * service and for the Graph benchmark's in-process part.
 */
import { appAccessTokenClaims, grantedAppRoles } from '../../src/entra/app-tokens.js'
import { signToken } from '../../src/entra/signer.js'
import { createGraphService } from '../../src/graph/service.js'
import type { Issuers } from '../../src/entra/claims.js'
import { createClock, type Clock } from '../../src/kernel/clock.js'
import type { Directory } from '../../src/kernel/directory.js'
import { createEventBus } from '../../src/kernel/events.js'
import { createFaultRegistry } from '../../src/kernel/faults.js'
import { loadOrCreateKeyStore, type KeyStore } from '../../src/kernel/keys.js'
import { GRAPH_APP_ID } from '../../src/kernel/first-party.js'

export interface InProcessGraph {
  /** Calls the service as the app: method, path, an optional JSON body. */
  call: (
    method: string,
    path: string,
    body?: unknown,
  ) => ReturnType<ReturnType<typeof createGraphService>['handle']>
}

/**
 * `directory` is what the service reads (it may wrap `tokens`, the directory the app and Graph come
 * from, e.g. to refuse whole-directory scans).
 */
/**
 * What a Graph service under test needs to trust a caller: a clock, a key store, the issuers, and an
 * app-only Graph token (v1, its granted roles) signed for the directory application `appId`.
 */
export async function graphAppToken(
  tokens: Directory,
  appId: string,
): Promise<{ clock: Clock; keys: KeyStore; issuers: Issuers; jwt: string }> {
  const clock = createClock()
  const keys = await loadOrCreateKeyStore({ stateDir: undefined, clock, rotationGraceMs: 0 })
  const issuers = { v1: `https://t/${tokens.tenant.id}/`, v2: `https://t/${tokens.tenant.id}/v2.0` }
  const client = tokens.application(appId)!
  const graph = tokens.application(GRAPH_APP_ID)!
  const claims = appAccessTokenClaims({
    client,
    resource: {
      app: graph,
      audience: 'https://graph.microsoft.com',
      permissions: grantedAppRoles(client, graph),
      requestedScopes: [],
      isDefault: true,
    },
    clientAuth: 'secret',
    tenantId: tokens.tenant.id,
    issuers,
    now: clock.nowSeconds(),
    lifetime: 3600,
  })
  const { jwt } = await signToken(keys, claims, { v1: true })
  return { clock, keys, issuers, jwt }
}

export async function inProcessGraph(
  directory: Directory,
  appId: string,
  tokens: Directory = directory,
): Promise<InProcessGraph> {
  const { clock, keys, issuers, jwt } = await graphAppToken(tokens, appId)
  const service = createGraphService({
    directory,
    keys,
    clock,
    events: createEventBus(() => clock.now()),
    faults: createFaultRegistry(),
    issuers: () => issuers,
    authority: () => 'https://t',
    baseUrl: () => 'https://g',
  })
  return {
    call: (method, path, body) =>
      service.handle({
        method,
        path,
        query: {},
        authorization: `Bearer ${jwt}`,
        consistencyLevel: 'eventual',
        contentType: 'application/json',
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      }),
  }
}
