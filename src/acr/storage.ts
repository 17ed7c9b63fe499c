/**
 * A registry's content-addressed storage in `<dir>`: blobs (layers, configs and manifests) under
 * `blobs/sha256/<hex>`, and one `index.json` with repositories, their manifests (media type, size,
 * references, subject, times, changeable attributes), tags and linked blobs. Every change rewrites
 * index.json atomically; blobs are written once under their digest. Upload sessions live under
 * `uploads/` for the life of the process.
 */
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from './files.js'

export interface ChangeableAttributes {
  deleteEnabled: boolean
  writeEnabled: boolean
  readEnabled: boolean
  listEnabled: boolean
}

export const OPEN: Readonly<ChangeableAttributes> = Object.freeze({
  deleteEnabled: true,
  writeEnabled: true,
  readEnabled: true,
  listEnabled: true,
})

export interface ManifestRecord {
  digest: string
  mediaType: string
  size: number
  createdTime: string
  lastUpdateTime: string
  attributes: ChangeableAttributes
  /** Blobs and child manifests the manifest points at. */
  blobs: string[]
  references: { digest: string; architecture?: string; os?: string }[]
  architecture?: string
  os?: string
  /** OCI referrers: the manifest this one refers to, and its artifact type. */
  subject?: string
  artifactType?: string
  annotations?: Record<string, string>
}

export interface TagRecord {
  name: string
  digest: string
  createdTime: string
  lastUpdateTime: string
  attributes: ChangeableAttributes
}

export interface RepositoryRecord {
  name: string
  createdTime: string
  lastUpdateTime: string
  attributes: ChangeableAttributes
  manifests: Record<string, ManifestRecord>
  tags: Record<string, TagRecord>
  /** Blobs linked to the repository (uploaded, mounted or referenced). */
  blobs: string[]
}

interface Index {
  repositories: Record<string, RepositoryRecord>
}

export const sha256 = (data: Buffer | string): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`

export interface Upload {
  id: string
  repository: string
  file: string
  size: number
}

export class RegistryStorage {
  private index: Index
  private readonly uploads = new Map<string, Upload>()

  private readonly dir: string

  constructor(dir: string) {
    this.dir = dir
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true, mode: 0o700 })
    rmSync(join(dir, 'uploads'), { recursive: true, force: true })
    mkdirSync(join(dir, 'uploads'), { recursive: true, mode: 0o700 })
    const file = join(dir, 'index.json')
    this.index = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Index) : { repositories: {} }
  }

  /** Whether nothing was ever stored (first start: seed). */
  isEmpty(): boolean {
    return Object.keys(this.index.repositories).length === 0 && !existsSync(join(this.dir, 'index.json'))
  }

  save(): void {
    writeFileAtomic(join(this.dir, 'index.json'), JSON.stringify(this.index))
  }

  repositories(): RepositoryRecord[] {
    return Object.values(this.index.repositories).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )
  }

  repository(name: string): RepositoryRecord | undefined {
    return Object.hasOwn(this.index.repositories, name) ? this.index.repositories[name] : undefined
  }

  /** The repository, created (not yet saved) when absent. */
  ensureRepository(name: string, now: string): RepositoryRecord {
    const existing = this.repository(name)
    if (existing) return existing
    const created: RepositoryRecord = {
      name,
      createdTime: now,
      lastUpdateTime: now,
      attributes: { ...OPEN },
      manifests: {},
      tags: {},
      blobs: [],
    }
    this.index.repositories[name] = created
    return created
  }

  deleteRepository(name: string): void {
    delete this.index.repositories[name]
  }

  private blobPath(digest: string): string {
    return join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length))
  }

  hasBlob(digest: string): boolean {
    return existsSync(this.blobPath(digest))
  }

  blobSize(digest: string): number {
    return statSync(this.blobPath(digest)).size
  }

  readBlob(digest: string): Buffer {
    return readFileSync(this.blobPath(digest))
  }

  /** Stores content under its sha256 digest (idempotent) and returns the digest. */
  putBlob(content: Buffer): string {
    const digest = sha256(content)
    if (!this.hasBlob(digest)) writeFileAtomic(this.blobPath(digest), content)
    return digest
  }

  startUpload(id: string, repository: string): Upload {
    const upload = { id, repository, file: join(this.dir, 'uploads', id), size: 0 }
    writeFileSync(upload.file, '', { mode: 0o600 })
    this.uploads.set(id, upload)
    return upload
  }

  upload(id: string): Upload | undefined {
    return this.uploads.get(id)
  }

  appendUpload(upload: Upload, chunk: Buffer): void {
    appendFileSync(upload.file, chunk)
    upload.size += chunk.length
  }

  /** Moves a finished upload into the blob store; the caller has checked the digest. */
  finishUpload(upload: Upload): Buffer {
    const content = readFileSync(upload.file)
    this.cancelUpload(upload.id)
    return content
  }

  cancelUpload(id: string): void {
    const u = this.uploads.get(id)
    if (!u) return
    this.uploads.delete(id)
    rmSync(u.file, { force: true })
  }
}
