/**
 * The listeners of a started simulator as fuzz targets: each with its routes (ids of the demo tenant
 * filled in) and the credentials that let a share of the requests past authentication.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { AZURE_CLI_APP_ID, type Simulator } from '../../src/index.js'
import type { FuzzTarget } from './fuzz-harness.js'

/** A user token for `scope` through a real device-code sign-in over HTTP (approved as `upn`). */
export async function userToken(sim: Simulator, scope: string, upn = 'alice@contoso.onmicrosoft.com') {
  const base = `${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0`
  const form = (o: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(o).toString(),
  })
  const dc = (await (
    await fetch(`${base}/devicecode`, form({ client_id: AZURE_CLI_APP_ID, scope }))
  ).json()) as {
    device_code: string
    user_code: string
  }
  sim.approveDeviceCode(dc.user_code, upn)
  const t = (await (
    await fetch(
      `${base}/token`,
      form({ grant_type: 'device_code', client_id: AZURE_CLI_APP_ID, device_code: dc.device_code }),
    )
  ).json()) as { access_token: string }
  if (!t.access_token) throw new Error(`no token for ${scope}: ${JSON.stringify(t)}`)
  return t.access_token
}

const ids = (sim: Simulator) => {
  const ep = sim.endpoints
  const c = ep.cluster as { resourceId: string; subscriptionId: string; resourceGroup: string }
  return {
    tid: ep.tenantId,
    user: ep.directory.users[0]!.oid,
    upn: ep.directory.users[0]!.upn,
    group: ep.directory.groups[0]!.oid,
    cluster: c.resourceId,
    sub: c.subscriptionId,
    rg: c.resourceGroup,
  }
}

export function entraTarget(sim: Simulator): FuzzTarget {
  const { tid } = ids(sim)
  return {
    url: sim.endpoints.authority,
    routes: [
      `/${tid}/v2.0/.well-known/openid-configuration`,
      `/${tid}/oauth2/v2.0/token`,
      `/${tid}/oauth2/v2.0/devicecode`,
      `/${tid}/oauth2/token`,
      `/${tid}/oauth2/devicecode`,
      `/organizations/oauth2/v2.0/token`,
      `/common/oauth2/v2.0/devicecode`,
      `/${tid}/.well-known/openid-configuration`,
      `/common/discovery/instance`,
      `/${tid}/discovery/v2.0/keys`,
      `/common/discovery/keys`,
      `/contoso.onmicrosoft.com/oauth2/v2.0/token`,
      `/devicelogin`,
      `/devicelogin/account`,
      `/devicelogin/decide`,
      `/nope/oauth2/v2.0/token`,
    ],
  }
}

export function graphTarget(sim: Simulator, token: string): FuzzTarget {
  const { user, upn, group } = ids(sim)
  return {
    url: sim.endpoints.graph as string,
    credentials: [{ authorization: `Bearer ${token}` }],
    routes: [
      '/v1.0/me',
      '/v1.0/me/memberOf',
      '/v1.0/me/getMemberGroups',
      `/v1.0/users`,
      `/v1.0/users/${user}`,
      `/v1.0/users/${encodeURIComponent(upn)}`,
      `/v1.0/users/${user}/getMemberGroups`,
      `/v1.0/users/${user}/getMemberObjects`,
      `/v1.0/users/${user}/checkMemberGroups`,
      `/v1.0/users/${user}/transitiveMemberOf`,
      `/v1.0/groups`,
      `/v1.0/groups/${group}`,
      `/v1.0/groups/${group}/members`,
      `/v1.0/servicePrincipals`,
      `/v1.0/directoryObjects/getByIds`,
      `/v1.0/directoryObjects/${user}`,
      `/v1.0/applications/00000000-0000-0000-0000-000000000000/federatedIdentityCredentials`,
      `/beta/users/${user}`,
      `/v1.0/$metadata`,
    ],
  }
}

export function armTarget(sim: Simulator, token: string): FuzzTarget {
  const { cluster, sub, rg } = ids(sim)
  const v = '?api-version=2024-09-01'
  return {
    url: sim.endpoints.arm as string,
    credentials: [{ authorization: `Bearer ${token}` }],
    routes: [
      `${cluster}${v}`,
      `${cluster}/listClusterUserCredential${v}`,
      `${cluster}/listClusterAdminCredential${v}`,
      `${cluster}/providers/Microsoft.Authorization/roleAssignments${'?api-version=2022-04-01'}`,
      `${cluster}/providers/Microsoft.Authorization/roleAssignments/11111111-1111-1111-1111-111111111111?api-version=2022-04-01`,
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`,
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters${v}`,
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`,
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/federatedIdentityCredentials/f1?api-version=2023-01-31`,
      `/subscriptions/${sub}/resourcegroups`,
      `/subscriptions`,
      `/providers/Microsoft.Authorization/roleAssignments`,
    ],
  }
}

/** The webhook kubeconfig's client certificate: what the API server presents to guard. */
export function kubeconfigClientCert(file: string): { cert: string; key: string } {
  const kc = parse(readFileSync(file, 'utf8')) as {
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[]
  }
  const u = kc.users[0]!.user
  return {
    cert: Buffer.from(u['client-certificate-data'], 'base64').toString(),
    key: Buffer.from(u['client-key-data'], 'base64').toString(),
  }
}

