/** GetRoleReferenceRules: a binding's roleRef resolved against a snapshot, with the lister's NotFound texts. */
import { goQuote } from '../kube/index.js'
import type { NormalizedBinding } from './normalize.js'
import type { RbacSnapshot } from './snapshot.js'
import type { PolicyRule } from './types.js'

export type RoleResolution = { rules: PolicyRule[] } | { error: string }

export function resolveRoleRef(snapshot: RbacSnapshot, binding: NormalizedBinding): RoleResolution {
  const { kind, name } = binding.roleRef
  if (kind === 'ClusterRole') {
    const role = snapshot.clusterRoles.get(name)
    return role
      ? { rules: role.rules }
      : { error: `clusterrole.rbac.authorization.k8s.io ${goQuote(name)} not found` }
  }
  if (kind === 'Role') {
    // A ClusterRoleBinding looks its Role up in namespace "", where no Role can exist.
    const role = snapshot.roles.get(`${binding.namespace}/${name}`)
    return role
      ? { rules: role.rules }
      : { error: `role.rbac.authorization.k8s.io ${goQuote(name)} not found` }
  }
  return { error: `unsupported role reference kind: ${goQuote(kind)}` }
}
