/**
 * A registry's content, locks, settings and signing key live in the state directory: after a restart
 * the pushed image, a lock set over /acr/v1 and the registry's signing key are still there.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ContainerRegistryClient, ContainerRegistryContentClient } from '@azure/container-registry'
import { ClientSecretCredential } from '@azure/identity'
import { describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_CI_SECRET } from '../../src/scenario/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { ciToken, refreshTokenFor, registry } from './helpers.js'

const credential = (sim: Simulator) =>
  new ClientSecretCredential(
    sim.endpoints.tenantId,
    sim.directory.application('ci-pipeline')!.appId,
    DEMO_CI_SECRET,
    {
      authorityHost: sim.endpoints.authority,
      disableInstanceDiscovery: true,
    },
  )

async function accessToken(sim: Simulator, refresh: string) {
  const { url, loginServer } = registry(sim, 'contosoacr')
  const res = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      service: loginServer,
      scope: 'repository:orders/api:pull',
      refresh_token: refresh,
    }),
  })
  return res.status
}

describe('registry state across a restart', () => {
  it('keeps pushed content, locks and the signing key', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'acr-restart-'))
    let sim = await startTestSimulator({ stateDir })
    let digest: string
    let key: string
    const keyFile = join(stateDir, 'registries', 'contosoacr', 'signing-key.json')
    try {
      const content = new ContainerRegistryContentClient(
        registry(sim, 'contosoacr').url,
        'ci/keep',
        credential(sim),
      )
      const layer = await content.uploadBlob(Buffer.from('layer'))
      const cfg = await content.uploadBlob(Buffer.from('{}'))
      ;({ digest } = await content.setManifest(
        {
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfg.digest, size: 2 },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: 5 }],
        },
        { tag: 'v1' },
      ))
      const acr = new ContainerRegistryClient(registry(sim, 'contosoacr').url, credential(sim))
      await acr.getArtifact('ci/keep', 'v1').updateTagProperties('v1', { canWrite: false })
      key = readFileSync(keyFile, 'utf8')
    } finally {
      await sim.stop()
    }
    sim = await startTestSimulator({ stateDir })
    try {
      const content = new ContainerRegistryContentClient(
        registry(sim, 'contosoacr').url,
        'ci/keep',
        credential(sim),
      )
      expect((await content.getManifest('v1')).digest).toBe(digest)
      const acr = new ContainerRegistryClient(registry(sim, 'contosoacr').url, credential(sim))
      expect((await acr.getArtifact('ci/keep', 'v1').getTagProperties('v1')).canWrite).toBe(false)
      // Seeded content is not seeded twice; the signing key is the same (the port, and so the login
      // server a token's `aud` names, may differ with --port-base 0, so old tokens are not replayed here).
      expect((await acr.getRepository('orders/api').getProperties()).manifestCount).toBe(4)
      expect(readFileSync(keyFile, 'utf8')).toBe(key)
      expect(await accessToken(sim, await refreshTokenFor(sim, 'contosoacr', await ciToken(sim)))).toBe(200)
    } finally {
      await sim.stop()
    }
  }, 90_000)
})
