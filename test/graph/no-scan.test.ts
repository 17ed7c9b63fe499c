/**
 * Membership lookups must never scan the whole directory: the Graph service runs every membership call
 * against a directory whose whole-directory listings throw.
 */
import { describe, expect, it } from 'vitest'
import { appAccessTokenClaims, grantedAppRoles } from '../../src/entra/app-tokens.js'
import { signToken } from '../../src/entra/signer.js'
import { createGraphService } from '../../src/graph/service.js'
import { createClock } from '../../src/kernel/clock.js'
import { createDirectory, type Directory } from '../../src/kernel/directory.js'
import { createEventBus } from '../../src/kernel/events.js'
import { createFaultRegistry } from '../../src/kernel/faults.js'
import { loadOrCreateKeyStore } from '../../src/kernel/keys.js'
import { firstPartyApplications, GRAPH_APP_ID } from '../../src/scenario/first-party.js'
import { AUTOMATION_GROUP, graphScenario, READER } from './helpers.js'

function noScan(directory: Directory): Directory {
  const refuse = (name: string) => () => {
    throw new Error(`whole-directory scan: ${name}()`)
  }
  return Object.assign(Object.create(directory) as Directory, {
    users: refuse('users'),
    groups: refuse('groups'),
    applications: refuse('applications'),
  })
}

describe('membership lookups', () => {
  it('never list the whole directory', async () => {
    const clock = createClock()
    const real = createDirectory(graphScenario(), firstPartyApplications)
    const directory = noScan(real)
    const keys = await loadOrCreateKeyStore({ stateDir: undefined, clock, rotationGraceMs: 0 })
    const issuers = { v1: `https://t/${real.tenant.id}/`, v2: `https://t/${real.tenant.id}/v2.0` }
    const client = real.application(READER.appId)!
    const graph = real.application(GRAPH_APP_ID)!
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
      tenantId: real.tenant.id,
      issuers,
      now: clock.nowSeconds(),
      lifetime: 3600,
    })
    const { jwt } = await signToken(keys, claims, { v1: true })
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
    const dave = real.user('dave@contoso.onmicrosoft.com')!.id
    const call = (method: string, path: string, body?: unknown) =>
      service.handle({
        method,
        path,
        query: {},
        authorization: `Bearer ${jwt}`,
        consistencyLevel: 'eventual',
        contentType: 'application/json',
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      })
    const results = await Promise.all([
      call('POST', `/v1.0/users/${dave}/getMemberGroups`, { securityEnabledOnly: false }),
      call('POST', `/v1.0/users/${dave}/getMemberObjects`, { securityEnabledOnly: true }),
      call('POST', `/v1.0/users/${dave}/checkMemberGroups`, { groupIds: [AUTOMATION_GROUP.id] }),
      call('GET', `/v1.0/users/${dave}/memberOf`),
      call('GET', `/v1.0/users/${dave}/transitiveMemberOf/microsoft.graph.group`),
      call('GET', `/v1.0/users/${dave}/transitiveMemberOf/$count`),
      call('GET', `/v1.0/groups/${AUTOMATION_GROUP.id}/members`),
      call('GET', `/v1.0/groups/${AUTOMATION_GROUP.id}/transitiveMembers`),
      call('POST', '/v1.0/directoryObjects/getByIds', { ids: [dave, AUTOMATION_GROUP.id] }),
    ])
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200))
    expect((results[0].body as { value: string[] }).value).toHaveLength(251)
  })
})
