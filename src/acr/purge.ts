/**
 * `acr purge` (Azure/acr-cli, docs/acr.md#purge) over a registry's content: which tags and untagged
 * manifests go, in acr-cli's order and with its output lines. Ages are read on the simulator clock.
 * Semantics (Azure/acr-cli cmd/acr/purge.go; Microsoft Learn: container-registry-auto-purge): repository regex anchored, tag regex unanchored, several filters on
 * one repository OR-ed; a tag goes when it matches, is older than the cut-off (`lastUpdateTime`
 * strictly before it) and is unlocked (or `--include-locked`), `--keep N` sparing the N newest such
 * tags; with `--untagged`/`--untagged-only` an untagged manifest goes unless it is locked, younger than
 * the cut-off, a child of a manifest that stays (multi-arch index) or a referrer (has a `subject`).
 */
import type { RegistryContent } from './content.js'
import type { ManifestRecord, RepositoryRecord } from './storage.js'

export class PurgeUsageError extends Error {}

export interface PurgeFilter {
  repository: string
  tag: string
}

export interface PurgeOptions {
  filters: PurgeFilter[]
  /** The age threshold in milliseconds; undefined: every age (only with --untagged-only). */
  agoMs?: number
  keep: number
  untagged: boolean
  untaggedOnly: boolean
  dryRun: boolean
  includeLocked: boolean
}

export interface PurgeResult {
  lines: string[]
  tags: number
  manifests: number
}

const MAX_AGO_MS = 150 * 365 * 24 * 3600 * 1000
const GO_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/** `--ago`: `[<int>d][<Go duration>]` (`2d3h6m`, `1.5h`, `0d`); a bare number fails like Go's ParseDuration. */
export function parseAgo(raw: string): { ms: number; warning?: string } {
  const m = /^(\d+)d(.*)$/.exec(raw)
  let ms = m ? Number(m[1]) * 86_400_000 : 0
  const rest = m ? m[2]! : raw
  if (rest !== '') {
    if (rest === '0') return { ms }
    const part = /(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/y
    let i = 0
    while (i < rest.length) {
      part.lastIndex = i
      const p = part.exec(rest)
      if (!p || p[1] === '' || p[1] === '.') throw new PurgeUsageError(`time: invalid duration "${rest}"`)
      ms += Number(p[1]) * GO_UNITS[p[2]!]!
      i = part.lastIndex
    }
  }
  if (ms > MAX_AGO_MS)
    return {
      ms: MAX_AGO_MS,
      warning: 'Warning: ago value exceeds maximum duration of 150 years, capping to 150 years',
    }
  return { ms }
}

/** `--filter <repo-regex>:<tag-regex>`: split at the first `:` outside a parenthesised group. */
export function parseFilter(raw: string): PurgeFilter {
  let depth = 0
  let at = -1
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]
    if (c === '\\') i++
    else if (c === '(') depth++
    else if (c === ')') depth = Math.max(0, depth - 1)
    else if (c === ':' && depth === 0) {
      at = i
      break
    }
  }
  if (at < 0) throw new PurgeUsageError('unable to correctly parse filter flag')
  const repository = raw.slice(0, at)
  const tag = raw.slice(at + 1)
  if (repository === '') throw new PurgeUsageError('missing repository name/expression')
  if (tag === '') throw new PurgeUsageError('missing tag name/expression')
  for (const re of [repository, tag])
    try {
      new RegExp(re)
    } catch (err) {
      throw new PurgeUsageError(`invalid regular expression '${re}': ${(err as Error).message}`)
    }
  return { repository, tag }
}

/** acr-cli's cross-flag rules (purge.go). */
export function checkPurgeOptions(
  o: Pick<PurgeOptions, 'filters' | 'agoMs' | 'untagged' | 'untaggedOnly'>,
): void {
  if (o.untagged && o.untaggedOnly)
    throw new PurgeUsageError('--untagged and --untagged-only are mutually exclusive')
  if (!o.untaggedOnly && o.filters.length === 0)
    throw new PurgeUsageError('--filter is required when not using --untagged-only')
  if (!o.untaggedOnly && o.agoMs === undefined)
    throw new PurgeUsageError('--ago is required when not using --untagged-only')
}

const locked = (a: { deleteEnabled: boolean; writeEnabled: boolean }) => !a.deleteEnabled || !a.writeEnabled
const ms = (iso: string) => Date.parse(iso)
const byNewest = <T extends { lastUpdateTime: string }>(a: T, b: T) =>
  ms(b.lastUpdateTime) - ms(a.lastUpdateTime)

/** Tag names that go from one repository (newest first, `--keep` applied). */
export function tagsToDelete(
  repo: RepositoryRecord,
  tagRegexes: RegExp[],
  cutoffMs: number,
  o: Pick<PurgeOptions, 'keep' | 'includeLocked'>,
): string[] {
  const eligible = Object.values(repo.tags)
    .filter((t) => tagRegexes.some((r) => r.test(t.name)))
    .filter((t) => ms(t.lastUpdateTime) < cutoffMs)
    .filter((t) => o.includeLocked || !locked(t.attributes))
    .sort((a, b) => byNewest(a, b) || (a.name < b.name ? -1 : 1))
  return eligible.slice(o.keep).map((t) => t.name)
}

