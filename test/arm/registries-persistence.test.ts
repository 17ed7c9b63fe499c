/**
 * ARM's registry writes are on disk before the answer: after a restart on the same state directory the
 * registry's settings, a scope map, a token and its generated password are still there and still work,
 * and the retention policy ARM enabled deletes untagged manifests on the simulator clock.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_WEBHOOK_SECRET } from '../../src/scenario/index.js'
import { armAppToken } from '../client/helpers.js'
import { startTestSimulator } from '../helpers/sim.js'
import { waitFor } from '../helpers/wait.js'
import { arm } from './helpers.js'
import { ACR_API, ROLE, basicToken, grantAtGroup, registryPath } from './registries.helpers.js'

const REG = registryPath('contosoacr')

async function caller(sim: Simulator, grant: boolean) {
  const a = sim.endpoints.directory.applications.find((x) => x.name === 'aks-webhook')!
  // The role assignment itself survives the restart (the Azure RBAC store is state too).
  if (grant) grantAtGroup(sim, a.servicePrincipalId, ROLE.contributor)
  const token = await armAppToken(sim, a.appId, DEMO_WEBHOOK_SECRET)
  return (method: string, path: string, body?: unknown) =>
    arm(sim, method, `${path}?${ACR_API}`, { token, ...(body !== undefined && { body }) })
}

describe('registry writes across a restart', () => {
  it('keeps the settings, scope maps, tokens and passwords ARM wrote', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'arm-acr-restart-'))
    let sim = await startTestSimulator({ stateDir })
    let password: string
    let tokenId: string
    try {
      const call = await caller(sim, true)
      const patch = {
        properties: {
          anonymousPullEnabled: true,
          policies: { retentionPolicy: { days: 2, status: 'enabled' } },
        },
      }
      expect((await call('PATCH', REG, patch)).status).toBe(200)
      const map = await call('PUT', `${REG}/scopeMaps/ci-read`, {
        properties: { actions: ['repositories/orders/api/content/read'] },
      })
      expect(map.status).toBe(201)
      const tok = await call('PUT', `${REG}/tokens/ci-token`, { properties: { scopeMapId: map.body.id } })
      expect(tok.status).toBe(201)
      tokenId = tok.body.id as string
      const gen = await call('POST', `${REG}/generateCredentials`, { tokenId, name: 'password1' })
      password = gen.body.passwords[0].value as string
    } finally {
      await sim.stop()
    }
    sim = await startTestSimulator({ stateDir })
    try {
      const call = await caller(sim, false)
      const reg = await call('GET', REG)
      expect(reg.body.properties).toMatchObject({
        anonymousPullEnabled: true,
        policies: { retentionPolicy: { days: 2, status: 'enabled' } },
      })
      const tok = await call('GET', `${REG}/tokens/ci-token`)
      expect(tok.body.properties.credentials.passwords).toEqual([
        { name: 'password1', creationTime: expect.any(String) },
      ])
      const granted = await basicToken(sim, 'contosoacr', 'ci-token', password, 'repository:orders/api:pull')
      expect(granted).toEqual({
        status: 200,
        access: [{ type: 'repository', name: 'orders/api', actions: ['pull'] }],
      })
      // Last (the clock moves days: tokens expire): the retention policy ARM enabled applies on the simulator clock (src/acr/retention.ts reads it).
      const deleted: unknown[] = []
      sim.eventBus.subscribe((e) => {
        if (e.type === 'acr.retention.deleted' && e.data.registry === 'contosoacr') deleted.push(e.data)
      })
      sim.advanceClock(3 * 86_400)
      await waitFor(
        () => deleted.length > 0,
        'the retention policy set over ARM to delete an untagged manifest',
      )
    } finally {
      await sim.stop()
    }
  })
})
