/**
 * Seeds a new registry with the scenario's repositories: one generated image per entry, its tags,
 * its age (created and updated `ageDays` before now) and its lock (`locked`: deleteEnabled and
 * writeEnabled false on the manifest and its tags).
 */
import type { ContainerRegistrySpec } from '../azure-rbac/index.js'
import type { RegistryContent } from './content.js'
import { generateImage } from './images.js'
import { sha256 as sha } from './storage.js'

const DAY = 86_400_000

export function seedRegistry(content: RegistryContent, spec: ContainerRegistrySpec, nowMs: number): void {
  for (const repository of spec.repositories ?? []) {
    repository.images.forEach((image, i) => {
      const when = new Date(nowMs - image.ageDays * DAY).toISOString()
      const g = generateImage(repository.name, i, when.slice(0, 10) + 'T00:00:00Z')
      content.putBlob(repository.name, sha(g.config), g.config)
      content.putBlob(repository.name, sha(g.layer), g.layer)
      content.putManifest(repository.name, g.digest, g.manifest, undefined)
      const repo = content.repository(repository.name)
      for (const tag of image.tags) content.setTag(repo, tag, g.digest, when)
      const m = repo.manifests[g.digest]!
      m.createdTime = when
      m.lastUpdateTime = when
      if (image.locked) {
        m.attributes = { ...m.attributes, deleteEnabled: false, writeEnabled: false }
        for (const tag of image.tags) repo.tags[tag]!.attributes = { ...m.attributes }
      }
      for (const tag of image.tags) {
        repo.tags[tag]!.createdTime = when
        repo.tags[tag]!.lastUpdateTime = when
      }
      const times = Object.values(repo.manifests)
        .map((x) => x.createdTime)
        .sort()
      repo.createdTime = times[0]!
      repo.lastUpdateTime = times[times.length - 1]!
    })
  }
  content.storage.save()
}
