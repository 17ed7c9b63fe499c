/**
 * Principal lookups for role assignments, backed by the simulator's tenant directory: a reference is
 * a user (UPN or object id), a group (display name or object id) or an application (name or appId,
 * standing for its service principal) or a service principal's object id.
 */
import type { Directory } from '../kernel/directory.js'
import type { AzureDirectory, Principal } from './model.js'

export function azureDirectoryFrom(directory: Directory): AzureDirectory {
  return {
    tenantId: directory.tenant.id,
    findPrincipal(ref: string): Principal | undefined {
      const user = directory.user(ref)
      if (user) return { id: user.id, type: 'User', displayName: user.displayName }
      const group = directory.group(ref)
      if (group) return { id: group.id, type: 'Group', displayName: group.displayName }
      const app = directory.application(ref)
      if (app) return { id: app.servicePrincipalId, type: 'ServicePrincipal', displayName: app.name }
      const obj = directory.object(ref)
      if (obj?.kind === 'servicePrincipal')
        return { id: obj.id, type: 'ServicePrincipal', displayName: obj.application.name }
      return undefined
    },
  }
}
