/**
 * AKS pulls from ACR: in the demo the kubelet identity holds AcrPull on contosoacr (what `az aks update
 * --attach-acr` assigns), so a pod created with kubectl whose image is there runs after the
 * credential-provider exchange over the wire; with the assignment removed over ARM the pull is refused
 * with containerd's message, the kubelet backs off (10 s doubling, on the simulator clock) showing
 * ImagePullBackOff between attempts, and once AcrPull is granted again the next attempt succeeds and the
 * pod runs. A pod from contosoteams (ABAC mode: AcrPull is not honoured) shows ErrImagePull in
 * `kubectl get pods` and `kubectl describe`. Each step is an event.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { arm } from '../arm/helpers.js'
import { armToken } from '../client/helpers.js'
import { kubectl, tokenKubeconfig } from '../helpers/kubectl.js'
import { ALICE, startTestSimulator } from '../helpers/sim.js'
import { waitFor } from '../helpers/wait.js'

const ACR_PULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'
const RA_API = 'api-version=2022-04-01'

let sim: Simulator
let admin: string
let alice: string
beforeAll(async () => {
  sim = await startTestSimulator()
  admin = tokenKubeconfig(sim, { token: sim.kube.staticToken.token })
  const aliceOid = sim.endpoints.directory.users.find((u) => u.upn === ALICE)!.oid
  sim.azureRbac!.createRoleAssignment({
    principalId: aliceOid,
    roleDefinitionId: OWNER,
    scope: '/subscriptions/00000000-0000-0000-0000-000000000001',
  })
  alice = await armToken(sim, ALICE)
}, 120_000)
afterAll(async () => {
  await sim.stop()
})

const ls = (name: string) => sim.endpoints.registries!.find((r) => r.name === name)!.loginServer
const registryId = (name: string) => sim.endpoints.registries!.find((r) => r.name === name)!.resourceId
const podEvents = (pod: string) =>
  sim.eventBus
    .recent({ service: 'kubelet' })
    .filter((e) => e.data.pod === `default/${pod}` && e.type.startsWith('acr.pull.'))
    .map((e) => e.type)
const count = (pod: string, type: string) => podEvents(pod).filter((t) => t === type).length
const podLine = async (pod: string) => (await kubectl(admin, ['get', 'pod', pod, '-n', 'default'])).stdout
/** The kubelet's events on a pod as `reason: message`, oldest first. */
const kubeletEvents = async (pod: string) => {
  const r = await kubectl(admin, [
    'get',
    'events',
    '-n',
    'default',
    '--field-selector',
    `involvedObject.name=${pod}`,
    '-o',
    'json',
  ])
  return (JSON.parse(r.stdout) as { items: { reason: string; message: string }[] }).items.map(
    (e) => `${e.reason}: ${e.message}`,
  )
}

