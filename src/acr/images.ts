/**
 * Small generated OCI images for seeding a registry: a config and one gzip'd tar layer holding
 * `/etc/<repository>-release`, both byte-for-byte deterministic for a (repository, index) pair, so
 * digests are the same on every machine and run.
 */
import { gzipSync } from 'node:zlib'
import { OCI_MANIFEST } from './manifests.js'
import { sha256 } from './storage.js'

export interface GeneratedImage {
  config: Buffer
  layer: Buffer
  manifest: Buffer
  digest: string
}

/** One ustar entry (regular file, fixed owner and mtime) plus the end-of-archive blocks. */
export function tarOf(path: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512)
  const field = (offset: number, length: number, value: string) =>
    header.write(value, offset, length, 'ascii')
  field(0, 100, path)
  field(100, 8, '0000644\0')
  field(108, 8, '0000000\0')
  field(116, 8, '0000000\0')
  field(124, 12, content.length.toString(8).padStart(11, '0') + '\0')
  field(136, 12, '00000000000\0')
  field(148, 8, '        ')
  field(156, 1, '0')
  field(257, 6, 'ustar\0')
  field(263, 2, '00')
  let sum = 0
  for (const b of header) sum += b
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512)
  content.copy(padded)
  return Buffer.concat([header, padded, Buffer.alloc(1024)])
}

export function generateImage(
  repository: string,
  index: number,
  created = '2025-01-01T00:00:00Z',
): GeneratedImage {
  const file = `etc/${repository.replace(/\//g, '-')}-release`
  const tar = tarOf(file, Buffer.from(`${repository} build ${index + 1}\n`))
  const layer = gzipSync(tar, { level: 9 })
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created,
      config: { Labels: { 'org.opencontainers.image.title': repository, build: String(index + 1) } },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    }),
  )
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: sha256(layer),
          size: layer.length,
        },
      ],
    }),
  )
  return { config, layer, manifest, digest: sha256(manifest) }
}
