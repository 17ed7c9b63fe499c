/**
 * What ARM's `listClusterAdminCredential` / `listClusterUserCredential` put in the kubeconfigs they
 * return: the API server's URL and CA, the admin client certificate (CN=masterclient,
 * O=system:masters, as AKS issues) and the local account's static token, and for the user kubeconfig
 * this package's CLI as kubectl's exec credential plugin — node and bin/aks-auth-sim.js by absolute
 * paths (no global install needed; the same relative URL from src/ and dist/, so it holds in a checkout
 * and in an installed package), pointed at this simulator's state directory.
 */
import { fileURLToPath } from 'node:url'
import type { ClusterCredentialSource } from '../arm/index.js'
import type { Pki } from '../kernel/tls.js'

export function clusterCredentials(o: {
  apiServerUrl: string
  pki: Pki
  adminToken: () => string
  stateDir: string
}): ClusterCredentialSource {
  return {
    apiServerUrl: () => o.apiServerUrl,
    caPem: o.pki.ca.certPem,
    adminCertificate: () =>
      o.pki.clientCert('aks-cluster-admin', { cn: 'masterclient', o: ['system:masters'] }),
    adminToken: o.adminToken,
    exec: {
      command: process.execPath,
      argsPrefix: [fileURLToPath(new URL('../../bin/aks-auth-sim.js', import.meta.url))],
      env: [{ name: 'AKS_AUTH_SIM_STATE_DIR', value: o.stateDir }],
    },
  }
}
