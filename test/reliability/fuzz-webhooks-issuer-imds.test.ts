/**
 * Fuzz of the guard-like webhook (with the API server's client certificate), the workload identity
 * webhook, the service-account issuer and IMDS (fuzz-suite.ts).
 */
import { imdsTarget, oidcIssuerTarget, webhookTarget, workloadIdentityWebhookTarget } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([
  { name: 'webhook', seed: 1505, target: webhookTarget, health: '/healthz' },
  { name: 'workloadIdentityWebhook', seed: 1506, target: workloadIdentityWebhookTarget, health: '/healthz' },
  { name: 'oidcIssuer', seed: 1507, target: oidcIssuerTarget },
  {
    name: 'imds',
    seed: 1508,
    target: imdsTarget,
    // Not simulated, so IMDS's own 400 (the token route needs a pod's identity): it answers, it is alive.
    health: '/metadata/instance?api-version=2021-02-01',
    healthStatus: 400,
  },
])
