/**
 * "Who can VERB RESOURCE in NAMESPACE?" three ways: every directory user with the chain's answer,
 * the Kubernetes RBAC subjects whose bindings allow it, and the Azure role assignments that grant
 * the mapped data action at the request's scope or above.
 */
import {
  azureDirectoryFrom,
  isWithin,
  mapSarToDataAction,
  roleGrants,
  scopeFor,
} from '../../azure-rbac/index.js'
import { checkAccess, rbacRequestOf, specFor, type AccessQuery, type CheckDeps } from './check.js'
import { clusterIdentity } from './identity.js'

export interface WhoCanAnswer {
  dataAction?: string
  scope?: string
  users: { upn: string; displayName: string; allowed: boolean; decidedBy: string; reason: string }[]
  kubernetes: { subject: string; binding: string; role: string; reason: string }[]
  azure: { principal: string; principalType: string; role: string; scope: string; assignmentId: string }[]
  errors: string[]
}

export function whoCan(deps: CheckDeps, q: Omit<AccessQuery, 'user'>): WhoCanAnswer {
  const users = deps.directory.users().map((u) => {
    const a = checkAccess(deps, u, { ...q, user: u.id })
    return {
      upn: u.userPrincipalName,
      displayName: u.displayName,
      allowed: a.allowed,
      decidedBy: a.decidedBy,
      reason: a.reason,
    }
  })
  const answer: WhoCanAnswer = { users, kubernetes: [], azure: [], errors: [] }
  const anyUser = deps.directory.users()[0]
  if (!anyUser) return answer
  const spec = specFor(clusterIdentity(deps.directory, anyUser, deps.config.webhook.audience), {
    ...q,
    user: '',
  })
  const label = (kind: string, name: string) => {
    const g = kind === 'Group' ? deps.directory.group(name) : undefined
    const u = kind === 'User' ? deps.directory.user(name) : undefined
    return `${kind} ${name}${g ? ` (${g.displayName})` : u && u.userPrincipalName !== name ? ` (${u.userPrincipalName})` : ''}`
  }
  if (deps.kubernetes) {
    const r = deps.kubernetes.rbac.whoCan(rbacRequestOf(spec))
    answer.errors.push(...r.errors)
    answer.kubernetes = r.entries.map((e) => ({
      subject: `${label(e.subject.kind, e.subject.name)}${e.subject.namespace ? ` in ${e.subject.namespace}` : ''}`,
      binding: `${e.binding.kind} ${e.binding.namespace ? `${e.binding.namespace}/` : ''}${e.binding.name}`,
      role: `${e.role.kind} ${e.role.name}`,
      reason: e.reason,
    }))
  }
  if (deps.azure?.enabled()) {
    const mapped = mapSarToDataAction(spec)
    const scope = scopeFor(spec, deps.azure.clusterResourceId)
    answer.dataAction = mapped.actionId
    answer.scope = scope
    const principals = azureDirectoryFrom(deps.directory)
    for (const a of deps.azure.rbac.roleAssignments()) {
      const role = deps.azure.rbac.roleDefinition(a.roleDefinitionId)
      if (!role || !isWithin(scope, a.scope)) continue
      if (!mapped.patterns.every((p) => roleGrants(role, p, true).granted)) continue
      answer.azure.push({
        principal: principals.findPrincipal(a.principalId)?.displayName ?? a.principalId,
        principalType: a.principalType,
        role: role.roleName,
        scope: a.scope,
        assignmentId: a.id,
      })
    }
  }
  return answer
}
