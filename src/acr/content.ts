/**
 * The distribution API's protocol functions over a registry's storage: manifests (put, get with
 * content negotiation, delete), blobs and uploads, tags, catalog and referrers, and the
 * changeableAttributes locks (`writeEnabled:false` blocks updates and deletes, `deleteEnabled:false`
 * blocks deletes, `readEnabled:false` blocks pulls, `listEnabled:false` hides from listings).
 */
import type { Clock } from '../kernel/clock.js'
import { newGuid } from '../kernel/ids.js'
import {
  BlobUnknown,
  BlobUploadInvalid,
  BlobUploadUnknown,
  DigestInvalid,
  DisallowedOperation,
  ManifestBlobUnknown,
  ManifestInvalid,
  ManifestUnknown,
  NameUnknown,
  Unsupported,
} from './errors.js'
import { OCI_INDEX, OCI_MANIFEST, parseManifest } from './manifests.js'
import { isDigest, isTag } from './names.js'
import type { RegistryStorage } from './storage.js'
import {
  OPEN,
  sha256,
  type ManifestRecord,
  type RepositoryRecord,
  type TagRecord,
  type Upload,
} from './storage.js'

export interface StoredManifest {
  record: ManifestRecord
  content: Buffer
}

export class RegistryContent {
  readonly storage: RegistryStorage
  private readonly clock: Pick<Clock, 'now'>
  constructor(storage: RegistryStorage, clock: Pick<Clock, 'now'>) {
    this.storage = storage
    this.clock = clock
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString()
  }

  repository(name: string): RepositoryRecord {
    const r = this.storage.repository(name)
    if (!r) throw new NameUnknown(name)
    return r
  }

  /** Resolves a tag or digest; NAME_UNKNOWN / MANIFEST_UNKNOWN when absent. */
  resolve(
    name: string,
    reference: string,
  ): { repo: RepositoryRecord; manifest: ManifestRecord; tag?: TagRecord } {
    const repo = this.repository(name)
    if (isDigest(reference)) {
      const manifest = repo.manifests[reference]
      if (!manifest) throw new ManifestUnknown(reference)
      return { repo, manifest }
    }
    const tag = Object.hasOwn(repo.tags, reference) ? repo.tags[reference] : undefined
    const manifest = tag && repo.manifests[tag.digest]
    if (!tag || !manifest) throw new ManifestUnknown(reference)
    return { repo, manifest, tag }
  }

  getManifest(name: string, reference: string, accept: string[]): StoredManifest {
    const { manifest, tag } = this.resolve(name, reference)
    if (!manifest.attributes.readEnabled || (tag && !tag.attributes.readEnabled))
      throw new DisallowedOperation()
    if (accept.length > 0 && !accept.includes('*/*') && !accept.includes(manifest.mediaType)) {
      const oci = manifest.mediaType === OCI_MANIFEST || manifest.mediaType === OCI_INDEX
      throw new ManifestUnknown(
        reference,
        oci
          ? 'OCI manifest found, but accept header does not support OCI manifests'
          : `manifest of media type ${manifest.mediaType} found, but the accept header does not allow it`,
      )
    }
    return { record: manifest, content: this.storage.readBlob(manifest.digest) }
  }

  putManifest(
    name: string,
    reference: string,
    body: Buffer,
    contentType: string | undefined,
  ): ManifestRecord {
    const parsed = parseManifest(body, contentType)
    const digest = sha256(body)
    if (isDigest(reference) && reference !== digest)
      throw new DigestInvalid(`the manifest's digest is ${digest}, not ${reference}`)
    if (!isDigest(reference) && !isTag(reference))
      throw new ManifestInvalid(`'${reference}' is neither a tag nor a digest`)
    const existingRepo = this.storage.repository(name)
    if (existingRepo && !existingRepo.attributes.writeEnabled) throw new DisallowedOperation()
    const existingTag = !isDigest(reference) && existingRepo?.tags[reference]
    if (existingTag && existingTag.digest !== digest && !existingTag.attributes.writeEnabled)
      throw new DisallowedOperation()
    const existing = existingRepo?.manifests[digest]
    for (const b of parsed.blobs)
      if (!this.storage.hasBlob(b) || !(existingRepo?.blobs.includes(b) ?? false))
        throw new ManifestBlobUnknown(b)
    for (const c of parsed.children)
      if (!existingRepo?.manifests[c.digest]) throw new ManifestBlobUnknown(c.digest)
    const now = this.now()
    const repo = this.storage.ensureRepository(name, now)
    this.storage.putBlob(body)
    let platform: { architecture?: string; os?: string } = {}
    if (parsed.config && !parsed.artifactType) platform = this.platformOf(parsed.config.digest)
    const record: ManifestRecord = existing ?? {
      digest,
      mediaType: parsed.mediaType,
      size: body.length,
      createdTime: now,
      lastUpdateTime: now,
      attributes: { ...OPEN },
      blobs: parsed.blobs,
      references: parsed.children,
      ...platform,
      ...(parsed.subject && { subject: parsed.subject }),
      ...(parsed.artifactType && { artifactType: parsed.artifactType }),
      ...(parsed.annotations && { annotations: parsed.annotations }),
    }
    repo.manifests[digest] = record
    if (!isDigest(reference)) this.setTag(repo, reference, digest, now)
    repo.lastUpdateTime = now
    this.storage.save()
    return record
  }

