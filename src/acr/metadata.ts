/**
 * ACR's metadata API (`/acr/v1/…`) bodies, with the field names `@azure/container-registry` 1.1.2
 * deserialises (generated/models/mappers): repository, tag and manifest properties with
 * `changeableAttributes`, lists with `Link` pagination, and attribute updates (PATCH bodies are the
 * flat `{deleteEnabled, writeEnabled, readEnabled, listEnabled}`).
 */
import { BadRequest, DisallowedOperation } from './errors.js'
import type { ChangeableAttributes, ManifestRecord, RepositoryRecord, TagRecord } from './storage.js'

const attributes = (a: ChangeableAttributes) => ({
  deleteEnabled: a.deleteEnabled,
  writeEnabled: a.writeEnabled,
  readEnabled: a.readEnabled,
  listEnabled: a.listEnabled,
})

export function repositoryProperties(loginServer: string, repo: RepositoryRecord) {
  return {
    registry: loginServer,
    imageName: repo.name,
    createdTime: repo.createdTime,
    lastUpdateTime: repo.lastUpdateTime,
    manifestCount: Object.keys(repo.manifests).length,
    tagCount: Object.keys(repo.tags).length,
    changeableAttributes: { ...attributes(repo.attributes), teleportEnabled: false },
  }
}

export const tagAttributes = (t: TagRecord) => ({
  name: t.name,
  digest: t.digest,
  createdTime: t.createdTime,
  lastUpdateTime: t.lastUpdateTime,
  signed: false,
  changeableAttributes: attributes(t.attributes),
})

export function manifestAttributes(repo: RepositoryRecord, m: ManifestRecord) {
  const tags = Object.values(repo.tags)
    .filter((t) => t.digest === m.digest)
    .map((t) => t.name)
    .sort()
  return {
    digest: m.digest,
    imageSize: m.size,
    createdTime: m.createdTime,
    lastUpdateTime: m.lastUpdateTime,
    ...(m.architecture && { architecture: m.architecture }),
    ...(m.os && { os: m.os }),
    mediaType: m.mediaType,
    ...(m.references.length > 0 && {
      references: m.references.map((r) => ({ digest: r.digest, architecture: r.architecture, os: r.os })),
    }),
    ...(tags.length > 0 && { tags }),
    changeableAttributes: { ...attributes(m.attributes), quarantineState: 'Passed' },
  }
}

export type OrderBy = 'timedesc' | 'timeasc' | undefined

export function orderOf(value: unknown): OrderBy {
  if (value === undefined || value === '') return undefined
  if (value === 'timedesc' || value === 'timeasc') return value
  throw new BadRequest(`orderby must be timedesc or timeasc`)
}

/** Sorts by last update time (orderby) or by name/digest (default), as ACR lists. */
export function ordered<T extends { lastUpdateTime: string }>(
  items: T[],
  key: (t: T) => string,
  orderby: OrderBy,
): T[] {
  const byKey = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  if (orderby === undefined) return byKey
  const sign = orderby === 'timedesc' ? -1 : 1
  return byKey.sort(
    (a, b) => sign * (a.lastUpdateTime < b.lastUpdateTime ? -1 : a.lastUpdateTime > b.lastUpdateTime ? 1 : 0),
  )
}

/** The attributes a PATCH body sets; unknown keys and non-booleans are refused. */
export function attributeUpdate(body: unknown): Partial<ChangeableAttributes> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest('the request body must be a JSON object')
  const out: Partial<ChangeableAttributes> = {}
  for (const [k, v] of Object.entries(body)) {
    if (!['deleteEnabled', 'writeEnabled', 'readEnabled', 'listEnabled'].includes(k)) continue
    if (typeof v !== 'boolean') throw new BadRequest(`${k} must be true or false`)
    out[k as keyof ChangeableAttributes] = v
  }
  return out
}

/**
 * Applies an update. A locked item (writeEnabled:false) may only be unlocked: an update that keeps
 * writeEnabled false but changes something else is still allowed, as ACR's lock is the attribute itself.
 */
export function applyAttributes(
  target: { attributes: ChangeableAttributes },
  update: Partial<ChangeableAttributes>,
): void {
  if (Object.keys(update).length === 0) return
  if (!target.attributes) throw new DisallowedOperation()
  target.attributes = { ...target.attributes, ...update }
}

/** One page of `items` after `last`, at most `n`; whether there is more. */
export function page<T>(
  items: T[],
  key: (t: T) => string,
  n: number | undefined,
  last: string | undefined,
): { items: T[]; more: boolean } {
  let start = 0
  if (last !== undefined && last !== '') {
    const i = items.findIndex((x) => key(x) === last)
    start = i >= 0 ? i + 1 : items.findIndex((x) => key(x) > last)
    if (start < 0) start = items.length
  }
  const rest = items.slice(start)
  if (n === undefined) return { items: rest, more: false }
  return { items: rest.slice(0, n), more: rest.length > n }
}
