/**
 * `aks-auth-sim acr purge` end to end against a started simulator (the demo's contosoacr): the dry
 * run's lines, a real deletion seen through the registry's own API afterwards, the locked image
 * skipped, ages on the simulator clock, usage errors (exit 2) before any simulator is contacted.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { startTestSimulator } from '../helpers/sim.js'
import { registry } from './helpers.js'

const BIN = join(import.meta.dirname, '../../bin/aks-auth-sim.js')
const HOME = mkdtempSync(join(tmpdir(), 'acr-purge-home-'))
const stateDir = mkdtempSync(join(tmpdir(), 'acr-purge-'))

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((done) =>
    execFile(
      process.execPath,
      [BIN, 'acr', 'purge', ...args, '--state-dir', stateDir],
      { env: isolatedEnv({}, { home: HOME, base: 'inherit' }), timeout: 60_000 },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
    ),
  )

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator({ stateDir })
}, 120_000)
afterAll(async () => {
  await sim.stop()
})

/** The registry's tags as stored (index.json is rewritten on every change). */
const tags = (repo: string) =>
  Object.keys(
    (
      JSON.parse(readFileSync(join(stateDir, 'registries', 'contosoacr', 'index.json'), 'utf8')) as {
        repositories: Record<string, { tags: Record<string, unknown> }>
      }
    ).repositories[repo]!.tags,
  ).sort()

describe('aks-auth-sim acr purge', () => {
  it('usage errors exit 2 with one line', async () => {
    for (const [args, text] of [
      [['--registry', 'contosoacr', '--ago', '1d'], '--filter is required when not using --untagged-only'],
      [['--registry', 'contosoacr', '--filter', 'a:b'], '--ago is required when not using --untagged-only'],
      [['--registry', 'contosoacr', '--filter', 'a:b', '--ago', '30'], 'time: invalid duration "30"'],
      [
        ['--registry', 'contosoacr', '--filter', 'nocolon', '--ago', '1d'],
        'unable to correctly parse filter flag',
      ],
      [['--registry', 'contosoacr', '--untagged', '--untagged-only'], 'mutually exclusive'],
      [['--filter', 'a:b', '--ago', '1d'], 'missing --registry NAME'],
      [
        ['--registry', 'contosoacr', '--untagged-only', '--concurrency', '99'],
        '--concurrency must be a whole number from 1 to 32',
      ],
    ] as const) {
      const r = await cli([...args])
      expect({ args, code: r.code }).toEqual({ args, code: 2 })
      expect(r.stderr).toContain(text)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    }
  }, 120_000)

  it('an unknown registry: exit 1, the simulator says why', async () => {
    const r = await cli(['--registry', 'nosuchacr', '--untagged-only'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("Failed to complete purge: no registry 'nosuchacr'")
  })

  it('dry run lists, deletes nothing; the real run deletes; the locked image stays', async () => {
    const { loginServer } = registry(sim, 'contosoacr')
    const dry = await cli([
      '-r',
      'contosoacr',
      '--filter',
      'billing/.*:.*',
      '--ago',
      '5d',
      '--untagged',
      '--dry-run',
    ])
    expect(dry.code).toBe(0)
    const lines = dry.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^DRY RUN: The following output shows what WOULD be deleted/)
    expect(lines).toContain('Would delete tags for repository: billing/worker')
    expect(lines).toContain(`Would delete: ${loginServer}/billing/worker:2024.11`)
    expect(lines).not.toContain(`Would delete: ${loginServer}/billing/worker:stable`)
    expect(lines.slice(-2)).toEqual([
      'Number of tags to be deleted: 1',
      'Number of manifests to be deleted: 2',
    ])
    expect(tags('billing/worker')).toEqual(['2024.11', '2025.06', 'stable'])

    const real = await cli(['-r', 'contosoacr', '-f', 'billing/.*:.*', '--ago', '5d', '--untagged'])
    expect(real.code).toBe(0)
    const out = real.stdout.trimEnd().split('\n')
    expect(out[0]).toBe('Deleting tags for repository: billing/worker')
    expect(out).toContain(`Deleted ${loginServer}/billing/worker:2024.11`)
    expect(out.slice(-2)).toEqual(['Number of deleted tags: 1', 'Number of deleted manifests: 2'])
    expect(tags('billing/worker')).toEqual(['2025.06', 'stable'])
  }, 60_000)

  it('ages are on the simulator clock: after clock advance the 2-day-old tags are old enough', async () => {
    const before = await cli(['-r', 'contosoacr', '-f', 'orders/api:^1\\.2', '--ago', '5d', '--dry-run'])
    expect(before.stdout).toContain('Number of tags to be deleted: 0')
    sim.advanceClock(4 * 86_400)
    const after = await cli(['-r', 'contosoacr', '-f', 'orders/api:^1\\.2', '--ago', '5d', '--dry-run'])
    expect(after.stdout).toContain('Number of tags to be deleted: 1')
  }, 60_000)
})
