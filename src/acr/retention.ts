/**
 * The retention policy for untagged manifests (docs/acr.md#retention, Microsoft Learn: container-registry-retention-policy): while
 * `policies.retentionPolicy.status` is `enabled`, an untagged manifest whose last update is more than
 * `days` ago — and, since only manifests untagged after the policy was enabled count, also `days` after
 * the policy's `lastUpdatedTime` — is deleted, unless it is locked, a child of a manifest that stays
 * or a referrer. Applied on the simulator clock: after every `clock advance` and on a timer. A
 * repository left without manifests goes too. Each deletion is an `acr.retention.deleted` event.
 */
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import type { RegistryContent } from './content.js'
import { manifestsToDelete } from './purge.js'
import type { RegistrySettings } from './settings.js'

const DAY = 86_400_000

/** Deletes what the policy says is due at `nowMs`; answers what went. */
export function applyRetention(
  content: RegistryContent,
  settings: RegistrySettings,
  nowMs: number,
): { repository: string; digest: string }[] {
  const policy = settings.policies?.retentionPolicy
  if (policy?.status !== 'enabled') return []
  const cutoff = nowMs - policy.days * DAY
  const since = policy.lastUpdatedTime === undefined ? NaN : Date.parse(policy.lastUpdatedTime)
  if (Number.isFinite(since) && since >= cutoff) return []
  const deleted: { repository: string; digest: string }[] = []
  for (const repo of content.storage.repositories()) {
    const tags = new Set(Object.keys(repo.tags))
    for (const digest of manifestsToDelete(repo, tags, cutoff, { keep: 0, includeLocked: false })) {
      try {
        content.deleteManifest(repo.name, digest)
        deleted.push({ repository: repo.name, digest })
      } catch {
        // Locked in the meantime (a repository lock): kept, as ACR keeps it.
      }
    }
    if (Object.keys(repo.manifests).length === 0 && Object.keys(repo.tags).length === 0) {
      try {
        content.deleteRepository(repo.name)
      } catch {
        // A locked repository stays.
      }
    }
  }
  return deleted
}

/** Runs the policy after every clock advance and every `intervalMs`; returns the stop function. */
export function startRetention(o: {
  content: RegistryContent
  settings: () => RegistrySettings
  clock: Pick<Clock, 'now'>
  events: EventBus
  intervalMs?: number
  onUnexpected: (err: unknown) => void
}): () => void {
  const run = () => {
    try {
      const settings = o.settings()
      for (const d of applyRetention(o.content, settings, o.clock.now()))
        o.events.emit('acr.retention.deleted', 'acr', {
          registry: settings.name,
          repository: d.repository,
          digest: d.digest,
          days: settings.policies!.retentionPolicy!.days,
        })
    } catch (err) {
      o.onUnexpected(err)
    }
  }
  const unsubscribe = o.events.subscribe((e) => {
    if (e.type === 'clock.advanced') run()
  })
  const timer = setInterval(run, o.intervalMs ?? 60_000)
  timer.unref()
  return () => {
    unsubscribe()
    clearInterval(timer)
  }
}
