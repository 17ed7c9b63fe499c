/**
 * Membership lookups must never scan the whole directory: the Graph service runs every membership call
 * against a directory whose whole-directory listings throw.
 */
import { describe, expect, it } from 'vitest'
import { createDirectory, type Directory } from '../../src/kernel/directory.js'
import { firstPartyApplications } from '../../src/kernel/first-party.js'
import { inProcessGraph } from '../helpers/graph-in-process.js'
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
    const real = createDirectory(graphScenario(), firstPartyApplications)
    const { call } = await inProcessGraph(noScan(real), READER.appId, real)
    const dave = real.user('dave@contoso.onmicrosoft.com')!.id
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
