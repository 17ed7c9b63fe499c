/**
 * `endpoints.json`: where every running service listens and who is in the directory. Tests and tools
 * read it instead of guessing ports. Keys of services that are not built yet are absent.
 */
import type { Directory } from '../kernel/directory.js'

export interface Endpoints {
  tenantId: string
  tenantDomain: string
  /** Origin of the Entra host; a tenant's authority is `authority + "/" + tenantId`. */
  authority: string
  /** Where users enter device codes. */
  deviceLogin: string
  admin: string
  caFile: string
  stateDir: string
  kubeconfigs: Record<string, string>
  directory: {
    users: { upn: string; oid: string; displayName: string; userType: string; accountEnabled: boolean }[]
    groups: { name: string; oid: string }[]
    applications: { name: string; appId: string; servicePrincipalId: string; secret?: string }[]
  }
  [service: string]: unknown
}

export function directorySummary(directory: Directory): Endpoints['directory'] {
  return {
    users: directory.users().map((u) => ({
      upn: u.userPrincipalName,
      oid: u.id,
      displayName: u.displayName,
      userType: u.userType,
      accountEnabled: u.accountEnabled,
    })),
    groups: directory.groups().map((g) => ({ name: g.displayName, oid: g.id })),
    applications: directory.applications().map((a) => ({
      name: a.name,
      appId: a.appId,
      servicePrincipalId: a.servicePrincipalId,
      ...(a.secrets[0] && { secret: a.secrets[0].value }),
    })),
  }
}
