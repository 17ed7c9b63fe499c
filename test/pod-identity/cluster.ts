import { createClock } from '../../src/kernel/clock.js'
import { createMemoryCluster, type K8sObject } from '../../src/pod-identity/cluster-objects.js'
import { createServiceAccountIssuer } from '../../src/pod-identity/issuer.js'
import { createToken, type TokenRequestDeps } from '../../src/pod-identity/token-request.js'

export const NODE = 'aks-nodepool1-12345678-vmss000000'

/** A small cluster: namespace `dev`, service accounts `app` and `other`, pod `app-0` on the node, a secret. */
export async function testCluster(opts: { maxExpirationSeconds?: number } = {}) {
  const clock = createClock()
  const objects = createMemoryCluster({
    now: () => clock.now(),
    seed: [
      { kind: 'Namespace', metadata: { name: 'dev' } },
      { kind: 'Node', metadata: { name: NODE } },
      { kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'dev' } },
      { kind: 'ServiceAccount', metadata: { name: 'other', namespace: 'dev' } },
      { kind: 'Secret', metadata: { name: 'app-token', namespace: 'dev' } },
      {
        kind: 'Pod',
        metadata: { name: 'app-0', namespace: 'dev' },
        spec: { serviceAccountName: 'app', nodeName: NODE },
      },
    ] as K8sObject[],
  })
  const issuer = await createServiceAccountIssuer({
    cluster: 'test',
    origin: 'https://oidc.example.test',
    tenantId: '11111111-1111-1111-1111-111111111111',
    uuid: '22222222-2222-2222-2222-222222222222',
    clock,
    oidcEnabled: true,
    rotationGraceSeconds: 86_400,
  })
  const deps: TokenRequestDeps = {
    issuer,
    objects,
    clock,
    apiAudiences: ['https://kubernetes.default.svc'],
    ...(opts.maxExpirationSeconds !== undefined && { maxExpirationSeconds: opts.maxExpirationSeconds }),
  }
  const request = (body: Record<string, unknown> | Buffer, name = 'app', contentType?: string) =>
    createToken(deps, { namespace: 'dev', name, body, ...(contentType && { contentType }) })
  return { clock, objects, issuer, deps, request }
}
