import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, demoScenario } from '../../src/index.js'
import { createDirectory } from '../../src/kernel/directory.js'
import { firstPartyApplications } from '../../src/kernel/first-party.js'
import { loadScenarioFile, validateScenario } from '../../src/scenario/load.js'
import { scenarioSchema } from '../../src/scenario/schema.js'

const T = '11111111-2222-4333-8444-555555555555'
const G1 = 'aaaaaaaa-0000-4000-8000-000000000001'
const G2 = 'aaaaaaaa-0000-4000-8000-000000000002'
const U1 = 'bbbbbbbb-0000-4000-8000-000000000001'

function problems(value: unknown): string[] {
  try {
    validateScenario(value, 's.yaml')
    return []
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
}

describe('scenario validation', () => {
  it('accepts the built-in demo tenant', () => {
    expect(problems(demoScenario())).toEqual([])
  })

  it('names the path and the reason of every problem at once', () => {
    const p = problems({
      tenant: { id: 'not-a-guid', domain: 'contoso.onmicrosoft.com', colour: 'blue' },
      users: [{ userPrincipalName: 'x@y.z', id: U1, displayName: 'X', userType: 'Robot' }],
      groups: [{ displayName: 'g', id: G1, members: { users: ['nobody@y.z'], groups: ['missing'] } }],
    })
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^s\.yaml: tenant: unknown key 'colour'$/),
        expect.stringMatching(/^s\.yaml: tenant\.id: must match pattern/),
        expect.stringMatching(/^s\.yaml: users\[0\]\.userType: must be one of \["Member","Guest"\]$/),
      ]),
    )
    const refs = problems({
      tenant: { id: T, domain: 'contoso.onmicrosoft.com' },
      users: [{ userPrincipalName: 'x@y.z', id: U1, displayName: 'X' }],
      groups: [{ displayName: 'g', id: G1, members: { users: ['nobody@y.z'], groups: ['missing'] } }],
      applications: [{ name: 'a', appId: G2, permissions: [{ resource: 'api://nothing' }] }],
    })
    expect(refs).toEqual([
      "s.yaml: groups[0].members.users[0]: no user 'nobody@y.z'",
      "s.yaml: groups[0].members.groups[0]: no group 'missing'",
      "s.yaml: applications[0].permissions[0].resource: no application with appId or identifier URI 'api://nothing'",
    ])
    expect(
      problems({
        tenant: { id: T, domain: 'c.onmicrosoft.com' },
        users: [{ userPrincipalName: 'a@b.c', id: G1, displayName: 'A' }],
        groups: [{ displayName: 'g', id: G1 }],
      }),
    ).toEqual([`s.yaml: object id ${G1} is used by more than one user, group or service principal`])
  })

  it('loads YAML files and reports YAML syntax errors with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'))
    const good = join(dir, 'good.yaml')
    writeFileSync(
      good,
      `tenant:\n  id: ${T}\n  domain: fabrikam.onmicrosoft.com\nusers:\n  - userPrincipalName: ann@fabrikam.onmicrosoft.com\n    id: ${U1}\n    displayName: Ann\n`,
    )
    expect(loadScenarioFile(good).users![0]!.displayName).toBe('Ann')
    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, 'tenant: [unclosed')
    expect(() => loadScenarioFile(bad)).toThrow(/bad\.yaml/)
  })

  it('publishes the schema in docs/scenario.schema.json (regenerate with npm run docs:schema)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../docs/scenario.schema.json', import.meta.url), 'utf8'),
    )
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioSchema)))
  })
})

describe('directory', () => {
  const dir = createDirectory(validateScenario(demoScenario()), firstPartyApplications)

  it('computes nested membership transitively and tolerates cycles', () => {
    const bob = dir.user('bob@contoso.onmicrosoft.com')!
    expect(
      dir
        .transitiveGroups(bob.id)
        .map((g) => g.displayName)
        .sort(),
    ).toEqual(['all-employees', 'engineering'])
    expect(dir.transitiveGroups(dir.user('dave@contoso.onmicrosoft.com')!.id)).toHaveLength(250)
    const eng = dir.group('engineering')!
    const all = dir.group('all-employees')!
    dir.addMember(eng.id, all.id) // a cycle: engineering ⊂ all-employees ⊂ engineering
    expect(
      dir
        .transitiveGroups(bob.id)
        .map((g) => g.displayName)
        .sort(),
    ).toEqual(['all-employees', 'engineering'])
    expect(dir.transitiveMembers(all.id).map((m) => m.id)).toContain(bob.id)
    dir.removeMember(eng.id, all.id)
  })

  it('resolves users by upn (case-insensitive) or id, apps by appId, name or identifier URI', () => {
    expect(dir.user('BOB@contoso.onmicrosoft.com')?.displayName).toBe('Bob Builder')
    expect(dir.resource('https://graph.microsoft.com/')?.appId).toBe('00000003-0000-0000-c000-000000000000')
    expect(dir.application('aks-webhook')?.secrets).toHaveLength(1)
    expect(dir.isTenant('CONTOSO.onmicrosoft.com')).toBe(true)
  })
})