export function apiServerTarget(sim: Simulator): FuzzTarget {
  return {
    url: sim.endpoints.apiServer as string,
    credentials: [{ authorization: `Bearer ${sim.kube.staticToken.token}` }],
    routes: [
      '/api',
      '/apis',
      '/version',
      '/healthz',
      '/readyz?verbose',
      '/openapi/v2',
      '/openapi/v3',
      '/api/v1',
      '/api/v1/namespaces',
      '/api/v1/namespaces/default',
      '/api/v1/namespaces/default/configmaps',
      '/api/v1/namespaces/default/configmaps/fuzz',
      '/api/v1/namespaces/default/secrets',
      '/api/v1/namespaces/default/pods',
      '/api/v1/namespaces/default/serviceaccounts/default/token',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/fuzz',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      '/apis/apps/v1/namespaces/default/deployments',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    ],
  }
}

export function webhookTarget(sim: Simulator): FuzzTarget {
  const ep = sim.endpoints as unknown as { webhook: { url: string }; kubeconfigs: { webhookAuthn: string } }
  return {
    url: ep.webhook.url,
    clientCert: kubeconfigClientCert(ep.kubeconfigs.webhookAuthn),
    routes: ['/tokenreviews', '/subjectaccessreviews', '/authenticate', '/authorize', '/healthz', '/readyz'],
  }
}

export function workloadIdentityWebhookTarget(sim: Simulator): FuzzTarget {
  const ep = sim.endpoints as unknown as { workloadIdentityWebhook: { url: string } }
  const url = new URL(ep.workloadIdentityWebhook.url)
  return { url: url.origin, routes: [url.pathname, `${url.pathname}?timeout=10s`, '/healthz', '/readyz'] }
}

export function oidcIssuerTarget(sim: Simulator): FuzzTarget {
  const ep = sim.endpoints as unknown as { oidcIssuer: { url: string; clusters: Record<string, string> } }
  const paths = Object.values(ep.oidcIssuer.clusters).map((u) => new URL(u).pathname)
  return {
    url: ep.oidcIssuer.url,
    routes: paths.flatMap((p) => [`${p}.well-known/openid-configuration`, `${p}openid/v1/jwks`, p]),
  }
}

export function imdsTarget(sim: Simulator): FuzzTarget {
  const token = '/metadata/identity/oauth2/token'
  return {
    url: sim.endpoints.imds as string,
    credentials: [{ metadata: 'true' }],
    routes: [
      `${token}?api-version=2018-02-01&resource=https://management.azure.com/`,
      `${token}?api-version=2019-08-01&resource=https://vault.azure.net&client_id=00000000-0000-0000-0000-000000000000`,
      `${token}?api-version=2018-02-01&resource=https://management.azure.com/&mi_res_id=/subscriptions/x`,
      `//${token.slice(1)}?api-version=2018-02-01&resource=x`,
      '/metadata/instance?api-version=2021-02-01',
      '/metadata/instance/compute?api-version=2021-02-01&format=text',
      '/host/token',
      '/pods/default/fuzz/metadata/identity/oauth2/token?resource=x',
    ],
  }
}

export function adminTarget(sim: Simulator): FuzzTarget {
  const { user, group } = ids(sim)
  return {
    url: sim.endpoints.admin,
    // The admin token (docs/security.md): without it every request stops at the 401.
    credentials: [{ authorization: `Bearer ${sim.adminToken}` }],
    routes: [
      '/health',
      '/endpoints',
      '/device-codes',
      '/device-codes/ABCDEFGHJ/approve',
      '/device-codes/ABCDEFGHJ/decline',
      '/clock',
      '/clock/advance',
      '/keys',
      '/keys/rotate',
      '/faults',
      '/faults/entra.token',
      '/faults/nope',
      '/requests',
      '/events',
      `/directory/users/${user}`,
      `/directory/groups/${group}/members`,
      `/directory/groups/${group}/members/${user}`,
      '/pod-identity/pods',
      '/pod-identity/pods/default/fuzz',
      '/pod-identity/pods/default/fuzz/env',
      '/pod-identity/issuers/aks-demo',
      '/pod-identity/webhook',
      '/pod-identity/federation',
      '/pod-identity/nmi',
      '/pod-identity/serviceaccounts/default/default/token',
      '/pod-identity/mutating-webhook-configuration',
    ],
  }
}

export function uiTarget(sim: Simulator): FuzzTarget {
  const { user, group } = ids(sim)
  return {
    url: sim.endpoints.ui as string,
    routes: [
      '/',
      '/index.html',
      '/app.js',
      '/devicelogin',
      '/devicelogin/account',
      '/devicelogin/decide',
      '/api/state',
      '/api/flows',
      '/api/flows/1',
      '/api/stream/stats',
      '/api/directory',
      '/api/access/assignments',
      '/api/access/bindings',
      '/api/access/check',
      '/api/access/who-can',
      '/api/device-codes',
      '/api/device-codes/ABCDEFGHJ/approve',
      '/api/clock/advance',
      '/api/keys/rotate',
      '/api/faults',
      '/api/faults/entra.token',
      '/api/azure/role-assignments',
      '/api/azure/role-assignments/x',
      '/api/kubernetes/bindings',
      '/api/kubernetes/bindings/ClusterRoleBinding/x',
      `/api/directory/users/${user}`,
      `/api/directory/groups/${group}/members`,
    ],
  }
}
