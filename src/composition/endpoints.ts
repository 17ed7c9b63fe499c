/**
 * `endpoints.json`: where every running service listens and who is in the directory. Tests and tools
 * read it instead of guessing ports. Keys of services that are not built yet are absent. It holds no
 * secret: the applications' client secrets go to `secrets.json` (mode 0600) and the admin token to
 * `admin-token` (0600); `endpoints.json` names both files.
 */
import { join } from 'node:path'
import { adminTokenFile } from '../kernel/admin-token.js'
import type { Directory } from '../kernel/directory.js'
import type { Endpoints } from '../kernel/endpoints.js'
import { writeAtomic } from './state-files.js'

export type { Endpoints }

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

/** The clusters' facts ARM knows, as `endpoints.json` names them. */
export interface EndpointsCluster {
  name: string
  resourceGroup: string
  subscriptionId: string
  resourceId: string
}

/** Every service's URL and the files clients need, as `endpoints.json` and `GET /endpoints` give them. */
export function serviceEndpoints(o: {
  directory: Directory
  urls: {
    entra: string
    graph: string
    arm: string
    apiServer: string
    webhook: string
    ui: string
    admin: string
  }
  /** The webhook answers SubjectAccessReviews (Azure RBAC for Kubernetes). */
  webhookAuthorizes: boolean
  cluster: EndpointsCluster | undefined
  caFile: string
  stateDir: string
  kubeconfigs: Record<string, string>
  /** The names other machines use (`--public-host`); absent when there are none. */
  publicHosts: readonly string[]
  /** The pod-identity slice's keys (IMDS, the OIDC issuer, the workload identity webhook). */
  podIdentity: Record<string, unknown>
}): Endpoints {
  const { urls } = o
  return {
    tenantId: o.directory.tenant.id,
    tenantDomain: o.directory.tenant.domain,
    authority: urls.entra,
    deviceLogin: `${urls.ui}/devicelogin`,
    ui: urls.ui,
    graph: urls.graph,
    apiServer: urls.apiServer,
    arm: urls.arm,
    webhook: {
      url: urls.webhook,
      authenticate: `${urls.webhook}/tokenreviews`,
      ...(o.webhookAuthorizes && { authorize: `${urls.webhook}/subjectaccessreviews` }),
    },
    ...(o.cluster && {
      cluster: {
        name: o.cluster.name,
        resourceGroup: o.cluster.resourceGroup,
        subscriptionId: o.cluster.subscriptionId,
        resourceId: o.cluster.resourceId,
      },
    }),
    admin: urls.admin,
    adminTokenFile: adminTokenFile(o.stateDir),
    secretsFile: join(o.stateDir, SECRETS_FILE),
    ...(o.publicHosts.length > 0 && { publicHosts: [...o.publicHosts] }),
    caFile: o.caFile,
    stateDir: o.stateDir,
    kubeconfigs: o.kubeconfigs,
    directory: directorySummary(o.directory),
    ...o.podIdentity,
  }
}

/** The applications' client secrets, readable by the simulator's user only. */
export const SECRETS_FILE = 'secrets.json'

/**
 * Writes `<stateDir>/endpoints.json` (0644, without the client secrets) and `<stateDir>/secrets.json`
 * (0600: `{"applications":[{"name","appId","secret"}]}`).
 */
export function writeEndpointsFile(stateDir: string, endpoints: Endpoints): void {
  const applications = endpoints.directory.applications
  const secrets = applications.flatMap((a) =>
    a.secret === undefined ? [] : [{ name: a.name, appId: a.appId, secret: a.secret }],
  )
  writeAtomic(join(stateDir, SECRETS_FILE), JSON.stringify({ applications: secrets }, null, 2) + '\n', 0o600)
  const published: Endpoints = {
    ...endpoints,
    directory: {
      ...endpoints.directory,
      applications: applications.map(({ secret: _secret, ...rest }) => rest),
    },
  }
  writeAtomic(join(stateDir, 'endpoints.json'), JSON.stringify(published, null, 2) + '\n')
}