  private platformOf(configDigest: string): { architecture?: string; os?: string } {
    try {
      if (this.storage.blobSize(configDigest) > 1 << 20) return {}
      const c = JSON.parse(this.storage.readBlob(configDigest).toString('utf8')) as Record<string, unknown>
      return {
        ...(typeof c.architecture === 'string' && { architecture: c.architecture }),
        ...(typeof c.os === 'string' && { os: c.os }),
      }
    } catch {
      return {}
    }
  }

  setTag(repo: RepositoryRecord, tag: string, digest: string, now: string): void {
    const old = Object.hasOwn(repo.tags, tag) ? repo.tags[tag] : undefined
    repo.tags[tag] = old
      ? { ...old, digest, lastUpdateTime: now }
      : { name: tag, digest, createdTime: now, lastUpdateTime: now, attributes: { ...OPEN } }
  }

  /** DELETE /v2/<name>/manifests/<digest>: the manifest and every tag on it. */
  deleteManifest(name: string, reference: string): void {
    if (!isDigest(reference)) throw new Unsupported('The operation is unsupported.')
    const { repo, manifest } = this.resolve(name, reference)
    const tags = Object.values(repo.tags).filter((t) => t.digest === manifest.digest)
    const locked = (a: { deleteEnabled: boolean; writeEnabled: boolean }) =>
      !a.deleteEnabled || !a.writeEnabled
    if (locked(repo.attributes) || locked(manifest.attributes) || tags.some((t) => locked(t.attributes)))
      throw new DisallowedOperation()
    for (const t of tags) delete repo.tags[t.name]
    delete repo.manifests[manifest.digest]
    repo.lastUpdateTime = this.now()
    this.storage.save()
  }

  deleteTag(name: string, tag: string): void {
    const repo = this.repository(name)
    const t = Object.hasOwn(repo.tags, tag) ? repo.tags[tag] : undefined
    if (!t) throw new ManifestUnknown(tag)
    if (
      !repo.attributes.writeEnabled ||
      !repo.attributes.deleteEnabled ||
      !t.attributes.deleteEnabled ||
      !t.attributes.writeEnabled
    )
      throw new DisallowedOperation()
    delete repo.tags[tag]
    repo.lastUpdateTime = this.now()
    this.storage.save()
  }

  /** DELETE /acr/v1/<name>: counts of what went. */
  deleteRepository(name: string): { manifestsDeleted: string[]; tagsDeleted: string[] } {
    const repo = this.repository(name)
    const locked = (a: { deleteEnabled: boolean; writeEnabled: boolean }) =>
      !a.deleteEnabled || !a.writeEnabled
    if (
      locked(repo.attributes) ||
      Object.values(repo.manifests).some((m) => locked(m.attributes)) ||
      Object.values(repo.tags).some((t) => locked(t.attributes))
    )
      throw new DisallowedOperation()
    const result = { manifestsDeleted: Object.keys(repo.manifests), tagsDeleted: Object.keys(repo.tags) }
    this.storage.deleteRepository(name)
    this.storage.save()
    return result
  }

