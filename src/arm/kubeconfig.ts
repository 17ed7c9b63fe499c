/**
 * The kubeconfigs listClusterUserCredential / listClusterAdminCredential return (Azure REST
 * API reference). The user kubeconfig has AKS's exec shape — `clusterUser_<rg>_<name>`, `get-token --login
 * devicecode --server-id … --client-id … --tenant-id … --environment AzurePublicCloud` — but runs this
 * repo's CLI by absolute paths (node + bin/aks-auth-sim.js) instead of `kubelogin`, with
 * `--authority-host` (a kubelogin flag) pointing at the simulator's Entra. The admin kubeconfig
 * authenticates with the masterclient certificate (and the local account token, when there is one).
 */
import { stringify } from 'yaml'
import type { ClusterCredentialSource, ResolvedCluster } from './deps.js'

export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630'
export const AKS_CLIENT_APP_ID = '80faf920-1908-4b52-b5ef-a8e7bedfc67a'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

export const userName = (c: ResolvedCluster) => `clusterUser_${c.resourceGroup}_${c.name}`
export const adminName = (c: ResolvedCluster) => `clusterAdmin_${c.resourceGroup}_${c.name}`

function clusterEntry(c: ResolvedCluster, server: string, caPem: string) {
  return { cluster: { 'certificate-authority-data': b64(caPem), server }, name: c.name }
}

function config(
  c: ResolvedCluster,
  server: string,
  caPem: string,
  context: string,
  user: string,
  userBody: Record<string, unknown>,
) {
  return stringify(
    {
      apiVersion: 'v1',
      clusters: [clusterEntry(c, server, caPem)],
      contexts: [{ context: { cluster: c.name, user }, name: context }],
      'current-context': context,
      kind: 'Config',
      preferences: {},
      users: [{ name: user, user: userBody }],
    },
    // YAML 1.1 quoting, as kubectl's go-yaml reads it (a string `yes` must stay a string).
    { lineWidth: 0, version: '1.1' },
  )
}

export function buildUserKubeconfig(a: {
  cluster: ResolvedCluster
  server: string
  source: ClusterCredentialSource
  authority: string
  format: 'exec' | 'azure'
}): string {
  const { cluster: c, source } = a
  const tenantId = c.aadProfile.tenantId
  const user = userName(c)
  if (a.format === 'azure') {
    // The legacy auth-provider kubeconfig (pre-1.24 clusters, `--format azure`): kubectl ≥ 1.26 cannot
    // use it; `aks-auth-sim convert-kubeconfig` turns it into the exec form.
    return config(c, a.server, source.caPem, c.name, user, {
      'auth-provider': {
        config: {
          'apiserver-id': AKS_SERVER_APP_ID,
          'client-id': AKS_CLIENT_APP_ID,
          'config-mode': '1',
          environment: 'AzurePublicCloud',
          'tenant-id': tenantId,
        },
        name: 'azure',
      },
    })
  }
  return config(c, a.server, source.caPem, c.name, user, {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      args: [
        ...source.exec.argsPrefix,
        'get-token',
        '--login',
        'devicecode',
        '--server-id',
        AKS_SERVER_APP_ID,
        '--client-id',
        AKS_CLIENT_APP_ID,
        '--tenant-id',
        tenantId,
        '--environment',
        'AzurePublicCloud',
        '--authority-host',
        `${a.authority}/`,
      ],
      command: source.exec.command,
      env: source.exec.env.length > 0 ? source.exec.env : null,
      installHint:
        '\naks-auth-sim is not installed which is required to connect to this simulated AAD enabled cluster.\n\nRun npm ci in the aks-auth-sim checkout, then get the credentials again.\n',
      interactiveMode: 'IfAvailable',
      provideClusterInfo: false,
    },
  })
}

export async function buildAdminKubeconfig(a: {
  cluster: ResolvedCluster
  server: string
  source: ClusterCredentialSource
}): Promise<string> {
  const { cluster: c, source } = a
  const cert = await source.adminCertificate()
  const token = source.adminToken()
  // The context is the cluster's name; az renames it `<name>-admin` when it merges (so does the CLI).
  return config(c, a.server, source.caPem, c.name, adminName(c), {
    'client-certificate-data': b64(cert.certPem),
    'client-key-data': b64(cert.keyPem),
    ...(token !== undefined && { token }),
  })
}