/** Digests of untagged manifests that go, given the tags that remain (`--keep` applied). */
export function manifestsToDelete(
  repo: RepositoryRecord,
  remainingTags: Set<string>,
  cutoffMs: number | undefined,
  o: Pick<PurgeOptions, 'keep' | 'includeLocked'>,
): string[] {
  const tagged = new Set(
    Object.values(repo.tags)
      .filter((t) => remainingTags.has(t.name))
      .map((t) => t.digest),
  )
  const all = Object.values(repo.manifests)
  const candidate = (m: ManifestRecord) =>
    m.mediaType !== '' &&
    !tagged.has(m.digest) &&
    (o.includeLocked || !locked(m.attributes)) &&
    (cutoffMs === undefined || ms(m.lastUpdateTime) < cutoffMs) &&
    m.subject === undefined
  // Children of a manifest that stays are protected, recursively (acr-cli's multi-arch fix).
  const protectedSet = new Set(all.filter((m) => !candidate(m)).map((m) => m.digest))
  for (let changed = true; changed;) {
    changed = false
    for (const m of all)
      if (protectedSet.has(m.digest))
        for (const r of m.references)
          if (repo.manifests[r.digest] && !protectedSet.has(r.digest)) {
            protectedSet.add(r.digest)
            changed = true
          }
  }
  return all
    .filter((m) => !protectedSet.has(m.digest))
    .sort((a, b) => byNewest(a, b) || (a.digest < b.digest ? -1 : 1))
    .slice(o.keep)
    .map((m) => m.digest)
}

/** Runs (or, with dryRun, describes) a purge on one registry at `nowMs`. */
export function purge(
  content: RegistryContent,
  loginServer: string,
  o: PurgeOptions,
  nowMs: number,
): PurgeResult {
  checkPurgeOptions(o)
  const cutoff = o.agoMs === undefined ? undefined : nowMs - o.agoMs
  const lines: string[] = []
  if (o.dryRun)
    lines.push(
      'DRY RUN: The following output shows what WOULD be deleted if the purge command was executed. Nothing is deleted.',
    )
  const catalog = content.storage.repositories().map((r) => r.name)
  // Repository → its tag regexes (several filters on one repository are OR-ed).
  const targets = new Map<string, RegExp[]>()
  const filters = o.filters.map((f) => ({
    repo: new RegExp(`^(?:${f.repository})$`),
    tag: new RegExp(f.tag),
  }))
  for (const name of catalog) {
    if (o.untaggedOnly && filters.length === 0) targets.set(name, [])
    for (const f of filters) if (f.repo.test(name)) targets.set(name, [...(targets.get(name) ?? []), f.tag])
  }
  let tags = 0
  let manifests = 0
  if (!o.untaggedOnly)
    for (const [name, regexes] of targets) {
      const repo = content.storage.repository(name)
      if (!repo) continue
      const doomed = tagsToDelete(repo, regexes, cutoff!, o)
      if (doomed.length === 0) continue
      lines.push(`${o.dryRun ? 'Would delete' : 'Deleting'} tags for repository: ${name}`)
      for (const tag of doomed) {
        if (o.dryRun) {
          lines.push(`Would delete: ${loginServer}/${name}:${tag}`)
          tags++
          continue
        }
        const t = repo.tags[tag]!
        if (locked(t.attributes)) {
          t.attributes = { ...t.attributes, deleteEnabled: true, writeEnabled: true }
          lines.push(`Unlocked ${loginServer}/${name}:${tag}`)
        }
        try {
          content.deleteTag(name, tag)
          lines.push(`Deleted ${loginServer}/${name}:${tag}`)
          tags++
        } catch {
          lines.push(`Skipped ${loginServer}/${name}:${tag}, operation not allowed, HTTP status: 405`)
        }
      }
    }
  if (o.untagged || o.untaggedOnly)
    for (const name of targets.keys()) {
      const repo = content.storage.repository(name)
      if (!repo) continue
      const before = new Set(Object.keys(repo.tags))
      // In a dry run the tags that would have gone count as gone.
      if (o.dryRun && !o.untaggedOnly)
        for (const t of tagsToDelete(repo, targets.get(name)!, cutoff!, o)) before.delete(t)
      const doomed = manifestsToDelete(repo, before, cutoff, o)
      if (doomed.length === 0) continue
      lines.push(`${o.dryRun ? 'Would delete' : 'Deleting'} manifests for repository: ${name}`)
      for (const digest of doomed) {
        if (o.dryRun) {
          lines.push(`Would delete: ${loginServer}/${name}@${digest}`)
          manifests++
          continue
        }
        const m = repo.manifests[digest]!
        if (locked(m.attributes)) {
          m.attributes = { ...m.attributes, deleteEnabled: true, writeEnabled: true }
          lines.push(`Unlocked ${loginServer}/${name}@${digest}`)
        }
        try {
          content.deleteManifest(name, digest)
          lines.push(`Deleted ${loginServer}/${name}@${digest}`)
          manifests++
        } catch {
          lines.push(`Skipped ${loginServer}/${name}@${digest}, operation not allowed, HTTP status: 405`)
        }
      }
    }
  lines.push('')
  if (o.dryRun) {
    lines.push(`Number of tags to be deleted: ${tags}`, `Number of manifests to be deleted: ${manifests}`)
  } else {
    lines.push(`Number of deleted tags: ${tags}`, `Number of deleted manifests: ${manifests}`)
  }
  return { lines, tags, manifests }
}
