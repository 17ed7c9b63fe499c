/**
 * The `endpoints.json` document (and the admin API's `GET /endpoints`): where every running service
 * listens and who is in the directory. The composition root writes it; the admin API serves it; the CLI
 * reads it to find a running simulator. Keys of services that are not built yet are absent.
 */
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
  /** Container registries (docs/acr.md): `loginServer` is what clients put in `service` and tokens' `aud`. */
  registries?: {
    name: string
    loginServer: string
    url: string
    resourceId: string
    roleAssignmentMode: string
  }[]
  [service: string]: unknown
}
