/**
 * Membership lookups over the directory's two-way index: a principal's direct or transitive groups
 * (memoised by the directory until the next change) and a group's direct or transitive members
 * (memoised here per directory version). Nothing here scans the whole directory: the cost is the size
 * of the answer. Changes made through the admin API bump the directory version, so Graph sees them
 * on the next request.
 */
import type { Directory, DirectoryObject, Group } from '../kernel/directory.js'

/** Graph's ceiling for getMemberGroups / getMemberObjects results. */
export const MEMBER_GROUPS_LIMIT = 11_000

export interface MembershipView {
  groupsOf(objectId: string, transitive: boolean): Group[]
  /** Transitive group ids as a set, for checkMemberGroups. */
  groupIdSet(objectId: string): Set<string>
  membersOf(groupId: string, transitive: boolean): DirectoryObject[]
}

export function createMembershipView(directory: Directory, maxCached = 256): MembershipView {
  let version = directory.version()
  let members = new Map<string, DirectoryObject[]>()
  let idSets = new Map<string, Set<string>>()
  const fresh = () => {
    if (directory.version() !== version) {
      version = directory.version()
      members = new Map()
      idSets = new Map()
    }
  }
  // A bounded cache: when full, start over rather than grow without limit.
  const remember = <V>(cache: Map<string, V>, key: string, value: V) => {
    if (cache.size >= maxCached) cache.clear()
    cache.set(key, value)
    return value
  }
  return {
    groupsOf: (id, transitive) => (transitive ? directory.transitiveGroups(id) : directory.directGroups(id)),
    groupIdSet(id) {
      fresh()
      return idSets.get(id) ?? remember(idSets, id, new Set(directory.transitiveGroups(id).map((g) => g.id)))
    },
    membersOf(groupId, transitive) {
      if (!transitive) return directory.directMembers(groupId)
      fresh()
      return members.get(groupId) ?? remember(members, groupId, directory.transitiveMembers(groupId))
    },
  }
}
