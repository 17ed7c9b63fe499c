/**
 * The kubeconfigs a real kube-apiserver uses to call the webhook (`--authentication-token-webhook-config-file`
 * and `--authorization-webhook-config-file`), with a client certificate of organisation `azure` as AKS
 * gives the API server for guard. The mock API server reads the same files.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Pki } from '../kernel/tls.js'
import { webhookKubeconfig } from '../webhook/index.js'
import { writeAtomic } from './state-files.js'

export interface WebhookKubeconfigs {
  webhookAuthn: string
  webhookAuthz: string
}

export async function writeWebhookKubeconfigs(
  stateDir: string,
  pki: Pki,
  webhookUrl: string,
): Promise<WebhookKubeconfigs> {
  const dir = join(stateDir, 'kubeconfigs')
  // The kubeconfigs hold the client certificate's key.
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const client = await pki.clientCert('kube-apiserver-webhook-client', { cn: 'kube-apiserver', o: ['azure'] })
  const write = (file: string, path: string) => {
    const yaml = webhookKubeconfig({
      name: 'aks-auth-sim-webhook',
      server: `${webhookUrl}${path}`,
      caPem: pki.ca.certPem,
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
    })
    writeAtomic(join(dir, file), yaml, 0o600)
    return join(dir, file)
  }
  return {
    webhookAuthn: write('webhook-authn.yaml', '/tokenreviews'),
    webhookAuthz: write('webhook-authz.yaml', '/subjectaccessreviews'),
  }
}
