/**
 * Manifest parsing and validation for the four media types the clients push and pull: Docker v2
 * schema 2 (manifest and manifest list) and OCI (image manifest and index). Returns what storage
 * records: referenced blobs and child manifests, the subject (OCI referrers), the artifact type.
 */
import { ManifestInvalid } from './errors.js'
import { isDigest } from './names.js'

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const MANIFEST_TYPES = [DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX] as const
export const isIndexType = (t: string): boolean => t === DOCKER_LIST || t === OCI_INDEX

interface Descriptor {
  mediaType?: unknown
  digest?: unknown
  size?: unknown
  platform?: { architecture?: unknown; os?: unknown }
  annotations?: unknown
  artifactType?: unknown
}

export interface ParsedManifest {
  mediaType: string
  /** Layers and config (image manifests). */
  blobs: string[]
  /** Child manifests (indexes). */
  children: { digest: string; architecture?: string; os?: string }[]
  config?: { digest: string; mediaType: string }
  subject?: string
  artifactType?: string
  annotations?: Record<string, string>
}

function descriptor(d: unknown, where: string): { digest: string; mediaType: string; size: number } {
  const x = d as Descriptor
  if (typeof x !== 'object' || x === null) throw new ManifestInvalid(`${where} is not a descriptor`)
  if (typeof x.digest !== 'string' || !isDigest(x.digest))
    throw new ManifestInvalid(`${where}.digest is not a sha256 digest`)
  if (typeof x.size !== 'number' || !Number.isSafeInteger(x.size) || x.size < 0)
    throw new ManifestInvalid(`${where}.size is not a size`)
  if (typeof x.mediaType !== 'string' || x.mediaType === '')
    throw new ManifestInvalid(`${where}.mediaType is missing`)
  return { digest: x.digest, mediaType: x.mediaType, size: x.size }
}

const stringMap = (v: unknown): Record<string, string> | undefined => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const out: Record<string, string> = {}
  for (const [k, s] of Object.entries(v)) if (typeof s === 'string') out[k] = s
  return out
}

/** Parses a manifest body; `contentType` is the request's media type (the body's `mediaType` wins). */
export function parseManifest(body: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: Record<string, unknown>
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new ManifestInvalid('the manifest is not JSON')
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ManifestInvalid('the manifest is not an object')
  if (doc.schemaVersion !== 2) throw new ManifestInvalid('schemaVersion must be 2')
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined
  const mediaType =
    declared ??
    (contentType && (MANIFEST_TYPES as readonly string[]).includes(contentType) ? contentType : undefined) ??
    (Array.isArray(doc.manifests) ? OCI_INDEX : OCI_MANIFEST)
  if (!(MANIFEST_TYPES as readonly string[]).includes(mediaType))
    throw new ManifestInvalid(`unsupported manifest media type '${mediaType}'`)
  if (contentType && contentType !== mediaType && (MANIFEST_TYPES as readonly string[]).includes(contentType))
    throw new ManifestInvalid(`mediaType in manifest should be '${contentType}' not '${mediaType}'`)
  const subject = doc.subject === undefined ? undefined : descriptor(doc.subject, 'subject').digest
  const artifactType = typeof doc.artifactType === 'string' ? doc.artifactType : undefined
  const annotations = stringMap(doc.annotations)
  const base = {
    mediaType,
    ...(subject && { subject }),
    ...(annotations && { annotations }),
  }
  if (isIndexType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw new ManifestInvalid('manifests must be a list')
    const children = doc.manifests.map((m: unknown, i) => {
      const d = descriptor(m, `manifests[${i}]`)
      const p = (m as Descriptor).platform
      return {
        digest: d.digest,
        ...(typeof p?.architecture === 'string' && { architecture: p.architecture }),
        ...(typeof p?.os === 'string' && { os: p.os }),
      }
    })
    return { ...base, blobs: [], children, ...(artifactType && { artifactType }) }
  }
  const config = descriptor(doc.config, 'config')
  if (!Array.isArray(doc.layers)) throw new ManifestInvalid('layers must be a list')
  const layers = doc.layers.map((l: unknown, i) => descriptor(l, `layers[${i}]`).digest)
  return {
    ...base,
    blobs: [config.digest, ...layers],
    children: [],
    config: { digest: config.digest, mediaType: config.mediaType },
    // OCI 1.1: the artifact type is artifactType, else the config's media type for non-images.
    ...((artifactType ??
      (config.mediaType.includes('image.config') || config.mediaType.includes('container.image')
        ? undefined
        : config.mediaType)) !== undefined && {
      artifactType: artifactType ?? config.mediaType,
    }),
  }
}
