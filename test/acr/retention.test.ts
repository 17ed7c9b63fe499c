/**
 * The retention policy for untagged manifests on the simulator clock: nothing before `days` have
 * passed since the policy was enabled, then `aks-auth-sim clock advance` deletes the demo's untagged
 * manifests (events `acr.retention.deleted`), keeping tagged and locked ones; a disabled policy
 * deletes nothing.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistryContent } from '../../src/acr/content.js'
import { applyRetention } from '../../src/acr/retention.js'
import type { RegistrySettings } from '../../src/acr/settings.js'
import { RegistryStorage } from '../../src/acr/storage.js'
import type { Simulator } from '../../src/index.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { startTestSimulator } from '../helpers/sim.js'

const BIN = join(import.meta.dirname, '../../bin/aks-auth-sim.js')
const HOME = mkdtempSync(join(tmpdir(), 'acr-retention-home-'))
const stateDir = mkdtempSync(join(tmpdir(), 'acr-retention-'))
const registryDir = join(stateDir, 'registries', 'contosoacr')

const clockAdvance = (seconds: number): Promise<number> =>
  new Promise((done) =>
    execFile(
      process.execPath,
      [BIN, 'clock', 'advance', String(seconds), '--state-dir', stateDir],
      { env: isolatedEnv({}, { home: HOME, base: 'inherit' }), timeout: 60_000 },
      (err) => done(err ? Number((err as { code?: number }).code) : 0),
    ),
  )

type Stored = {
  repositories: Record<
    string,
    { tags: Record<string, { digest: string }>; manifests: Record<string, unknown> }
  >
}
const stored = () => JSON.parse(readFileSync(join(registryDir, 'index.json'), 'utf8')) as Stored
const untagged = (s: Stored, repo: string) => {
  const r = s.repositories[repo]!
  const tagged = new Set(Object.values(r.tags).map((t) => t.digest))
  return Object.keys(r.manifests).filter((d) => !tagged.has(d))
}

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator({ stateDir })
}, 120_000)
afterAll(async () => {
  await sim.stop()
})

describe('retention policy', () => {
  it('a disabled or absent policy deletes nothing', () => {
    const content = new RegistryContent(new RegistryStorage(registryDir), { now: () => Date.now() })
    const settings = JSON.parse(readFileSync(join(registryDir, 'settings.json'), 'utf8')) as RegistrySettings
    const far = Date.now() + 3650 * 86_400_000
    expect(applyRetention(content, settings, far)).toEqual([])
    expect(
      applyRetention(
        content,
        { ...settings, policies: { retentionPolicy: { days: 0, status: 'disabled' } } },
        far,
      ),
    ).toEqual([])
  })

  it('clock advance past `days` deletes the untagged manifests, keeps tagged and locked ones', async () => {
    const before = stored()
    const doomed = [...untagged(before, 'orders/api'), ...untagged(before, 'billing/worker')]
    expect(doomed).toHaveLength(2)
    // What ARM's PATCH of policies.retentionPolicy writes (az acr config retention update --days 7 --status enabled).
    const settings = JSON.parse(readFileSync(join(registryDir, 'settings.json'), 'utf8')) as RegistrySettings
    settings.policies = {
      retentionPolicy: {
        days: 7,
        status: 'enabled',
        lastUpdatedTime: new Date(sim.clockSource.now()).toISOString(),
      },
    }
    writeFileSync(join(registryDir, 'settings.json'), JSON.stringify(settings))
    const since = sim.eventBus.recent().at(-1)?.id ?? 0

    expect(await clockAdvance(3 * 86_400)).toBe(0)
    expect(untagged(stored(), 'orders/api')).toHaveLength(1)

    expect(await clockAdvance(5 * 86_400)).toBe(0)
    const after = stored()
    expect(untagged(after, 'orders/api')).toEqual([])
    expect(untagged(after, 'billing/worker')).toEqual([])
    // Tagged manifests, and the locked one, stay.
    expect(Object.keys(after.repositories['billing/worker']!.tags).sort()).toEqual([
      '2024.11',
      '2025.06',
      'stable',
    ])
    expect(Object.keys(after.repositories['orders/api']!.manifests)).toHaveLength(3)
    const events = sim.eventBus.recent({ type: 'acr.retention.deleted', sinceId: since })
    expect(events.map((e) => e.data.digest).sort()).toEqual([...doomed].sort())
    expect(events[0]!.data).toMatchObject({ registry: 'contosoacr', days: 7 })
  }, 60_000)
})
