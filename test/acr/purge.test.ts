/**
 * `acr purge`'s semantics (src/acr/purge.ts) on a registry seeded like the demo's contosoacr, at a
 * fixed simulator time: flag parsing, dry-run and real output lines, locks, --keep, --untagged,
 * children of a tagged index and referrers.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RegistryContent } from '../../src/acr/content.js'
import {
  manifestsToDelete,
  parseAgo,
  parseFilter,
  purge,
  PurgeUsageError,
  tagsToDelete,
  type PurgeOptions,
} from '../../src/acr/purge.js'
import { seedRegistry } from '../../src/acr/seed.js'
import { OPEN, RegistryStorage, type ManifestRecord, type RepositoryRecord } from '../../src/acr/storage.js'

const NOW = Date.parse('2026-06-01T12:00:00Z')
const DAY = 86_400_000
const LS = '127.0.0.1:5000'

function seeded() {
  const content = new RegistryContent(new RegistryStorage(mkdtempSync(join(tmpdir(), 'purge-'))), {
    now: () => NOW,
  })
  seedRegistry(
    content,
    {
      name: 'contosoacr',
      repositories: [
        {
          name: 'orders/api',
          images: [
            { tags: ['1.0.0'], ageDays: 120 },
            { tags: ['1.1.0'], ageDays: 45 },
            { tags: [], ageDays: 30 },
            { tags: ['1.2.0', 'latest'], ageDays: 2 },
          ],
        },
        {
          name: 'billing/worker',
          images: [
            { tags: ['2024.11'], ageDays: 400 },
            { tags: [], ageDays: 90 },
            { tags: ['2025.06', 'stable'], ageDays: 10, locked: true },
          ],
        },
      ],
    } as never,
    NOW,
  )
  return content
}

const opts = (o: Partial<PurgeOptions>): PurgeOptions => ({
  filters: [],
  keep: 0,
  untagged: false,
  untaggedOnly: false,
  dryRun: false,
  includeLocked: false,
  ...o,
})
const digestOf = (c: RegistryContent, repo: string, tag: string) =>
  c.storage.repository(repo)!.tags[tag]!.digest

describe('flags', () => {
  it('--ago is [<days>d][<Go duration>]', () => {
    expect(parseAgo('2d3h6m').ms).toBe(2 * DAY + 3 * 3_600_000 + 6 * 60_000)
    expect(parseAgo('1.5h').ms).toBe(5_400_000)
    expect(parseAgo('0d').ms).toBe(0)
    expect(parseAgo('30d').ms).toBe(30 * DAY)
    expect(parseAgo('100000d').warning).toMatch(/capping to 150 years/)
    for (const bad of ['30', 'd', '3x', 'h', '1d2']) expect(() => parseAgo(bad), bad).toThrow(PurgeUsageError)
  })

  it('--filter splits at the first colon outside a group', () => {
    expect(parseFilter('orders/api:^1\\.')).toEqual({ repository: 'orders/api', tag: '^1\\.' })
    expect(parseFilter('(?:a|b):c:d')).toEqual({ repository: '(?:a|b)', tag: 'c:d' })
    expect(() => parseFilter('orders')).toThrow('unable to correctly parse filter flag')
    expect(() => parseFilter(':x')).toThrow('missing repository name/expression')
    expect(() => parseFilter('x:')).toThrow('missing tag name/expression')
  })

  it("acr-cli's cross-flag rules", () => {
    const c = seeded()
    expect(() => purge(c, LS, opts({ agoMs: 0 }), NOW)).toThrow(
      '--filter is required when not using --untagged-only',
    )
    expect(() => purge(c, LS, opts({ filters: [parseFilter('a:b')] }), NOW)).toThrow(
      '--ago is required when not using --untagged-only',
    )
    expect(() => purge(c, LS, opts({ untagged: true, untaggedOnly: true }), NOW)).toThrow(
      /mutually exclusive/,
    )
  })
})

describe('purge', () => {
  it('dry run: the lines acr-cli prints, nothing deleted', () => {
    const c = seeded()
    const untagged30 = Object.values(c.storage.repository('orders/api')!.manifests).find(
      (m) => !Object.values(c.storage.repository('orders/api')!.tags).some((t) => t.digest === m.digest),
    )!.digest
    const v100 = digestOf(c, 'orders/api', '1.0.0')
    const r = purge(
      c,
      LS,
      opts({ filters: [parseFilter('orders/.*:.*')], agoMs: 40 * DAY, untagged: true, dryRun: true }),
      NOW,
    )
    const sorted = [untagged30, v100].sort((a, b) => (a === untagged30 ? -1 : 1) || (a < b ? -1 : 1))
    expect(r.lines).toEqual([
      'DRY RUN: The following output shows what WOULD be deleted if the purge command was executed. Nothing is deleted.',
      'Would delete tags for repository: orders/api',
      `Would delete: ${LS}/orders/api:1.1.0`,
      `Would delete: ${LS}/orders/api:1.0.0`,
      'Would delete manifests for repository: orders/api',
      ...[
        c.storage.repository('orders/api')!.manifests[digestOf(c, 'orders/api', '1.1.0')]!,
        ...sorted.map((d) => c.storage.repository('orders/api')!.manifests[d]!),
      ]
        .filter((m) => Date.parse(m.lastUpdateTime) < NOW - 40 * DAY)
        .sort((a, b) => Date.parse(b.lastUpdateTime) - Date.parse(a.lastUpdateTime))
        .map((m) => `Would delete: ${LS}/orders/api@${m.digest}`),
      '',
      'Number of tags to be deleted: 2',
      'Number of manifests to be deleted: 2',
    ])
    expect(Object.keys(c.storage.repository('orders/api')!.tags).sort()).toEqual([
      '1.0.0',
      '1.1.0',
      '1.2.0',
      'latest',
    ])
    expect(Object.keys(c.storage.repository('orders/api')!.manifests)).toHaveLength(4)
  })

  it('deletes old tags and untagged manifests; locked ones are skipped; totals', () => {
    const c = seeded()
    const locked = digestOf(c, 'billing/worker', 'stable')
    const r = purge(
      c,
      LS,
      opts({ filters: [parseFilter('billing/worker:.*')], agoMs: 0, untagged: true }),
      NOW,
    )
    expect(r.lines[0]).toBe('Deleting tags for repository: billing/worker')
    expect(r.lines[1]).toBe(`Deleted ${LS}/billing/worker:2024.11`)
    expect(r.lines[2]).toBe('Deleting manifests for repository: billing/worker')
    expect(r.lines.slice(-3)).toEqual(['', 'Number of deleted tags: 1', 'Number of deleted manifests: 2'])
    const repo = c.storage.repository('billing/worker')!
    expect(Object.keys(repo.tags).sort()).toEqual(['2025.06', 'stable'])
    expect(Object.keys(repo.manifests)).toEqual([locked])
  })

  it('--include-locked unlocks and deletes; --keep spares the newest', () => {
    const c = seeded()
    const r = purge(
      c,
      LS,
      opts({ filters: [parseFilter('billing/worker:.*')], agoMs: 0, includeLocked: true, keep: 1 }),
      NOW,
    )
    // Newest first: stable/2025.06 (10 days, same time; by name 2025.06 first) kept, then stable unlocked and deleted.
    expect(r.lines).toContain(`Unlocked ${LS}/billing/worker:stable`)
    expect(r.lines).toContain(`Deleted ${LS}/billing/worker:stable`)
    expect(r.lines).toContain(`Deleted ${LS}/billing/worker:2024.11`)
    expect(Object.keys(c.storage.repository('billing/worker')!.tags)).toEqual(['2025.06'])
    expect(r.tags).toBe(2)
  })

  it('--untagged-only without a filter: every repository, tags untouched', () => {
    const c = seeded()
    const r = purge(c, LS, opts({ untaggedOnly: true }), NOW)
    expect(r.tags).toBe(0)
    expect(r.manifests).toBe(2)
    expect(r.lines.filter((l) => l.startsWith('Deleting manifests'))).toHaveLength(2)
  })

  it('the tag regex is unanchored, the repository regex anchored', () => {
    const c = seeded()
    expect(
      purge(c, LS, opts({ filters: [parseFilter('orders:.*')], agoMs: 0, dryRun: true }), NOW).tags,
    ).toBe(0)
    expect(
      purge(c, LS, opts({ filters: [parseFilter('orders/api:\\.0')], agoMs: 0, dryRun: true }), NOW).tags,
    ).toBe(3)
  })
})

const man = (digest: string, days: number, extra: Partial<ManifestRecord> = {}): ManifestRecord => ({
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1,
  createdTime: new Date(NOW - days * DAY).toISOString(),
  lastUpdateTime: new Date(NOW - days * DAY).toISOString(),
  attributes: { ...OPEN },
  blobs: [],
  references: [],
  ...extra,
})
const repoOf = (manifests: ManifestRecord[], tags: Record<string, string>): RepositoryRecord => ({
  name: 'r',
  createdTime: '',
  lastUpdateTime: '',
  attributes: { ...OPEN },
  blobs: [],
  manifests: Object.fromEntries(manifests.map((m) => [m.digest, m])),
  tags: Object.fromEntries(
    Object.entries(tags).map(([name, digest]) => [
      name,
      { name, digest, createdTime: '', lastUpdateTime: new Date(NOW).toISOString(), attributes: { ...OPEN } },
    ]),
  ),
})

describe('manifests that stay', () => {
  it('children of a tagged index (recursively) and referrers are never candidates', () => {
    const repo = repoOf(
      [
        man('sha256:index', 50, {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          references: [{ digest: 'sha256:amd' }, { digest: 'sha256:nested' }],
        }),
        man('sha256:amd', 50),
        man('sha256:nested', 50, {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          references: [{ digest: 'sha256:arm' }],
        }),
        man('sha256:arm', 50),
        man('sha256:sig', 50, {
          subject: 'sha256:amd',
          artifactType: 'application/vnd.cncf.notary.signature',
        }),
        man('sha256:orphan', 50),
      ],
      { v1: 'sha256:index' },
    )
    expect(manifestsToDelete(repo, new Set(['v1']), NOW, { keep: 0, includeLocked: false })).toEqual([
      'sha256:orphan',
    ])
    // Once the index loses its tag, the whole tree goes (the referrer stays for ACR to clean up).
    expect(manifestsToDelete(repo, new Set(), NOW, { keep: 0, includeLocked: false }).sort()).toEqual([
      'sha256:amd',
      'sha256:arm',
      'sha256:index',
      'sha256:nested',
      'sha256:orphan',
    ])
  })

  it('property: tags deleted = matching, older, unlocked, minus the --keep newest (naive reference)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ days: fc.integer({ min: 0, max: 60 }), locked: fc.boolean() }), {
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        (specs, agoDays, keep, includeLocked) => {
          const repo = repoOf([man('sha256:m', 0)], {})
          specs.forEach((s, i) => {
            repo.tags[`t${i}`] = {
              name: `t${i}`,
              digest: 'sha256:m',
              createdTime: '',
              lastUpdateTime: new Date(NOW - s.days * DAY - i).toISOString(),
              attributes: { ...OPEN, deleteEnabled: !s.locked },
            }
          })
          const cutoff = NOW - agoDays * DAY
          const naive: string[] = []
          let kept = 0
          const order = specs
            .map((s, i) => ({ ...s, i, t: NOW - s.days * DAY - i }))
            .sort((a, b) => b.t - a.t)
          for (const s of order) {
            if (!(s.t < cutoff) || (s.locked && !includeLocked)) continue
            if (kept < keep) kept++
            else naive.push(`t${s.i}`)
          }
          expect(tagsToDelete(repo, [/t/], cutoff, { keep, includeLocked })).toEqual(naive)
        },
      ),
    )
  })
})
