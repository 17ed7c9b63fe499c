/**
 * AKS pulls from ACR: a pod created with kubectl whose image is in contosoacr is refused until the
 * kubelet identity holds AcrPull (what `--attach-acr` assigns), then runs after the credential-provider
 * exchange over the wire;
 * a pod from contosoteams (ABAC mode: AcrPull is not honoured) shows ErrImagePull with containerd's
 * message in `kubectl get pods` and `kubectl describe`. Each step is an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'

const ACR_PULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
import { kubectl, tokenKubeconfig } from '../helpers/kubectl.js'
import { startTestSimulator } from '../helpers/sim.js'
import { waitFor } from '../helpers/wait.js'

let sim: Simulator
let admin: string
beforeAll(async () => {
  sim = await startTestSimulator()
  admin = tokenKubeconfig(sim, { token: sim.kube.staticToken.token })
}, 120_000)
afterAll(async () => {
  await sim.stop()
})

const ls = (name: string) => sim.endpoints.registries!.find((r) => r.name === name)!.loginServer
const podEvents = (pod: string) =>
  sim.eventBus
    .recent({ service: 'kubelet' })
    .filter((e) => e.data.pod === `default/${pod}` && e.type.startsWith('acr.pull.'))
    .map((e) => e.type)

describe('the kubelet pulls from the simulated registries', () => {
  it('contosoacr: without AcrPull the pull is refused; after the --attach-acr assignment the pod runs (challenge → identity → exchange → token → manifest)', async () => {
    const image = `${ls('contosoacr')}/orders/api:1.2.0`
    let r = await kubectl(admin, ['run', 'before', `--image=${image}`, '-n', 'default'])
    expect(r.stderr).toBe('')
    await waitFor(() => podEvents('before').includes('acr.pull.failed'), 'the refused pull')
    expect((await kubectl(admin, ['get', 'pod', 'before', '-n', 'default'])).stdout).toMatch(
      /before\s+0\/1\s+ErrImagePull/,
    )
    // What `az aks update --attach-acr contosoacr` assigns: AcrPull on the registry to the kubelet identity.
    sim.azureRbac!.createRoleAssignment({
      principalId: DEMO_POD_IDENTITY.kubeletPrincipalId,
      principalType: 'ServicePrincipal',
      roleDefinitionId: ACR_PULL,
      scope: sim.endpoints.registries!.find((x) => x.name === 'contosoacr')!.resourceId,
    })
    r = await kubectl(admin, ['run', 'orders', `--image=${image}`, '-n', 'default'])
    expect(r.stderr).toBe('')
    await waitFor(() => podEvents('orders').includes('acr.pull.manifest'), 'the pull')
    expect(podEvents('orders')).toEqual([
      'acr.pull.challenge',
      'acr.pull.identity',
      'acr.pull.exchange',
      'acr.pull.token',
      'acr.pull.manifest',
    ])
    const manifest = sim.eventBus.recent({ type: 'acr.pull.manifest' }).at(-1)!
    expect(manifest.data.status).toBe(200)
    const get = await kubectl(admin, ['get', 'pod', 'orders', '-n', 'default'])
    expect(get.stdout).toMatch(/orders\s+1\/1\s+Running/)
  }, 60_000)

  it('contosoteams (ABAC: AcrPull not honoured): ErrImagePull with the message containerd prints', async () => {
    const image = `${ls('contosoteams')}/orders/api:1.2.0`
    const r = await kubectl(admin, ['run', 'teams', `--image=${image}`, '-n', 'default'])
    expect(r.stderr).toBe('')
    await waitFor(() => podEvents('teams').includes('acr.pull.failed'), 'the pull')
    const get = await kubectl(admin, ['get', 'pod', 'teams', '-n', 'default'])
    expect(get.stdout).toMatch(/teams\s+0\/1\s+ErrImagePull/)
    const describe_ = await kubectl(admin, ['describe', 'pod', 'teams', '-n', 'default'])
    expect(describe_.stdout).toMatch(/Reason:\s+ErrImagePull/)
    expect(describe_.stdout).toContain(`failed to pull and unpack image "${image}"`)
    // The token server grants the subset the kubelet holds (nothing here); the manifest GET is then refused.
    expect(describe_.stdout).toContain(
      'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    )
    expect(describe_.stdout).toMatch(/Warning\s+Failed\s+.*kubelet\s+Error: ErrImagePull/)
  }, 60_000)

  it('a tag that does not exist: ErrImagePull "not found"', async () => {
    const image = `${ls('contosoacr')}/orders/api:9.9.9`
    await kubectl(admin, ['run', 'missing', `--image=${image}`, '-n', 'default'])
    await waitFor(() => podEvents('missing').includes('acr.pull.failed'), 'the pull')
    const describe_ = await kubectl(admin, ['describe', 'pod', 'missing', '-n', 'default'])
    expect(describe_.stdout).toContain(`failed to resolve reference "${image}": ${image}: not found`)
  }, 60_000)
})
