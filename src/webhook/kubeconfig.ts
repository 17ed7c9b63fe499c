/**
 * The kubeconfig kube-apiserver reads with `--authentication-token-webhook-config-file` (or
 * `--authorization-webhook-config-file`): the webhook URL, the CA, and the API server's client
 * certificate, all inline so the file works wherever it is copied.
 */
import { stringify } from 'yaml'

const b64 = (s: string) => Buffer.from(s).toString('base64')

export function webhookKubeconfig(o: {
  server: string
  caPem: string
  clientCertPem: string
  clientKeyPem: string
  name: string
}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: o.name, cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [
      {
        name: 'kube-apiserver',
        user: { 'client-certificate-data': b64(o.clientCertPem), 'client-key-data': b64(o.clientKeyPem) },
      },
    ],
    contexts: [{ name: 'webhook', context: { cluster: o.name, user: 'kube-apiserver' } }],
    'current-context': 'webhook',
    preferences: {},
  })
}
