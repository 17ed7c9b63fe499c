/**
 * Synthetic tenants for the Graph benchmark: a user in `groups` groups nested `depth` deep (the user is
 * a direct member of groups/depth chains, each chain `depth` groups long), plus `filler` unrelated
 * users and groups, so a lookup that scanned the directory would show up as directory size grows.
 */
import { demoScenario, type Scenario } from '../src/index.js'
import { stableGuid } from '../src/kernel/ids.js'

export const SYNTH_UPN = 'synth@contoso.onmicrosoft.com'
export const BENCH_APP = {
  name: 'bench-graph-reader',
  appId: stableGuid('bench', 'app'),
  secret: 'bench-graph-reader-secret',
}

const gid = (name: string) => stableGuid('bench', `group:${name}`)

export function syntheticScenario(groups: number, depth: number, filler: number): Scenario {
  const s = demoScenario()
  const chains = Math.ceil(groups / depth)
  const extra: NonNullable<Scenario['groups']> = []
  for (let c = 0; c < chains; c++) {
    for (let level = 0; level < depth && c * depth + level < groups; level++) {
      // Level 0 holds the user; level n holds level n-1 of the same chain.
      extra.push({
        displayName: `chain-${c}-level-${level}`,
        id: gid(`${c}:${level}`),
        members: level === 0 ? { users: [SYNTH_UPN] } : { groups: [gid(`${c}:${level - 1}`)] },
      })
    }
  }
  const fillerUsers = Array.from({ length: filler }, (_, i) => ({
    userPrincipalName: `filler-${i}@contoso.onmicrosoft.com`,
    id: stableGuid('bench', `filler-user:${i}`),
    displayName: `Filler ${i}`,
  }))
  const fillerGroups = fillerUsers.map((u, i) => ({
    displayName: `filler-group-${i}`,
    id: stableGuid('bench', `filler-group:${i}`),
    members: { users: [u.id] },
  }))
  s.users = [
    ...(s.users ?? []),
    { userPrincipalName: SYNTH_UPN, id: stableGuid('bench', 'synth'), displayName: 'Synthetic User' },
    ...fillerUsers,
  ]
  s.groups = [...(s.groups ?? []), ...extra, ...fillerGroups]
  s.applications = [
    ...(s.applications ?? []),
    {
      name: BENCH_APP.name,
      appId: BENCH_APP.appId,
      secrets: [{ value: BENCH_APP.secret }],
      permissions: [
        {
          resource: 'https://graph.microsoft.com',
          applicationPermissions: ['GroupMember.Read.All', 'User.Read.All'],
        },
      ],
    },
  ]
  return s
}