  /** Tags visible in listings (listEnabled), sorted by name. */
  listedTags(name: string): TagRecord[] {
    const repo = this.repository(name)
    return Object.values(repo.tags)
      .filter((t) => t.attributes.listEnabled)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  catalog(): string[] {
    return this.storage
      .repositories()
      .filter((r) => r.attributes.listEnabled)
      .map((r) => r.name)
  }

  /** OCI referrers of `digest` (manifests whose subject it is), optionally of one artifact type. */
  referrers(name: string, digest: string, artifactType: string | undefined): object {
    const repo = this.repository(name)
    const manifests = Object.values(repo.manifests)
      .filter((m) => m.subject === digest && (artifactType === undefined || m.artifactType === artifactType))
      .map((m) => ({
        mediaType: m.mediaType,
        digest: m.digest,
        size: m.size,
        ...(m.artifactType && { artifactType: m.artifactType }),
        ...(m.annotations && { annotations: m.annotations }),
      }))
    return { schemaVersion: 2, mediaType: OCI_INDEX, manifests }
  }

  // ---- blobs ----------------------------------------------------------------------------------

  blob(name: string, digest: string): { size: number; read: () => Buffer } {
    const repo = this.repository(name)
    if (!isDigest(digest) || !repo.blobs.includes(digest) || !this.storage.hasBlob(digest))
      throw new BlobUnknown(digest)
    return { size: this.storage.blobSize(digest), read: () => this.storage.readBlob(digest) }
  }

  deleteBlob(name: string, digest: string): void {
    const repo = this.repository(name)
    if (!repo.blobs.includes(digest)) throw new BlobUnknown(digest)
    if (!repo.attributes.writeEnabled || !repo.attributes.deleteEnabled) throw new DisallowedOperation()
    repo.blobs = repo.blobs.filter((b) => b !== digest)
    this.storage.save()
  }

  private link(name: string, digest: string): void {
    const repo = this.storage.ensureRepository(name, this.now())
    if (!repo.blobs.includes(digest)) repo.blobs.push(digest)
    this.storage.save()
  }

  private checkWritable(name: string): void {
    const repo = this.storage.repository(name)
    if (repo && !repo.attributes.writeEnabled) throw new DisallowedOperation()
  }

  /** Cross-repository mount: links a blob `from` holds; false when it does not (start an upload instead). */
  mount(name: string, digest: string, from: string): boolean {
    this.checkWritable(name)
    const source = this.storage.repository(from)
    if (!source?.blobs.includes(digest) || !this.storage.hasBlob(digest)) return false
    this.link(name, digest)
    return true
  }

  /** A monolithic upload (`POST …/uploads/?digest=` with the body). */
  putBlob(name: string, digest: string, body: Buffer): void {
    this.checkWritable(name)
    if (!isDigest(digest)) throw new DigestInvalid(`'${digest}' is not a sha256 digest`)
    if (sha256(body) !== digest) throw new DigestInvalid(`the content's digest is ${sha256(body)}`)
    this.storage.putBlob(body)
    this.link(name, digest)
  }

  startUpload(name: string): Upload {
    this.checkWritable(name)
    return this.storage.startUpload(newGuid(), name)
  }

  upload(name: string, id: string): Upload {
    const u = this.storage.upload(id)
    if (!u || u.repository !== name) throw new BlobUploadUnknown()
    return u
  }

  /** PATCH: appends a chunk; a Content-Range must start where the upload is. */
  appendUpload(name: string, id: string, chunk: Buffer, range: string | undefined): Upload {
    const u = this.upload(name, id)
    if (range !== undefined) {
      const m = /^(?:bytes[= ])?(\d+)-(\d+)$/.exec(range.trim())
      if (!m || Number(m[1]) !== u.size || Number(m[2]) - Number(m[1]) + 1 !== chunk.length)
        throw new BlobUploadInvalid(`Content-Range ${range} does not continue the upload at ${u.size}`)
    }
    this.storage.appendUpload(u, chunk)
    return u
  }

  /** PUT ?digest=: the last chunk (maybe empty), then the digest check. */
  finishUpload(name: string, id: string, digest: string | undefined, last: Buffer): string {
    const u = this.upload(name, id)
    if (digest === undefined || !isDigest(digest))
      throw new DigestInvalid(`'${digest ?? ''}' is not a sha256 digest`)
    if (last.length > 0) this.storage.appendUpload(u, last)
    const content = this.storage.finishUpload(u)
    if (sha256(content) !== digest) throw new DigestInvalid(`the content's digest is ${sha256(content)}`)
    this.storage.putBlob(content)
    this.link(name, digest)
    return digest
  }

  cancelUpload(name: string, id: string): void {
    this.upload(name, id)
    this.storage.cancelUpload(id)
  }
}
