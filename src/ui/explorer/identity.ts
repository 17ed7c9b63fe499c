/**
 * A directory user as the cluster sees them after the webhook: username = upn, or the object id for
 * guests (their tokens carry no upn); groups = the token's groups claim (filtered as the AKS server
 * app's groupMembershipClaims says), or every transitive group through Graph when the user has more
 * than 200 (the overage claim); extra.oid; plus `system:authenticated` from the API server.
 */
import { GROUPS_CLAIM_LIMIT } from '../../entra/index.js'
import type { Directory, Group, User } from '../../kernel/directory.js'

export interface ClusterIdentity {
  upn: string
  oid: string
  displayName: string
  userType: string
  accountEnabled: boolean
  /** The Kubernetes username. */
  username: string
  /** Group object ids, then `system:authenticated`. */
  groups: string[]
  groupsSource: 'claim' | 'graph' | 'none'
  extra: { oid: string[] }
}

export function clusterIdentity(directory: Directory, user: User, serverAppId: string): ClusterIdentity {
  const mode = directory.application(serverAppId)?.groupMembershipClaims ?? 'None'
  const all = directory.transitiveGroups(user.id)
  const claimed = all.filter((g) => mode === 'All' || g.securityEnabled)
  let groups: Group[] = []
  let source: ClusterIdentity['groupsSource'] = 'none'
  if (mode !== 'None' && claimed.length <= GROUPS_CLAIM_LIMIT) {
    groups = claimed
    source = 'claim'
  } else if (mode !== 'None') {
    // Overage: guard asks Graph getMemberGroups with securityEnabledOnly false — every group.
    groups = all
    source = 'graph'
  }
  return {
    upn: user.userPrincipalName,
    oid: user.id,
    displayName: user.displayName,
    userType: user.userType,
    accountEnabled: user.accountEnabled,
    username: user.userType === 'Guest' ? user.id : user.userPrincipalName,
    groups: [...groups.map((g) => g.id), 'system:authenticated'],
    groupsSource: source,
    extra: { oid: [user.id] },
  }
}

export interface DirectoryView {
  users: (ClusterIdentity & { directGroups: string[] })[]
  groups: {
    id: string
    name: string
    description: string | undefined
    /** Direct members: users by UPN, groups by name, service principals by app name. */
    members: string[]
    /**
     * Users and service principals that are members only through a nested group (Entra's transitive
     * membership, which getMemberGroups and the groups claim count), each with the direct member group
     * it comes through: `all-employees` holds `engineering`, so bob is a member via engineering.
     */
    nestedMembers: { name: string; via: string }[]
    /** Groups this group is a direct member of (nesting). */
    memberOf: string[]
    transitiveUserCount: number
  }[]
}

const nameOf = (directory: Directory, id: string): string => {
  const o = directory.object(id)
  if (!o) return id
  return o.kind === 'user' ? o.userPrincipalName : o.kind === 'group' ? o.displayName : o.application.name
}

function nestedMembers(directory: Directory, groupId: string): { name: string; via: string }[] {
  const direct = directory.directMembers(groupId)
  const seen = new Set(direct.map((m) => m.id))
  const out: { name: string; via: string }[] = []
  for (const child of direct) {
    if (child.kind !== 'group') continue
    for (const m of directory.transitiveMembers(child.id)) {
      if (m.kind === 'group' || seen.has(m.id)) continue
      seen.add(m.id)
      out.push({ name: nameOf(directory, m.id), via: child.displayName })
    }
  }
  return out
}

export function directoryView(directory: Directory, serverAppId: string): DirectoryView {
  return {
    users: directory.users().map((u) => ({
      ...clusterIdentity(directory, u, serverAppId),
      directGroups: directory.directGroups(u.id).map((g) => g.displayName),
    })),
    groups: directory.groups().map((g) => ({
      id: g.id,
      name: g.displayName,
      description: g.description,
      members: directory.directMembers(g.id).map((m) => nameOf(directory, m.id)),
      nestedMembers: nestedMembers(directory, g.id),
      memberOf: directory.directGroups(g.id).map((p) => p.displayName),
      transitiveUserCount: directory.transitiveMembers(g.id).filter((m) => m.kind === 'user').length,
    })),
  }
}