describe('the kubelet pulls from the simulated registries', () => {
  it('contosoacr: the demo kubelet identity holds AcrPull, so the pod runs (challenge → identity → exchange → token → manifest)', async () => {
    const kubelet = sim
      .azureRbac!.roleAssignments()
      .find((a) => a.principalId === DEMO_POD_IDENTITY.kubeletPrincipalId.toLowerCase())
    expect(kubelet).toMatchObject({ roleDefinitionId: ACR_PULL, scope: registryId('contosoacr') })
    const image = `${ls('contosoacr')}/orders/api:1.2.0`
    const r = await kubectl(admin, ['run', 'orders', `--image=${image}`, '-n', 'default'])
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
    expect(await podLine('orders')).toMatch(/orders\s+1\/1\s+Running/)
    const events = await kubeletEvents('orders')
    const pulling = events.indexOf(`Pulling: Pulling image "${image}"`)
    expect(pulling).toBeGreaterThanOrEqual(0)
    expect(
      events.slice(pulling + 1).some((e) => e.startsWith(`Pulled: Successfully pulled image "${image}" in `)),
    ).toBe(true)
  }, 60_000)

  it('AcrPull removed over ARM: ErrImagePull, ImagePullBackOff between attempts on the simulator clock, and the pod runs once AcrPull is back', async () => {
    const kubelet = sim
      .azureRbac!.roleAssignments()
      .find((a) => a.principalId === DEMO_POD_IDENTITY.kubeletPrincipalId.toLowerCase())!
    const removed = await arm(
      sim,
      'DELETE',
      `${kubelet.scope}/providers/Microsoft.Authorization/roleAssignments/${kubelet.id}?${RA_API}`,
      { token: alice },
    )
    expect(removed.status).toBe(200)

    const image = `${ls('contosoacr')}/orders/api:1.2.0`
    const r = await kubectl(admin, ['run', 'refused', `--image=${image}`, '-n', 'default'])
    expect(r.stderr).toBe('')
    await waitFor(() => count('refused', 'acr.pull.failed') === 1, 'the refused pull')
    expect(await podLine('refused')).toMatch(/refused\s+0\/1\s+ErrImagePull/)
    const described = (await kubectl(admin, ['describe', 'pod', 'refused', '-n', 'default'])).stdout
    expect(described).toContain(`failed to pull and unpack image "${image}"`)
    expect(described).toContain(
      'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    )
    expect(sim.eventBus.recent({ type: 'acr.pull.backoff' }).at(-1)!.data).toMatchObject({
      pod: 'default/refused',
      attempt: 1,
      retryInSeconds: 10,
    })

    // The next pod sync: ImagePullBackOff until the back-off (10 s) has passed.
    sim.advanceClock(5)
    expect(await podLine('refused')).toMatch(/refused\s+0\/1\s+ImagePullBackOff/)
    const backoff = (await kubectl(admin, ['get', 'pod', 'refused', '-n', 'default', '-o', 'json'])).stdout
    expect(JSON.parse(backoff).status.containerStatuses[0].state.waiting).toEqual({
      reason: 'ImagePullBackOff',
      message: `Back-off pulling image "${image}"`,
    })
    expect(count('refused', 'acr.pull.failed')).toBe(1)

    // 10 s on: the second attempt, refused again; the next wait doubles.
    sim.advanceClock(5)
    await waitFor(() => count('refused', 'acr.pull.failed') === 2, 'the second attempt')
    expect(sim.eventBus.recent({ type: 'acr.pull.backoff' }).at(-1)!.data).toMatchObject({
      attempt: 2,
      retryInSeconds: 20,
    })
    expect(await podLine('refused')).toMatch(/ErrImagePull/)

    // What `az aks update --attach-acr` does again: AcrPull back, over ARM.
    const put = await arm(
      sim,
      'PUT',
      `${registryId('contosoacr')}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?${RA_API}`,
      {
        token: alice,
        body: {
          properties: {
            roleDefinitionId: ACR_PULL,
            principalId: DEMO_POD_IDENTITY.kubeletPrincipalId,
            principalType: 'ServicePrincipal',
          },
        },
      },
    )
    expect(put.status, JSON.stringify(put.body)).toBe(201)
    sim.advanceClock(20)
    await waitFor(
      () => count('refused', 'acr.pull.manifest') >= 1 && podEvents('refused').at(-1) === 'acr.pull.manifest',
      'the third attempt',
    )
    expect(await podLine('refused')).toMatch(/refused\s+1\/1\s+Running/)
    const events = await kubeletEvents('refused')
    expect(events.filter((e) => e.startsWith('Pulling:'))).toHaveLength(3)
    expect(events).toContain(`BackOff: Back-off pulling image "${image}"`)
    expect(events).toContain('Failed: Error: ImagePullBackOff')
    expect(events.filter((e) => e === 'Failed: Error: ErrImagePull')).toHaveLength(2)
    expect(events.at(-1)).toMatch(/^Pulled: Successfully pulled image/)
  }, 120_000)

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
