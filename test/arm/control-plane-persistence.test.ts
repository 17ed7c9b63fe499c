/**
 * The control plane's state survives a restart on the same state dir: a scaled pool, a disabled local
 * account and a stopped operation's effects come back, and so do the Node objects.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { armToken } from '../client/helpers.js'
import { ALICE, startTestSimulator } from '../helpers/sim.js'
import { API, CLUSTER_PATH, arm } from './helpers.js'

const stateDir = mkdtempSync(join(tmpdir(), 'aks-cp-state-'))
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

it('keeps pools, access toggles and nodes across a restart', async () => {
  const first = await startTestSimulator({ stateDir })
  try {
    const token = await armToken(first, ALICE)
    const cluster = (await arm(first, 'GET', `${CLUSTER_PATH}?${API}`, { token })).body
    cluster.properties.agentPoolProfiles[0].count = 4
    cluster.properties.disableLocalAccounts = true
    const put = await arm(first, 'PUT', `${CLUSTER_PATH}?${API}`, { token, body: cluster })
    expect(put.status).toBe(200)
    first.advanceClock(first.config.arm.operationSeconds)
    expect(
      (await arm(first, 'GET', `${CLUSTER_PATH}?${API}`, { token })).body.properties.provisioningState,
    ).toBe('Succeeded')
  } finally {
    await first.stop()
  }

  const second = await startTestSimulator({ stateDir })
  try {
    const token = await armToken(second, ALICE)
    const p = (await arm(second, 'GET', `${CLUSTER_PATH}?${API}`, { token })).body.properties
    expect(p.agentPoolProfiles[0]).toMatchObject({ count: 4, provisioningState: 'Succeeded' })
    expect(p.disableLocalAccounts).toBe(true)
    expect(
      (await arm(second, 'POST', `${CLUSTER_PATH}/listClusterAdminCredential?${API}`, { token })).status,
    ).toBe(400)
    const nodes = second.kube.server.store.list(second.kube.server.registry.byResource('', 'nodes')!)
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual([
      'aks-nodepool1-12345678-vmss000000',
      'aks-nodepool1-12345678-vmss000001',
      'aks-nodepool1-12345678-vmss000002',
      'aks-nodepool1-12345678-vmss000003',
    ])
  } finally {
    await second.stop()
  }
})
