// Each store that keeps run-time changes in the state dir: what it saved comes back in a new instance
// (as after a restart), and a change whose write fails is undone and fails, never acknowledged.
import { scenarioDirectory } from '../azure-rbac/fixtures.js'
import { describe, expect, it } from 'vitest'
import {
  azureDirectoryFrom,
  createAzureRbac,
  resolveAzureScenario,
  type RoleAssignmentChanges,
} from '../../src/azure-rbac/index.js'
import { createClock } from '../../src/kernel/clock.js'
import { createDirectory, type DirectoryChanges } from '../../src/kernel/directory.js'
import { createFaultRegistry, type ActiveFault } from '../../src/kernel/faults.js'
import { firstPartyApplications } from '../../src/kernel/first-party.js'
import { newGuid } from '../../src/kernel/ids.js'
import { memoryStateFile, type StateFile } from '../../src/kernel/state-file.js'
import {
  createFederatedCredentialStore,
  type FederatedCredentialChanges,
} from '../../src/pod-identity/federated-credentials.js'
import { demoScenario, validateScenario } from '../../src/scenario/index.js'

/** A state file on a full disk. */
function failing<T>(): StateFile<T> {
  return {
    path: '/full/disk.json',
    load: () => undefined,
    save: () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
    },
  }
}

const scenario = () => validateScenario(demoScenario())
const BOB = 'bob@contoso.onmicrosoft.com'
const FRANK = 'frank@contoso.onmicrosoft.com'

describe('directory changes', () => {
  it('come back over the scenario in a new directory', () => {
    const file = memoryStateFile<DirectoryChanges>()
    const a = createDirectory(scenario(), firstPartyApplications, file)
    const sre = a.group('sre')!
    const engineering = a.group('engineering')!
    a.setAccountEnabled(BOB, false)
    a.addMember(sre.id, a.user(FRANK)!.id)
    a.removeMember(engineering.id, a.user(BOB)!.id)
    const b = createDirectory(scenario(), firstPartyApplications, file)
    expect(b.user(BOB)!.accountEnabled).toBe(false)
    expect(b.directMembers(sre.id).map((m) => m.id)).toContain(b.user(FRANK)!.id)
    expect(b.directMembers(engineering.id).map((m) => m.id)).not.toContain(b.user(BOB)!.id)
    // Without the file, the scenario as it is.
    expect(createDirectory(scenario(), firstPartyApplications).user(BOB)!.accountEnabled).toBe(true)
  })

  it('a change that cannot be written is not made', () => {
    const d = createDirectory(scenario(), firstPartyApplications, failing())
    expect(() => d.setAccountEnabled(BOB, false)).toThrow('ENOSPC')
    expect(d.user(BOB)!.accountEnabled).toBe(true)
    expect(() => d.addMember(d.group('sre')!.id, d.user(FRANK)!.id)).toThrow('ENOSPC')
    expect(d.directMembers(d.group('sre')!.id).map((m) => m.id)).not.toContain(d.user(FRANK)!.id)
  })
})

describe('faults', () => {
  it('come back with their hits, and a fault used up is gone', () => {
    const file = memoryStateFile<ActiveFault[]>()
    const a = createFaultRegistry(file)
    a.set('graph.me', { status: 503, times: 3 })
    a.set('entra.token', { status: 500, times: 1 })
    a.take('graph.me')
    a.take('entra.token')
    expect(createFaultRegistry(file).list()).toEqual([
      { endpoint: 'graph.me', status: 503, times: 3, hits: 1 },
    ])
  })

  it('a fault that cannot be written is not set', () => {
    const f = createFaultRegistry(failing())
    expect(() => f.set('graph.me', { status: 503 })).toThrow('ENOSPC')
    expect(f.list()).toEqual([])
  })
})

describe('the clock offset', () => {
  it('starts where it was left; an advance that cannot be written does not move the clock', () => {
    let saved = 0
    const a = createClock(() => 0, { onAdvance: (o) => (saved = o) })
    a.advance(5000)
    expect(createClock(() => 0, { initialOffsetMs: saved }).now()).toBe(5000)
    const b = createClock(() => 0, {
      onAdvance: () => {
        throw new Error('ENOSPC')
      },
    })
    expect(() => b.advance(1000)).toThrow('ENOSPC')
    expect(b.offsetMs()).toBe(0)
  })
})

describe('Azure role assignments', () => {
  const rbacWith = (file: StateFile<RoleAssignmentChanges>) => {
    // As the composition root builds it: the managed identities (the kubelet's AcrPull) are principals too.
    const directory = scenarioDirectory(scenario())
    const azure = resolveAzureScenario(scenario().azure!, azureDirectoryFrom(directory))
    expect(azure.problems).toEqual([])
    return {
      directory,
      rbac: createAzureRbac(azure, {
        directory: azureDirectoryFrom(directory),
        newGuid,
        checkScope: azure.checkScope,
        changes: file,
      }),
      cluster: azure.clusters[0]!.resourceId,
    }
  }
  it('created and deleted ones come back over the scenario', () => {
    const file = memoryStateFile<RoleAssignmentChanges>()
    const a = rbacWith(file)
    const scenarioOne = a.rbac.roleAssignments()[0]!
    const created = a.rbac.createRoleAssignment({
      principalId: a.directory.user(FRANK)!.id,
      roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
      scope: a.cluster,
    })
    a.rbac.deleteRoleAssignment(scenarioOne.id)
    const ids = rbacWith(file)
      .rbac.roleAssignments()
      .map((x) => x.id)
    expect(ids).toContain(created.id)
    expect(ids).not.toContain(scenarioOne.id)
    expect(ids).toHaveLength(a.rbac.roleAssignments().length)
  })

  it('one that cannot be written is not created', () => {
    const a = rbacWith(failing())
    const before = a.rbac.roleAssignments().length
    expect(() =>
      a.rbac.createRoleAssignment({
        principalId: a.directory.user(FRANK)!.id,
        roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
        scope: a.cluster,
      }),
    ).toThrow('ENOSPC')
    expect(a.rbac.roleAssignments()).toHaveLength(before)
  })
})

describe('federated identity credentials', () => {
  const input = (name: string) => ({
    name,
    issuer: `https://issuer.example/${name}`,
    subject: `system:serviceaccount:dev:${name}`,
    audiences: ['api://AzureADTokenExchange'],
  })
  const clock = createClock(() => 1_000_000)
  it('created, replaced and deleted ones come back with their ids; scenario ones removed stay removed', () => {
    const file = memoryStateFile<FederatedCredentialChanges>()
    const store = () => {
      const s = createFederatedCredentialStore({ clock, changes: file })
      s.seed('app', input('seed-one'))
      s.seed('app', input('seed-two'))
      expect(s.restore()).toEqual([])
      return s
    }
    const a = store()
    const created = a.create('app', input('made-at-run-time'))
    a.remove('app', 'seed-one')
    a.put('app', 'seed-two', { ...input('seed-two'), subject: 'system:serviceaccount:dev:changed' })
    const b = store()
    expect(
      b
        .list('app')
        .map((f) => f.name)
        .sort(),
    ).toEqual(['made-at-run-time', 'seed-two'])
    expect(b.get('app', 'made-at-run-time')).toEqual(created)
    expect(b.get('app', 'seed-two')!.subject).toBe('system:serviceaccount:dev:changed')
  })

  it('one that cannot be written is not created', () => {
    const s = createFederatedCredentialStore({ clock, changes: failing() })
    expect(() => s.create('app', input('not-kept'))).toThrow('ENOSPC')
    expect(s.list('app')).toEqual([])
  })
})
