/**
 * The API-server half of workload identity with the real kubectl: `kubectl create token` (protobuf
 * TokenRequest), service-account token authentication (and the refusal of the exchange audience),
 * and the workload identity webhook running on `kubectl apply` of a labelled pod.
 */
import { writeFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { kubectl, kubectlDescribe, tokenKubeconfig } from '../helpers/kubectl.js'
import { startTestSimulator } from '../helpers/sim.js'
import { claimsOf, exchange, runIdentityClient } from '../pod-identity/helpers.js'

// Where kubectl cannot run these, they are skipped with the reason in the title (test/helpers/kubectl.ts).
const describeK = kubectlDescribe()

let sim: Simulator
let admin: string
beforeAll(async () => {
  sim = await startTestSimulator()
  admin = tokenKubeconfig(sim, { token: sim.kube.staticToken.token })
})
afterAll(() => sim.stop())

const manifest = (name: string, annotations: Record<string, string> = {}) => {
  const file = join(mkdtempSync(join(tmpdir(), 'pi-pod-')), 'pod.json')
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'dev', labels: { 'azure.workload.identity/use': 'true' }, annotations },
      spec: {
        serviceAccountName: 'orders-api',
        containers: [{ name: 'app', image: 'contoso.azurecr.io/orders-api:1.4.2' }],
      },
    }),
  )
  return file
}

describeK('kubectl and the workload identity pieces of the API server', () => {
  it('kubectl create token: a token for the exchange audience that Entra accepts', async () => {
    const r = await kubectl(admin, [
      'create',
      'token',
      'orders-api',
      '-n',
      'dev',
      '--audience',
      'api://AzureADTokenExchange',
    ])
    expect(r.code, r.stderr).toBe(0)
    const token = r.stdout.trim()
    const c = claimsOf(token)
    expect(c).toMatchObject({
      aud: ['api://AzureADTokenExchange'],
      iss: sim.podIdentity.issuer.issuer(),
      sub: 'system:serviceaccount:dev:orders-api',
    })
    expect(c.exp - c.iat).toBe(3600)
    expect((await exchange(sim, DEMO_POD_IDENTITY.ordersClientId, token)).status).toBe(200)
  })

  it('kubectl create token: validation and lookup errors as kube-apiserver words them', async () => {
    let r = await kubectl(admin, ['create', 'token', 'orders-api', '-n', 'dev', '--duration', '5m'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes',
    )
    r = await kubectl(admin, ['create', 'token', 'ghost', '-n', 'dev'])
    // kubectl's own wording around the API server's 404 Status.
    expect(r.stderr).toContain('error: failed to create token: serviceaccounts "ghost" not found')
    r = await kubectl(admin, [
      'create',
      'token',
      'inventory',
      '-n',
      'dev',
      '--bound-object-kind',
      'Pod',
      '--bound-object-name',
      'orders-api-0',
    ])
    expect(r.stderr).toContain(
      'cannot bind token for serviceaccount "inventory" to pod running with different serviceaccount name.',
    )
  })

  it('authenticates service-account tokens itself; the exchange-audience token gets 401', async () => {
    const api = await kubectl(admin, ['create', 'token', 'orders-api', '-n', 'dev'])
    const asSa = tokenKubeconfig(sim, { token: api.stdout.trim() })
    const who = await kubectl(asSa, ['auth', 'whoami', '-o', 'json'])
    expect(who.code, who.stderr).toBe(0)
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({
      username: 'system:serviceaccount:dev:orders-api',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'],
    })
    const wi = await kubectl(admin, [
      'create',
      'token',
      'orders-api',
      '-n',
      'dev',
      '--audience',
      'api://AzureADTokenExchange',
    ])
    const refused = await kubectl(tokenKubeconfig(sim, { token: wi.stdout.trim() }), [
      'get',
      'pods',
      '-n',
      'dev',
    ])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    )
    // The API server's trace names the reason.
    const trace = sim.eventBus
      .recent({ service: 'apiserver', type: 'request.completed', limit: 200 })
      .filter((e) => e.data.status === 401)
      .map((e) => JSON.stringify(e.data.authentication))
    expect(trace.join('\n')).toContain(
      'token audiences [\\"api://AzureADTokenExchange\\"] is invalid for the target audiences',
    )
  })

  it('kubectl apply of a labelled pod: mutated by the webhook, token file written, usable by the real client', async () => {
    const r = await kubectl(admin, ['apply', '-f', manifest('applied-0')])
    expect(r.code, r.stderr).toBe(0)
    const got = JSON.parse(
      (await kubectl(admin, ['get', 'pod', 'applied-0', '-n', 'dev', '-o', 'json'])).stdout,
    )
    const env = Object.fromEntries(
      (got.spec.containers[0].env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    )
    expect(env).toMatchObject({
      AZURE_CLIENT_ID: DEMO_POD_IDENTITY.ordersClientId,
      AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
    })
    expect(got.spec.volumes).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'azure-identity-token' })]),
    )
    const client = await runIdentityClient(
      'workload',
      await sim.podIdentity.pods.environment('dev', 'applied-0'),
    )
    expect(client.ok, client.message).toBe(true)
    expect(claimsOf(client.token!).appid).toBe(DEMO_POD_IDENTITY.ordersClientId)
  })

  it('webhook denials and a webhook that is down reach kubectl', async () => {
    const bad = await kubectl(admin, [
      'apply',
      '-f',
      manifest('bad-0', { 'azure.workload.identity/service-account-token-expiration': '100' }),
    ])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain(
      'admission webhook "mutation.azure-workload-identity.io" denied the request: token expiration 100 not valid. Expected value to be between 3600 and 86400',
    )
    sim.podIdentity.settings.webhookDown = true
    try {
      const down = await kubectl(admin, ['apply', '-f', manifest('down-0')])
      expect(down.code).not.toBe(0)
      expect(down.stderr).toContain(
        'Internal error occurred: failed calling webhook "mutation.azure-workload-identity.io": failed to call webhook: Post "https://azure-wi-webhook-webhook-service.kube-system.svc:443/mutate-v1-pod?timeout=10s": no endpoints available for service "azure-wi-webhook-webhook-service"',
      )
    } finally {
      sim.podIdentity.settings.webhookDown = false
    }
  })
})
