/**
 * The distribution API's content routes: manifests (GET/HEAD with Accept negotiation, PUT, DELETE),
 * blobs (GET/HEAD/DELETE) and uploads (monolithic, chunked, mount, status, cancel), with the headers
 * the clients read (`Docker-Content-Digest`, `Location`, `Range`, `Docker-Upload-UUID`, `OCI-Subject`).
 */
import type { Request, Response } from 'express'
import { mediaTypeOf } from '../http/index.js'
import type { RegistryAppDeps } from './deps.js'
import { Unsupported } from './errors.js'
import { MANIFEST_TYPES } from './manifests.js'
import { isDigest, isRepositoryName } from './names.js'
import { BLOB_LIMIT, body, MANIFEST_LIMIT, text } from './request.js'

function acceptList(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((s) => s.split(';')[0]!.trim().toLowerCase())
    .filter((s) => s !== '')
}

export async function manifestRoute(
  req: Request,
  res: Response,
  deps: RegistryAppDeps,
  name: string,
  reference: string,
): Promise<void> {
  const { content } = deps
  if (req.method === 'PUT') {
    const data = await body(req, MANIFEST_LIMIT)
    const type = mediaTypeOf(req.headers['content-type'])
    const record = content.putManifest(
      name,
      reference,
      data,
      type && (MANIFEST_TYPES as readonly string[]).includes(type) ? type : undefined,
    )
    deps.events.emit('acr.push', 'acr', {
      registry: deps.tokens.settings().name,
      repository: name,
      reference,
      digest: record.digest,
    })
    res.set('Docker-Content-Digest', record.digest)
    res.set('Location', `/v2/${name}/manifests/${record.digest}`)
    if (record.subject) res.set('OCI-Subject', record.subject)
    res.status(201).end()
    return
  }
  if (req.method === 'DELETE') {
    content.deleteManifest(name, reference)
    res.status(202).end()
    return
  }
  const m = content.getManifest(name, reference, acceptList(req.headers.accept))
  if (req.method === 'GET')
    deps.events.emit('acr.pull', 'acr', {
      registry: deps.tokens.settings().name,
      repository: name,
      reference,
      digest: m.record.digest,
    })
  res.set('Docker-Content-Digest', m.record.digest)
  res.set('Content-Type', m.record.mediaType)
  res.set('Content-Length', String(m.content.length))
  res.status(200)
  if (req.method === 'HEAD') res.end()
  else res.end(m.content)
}

export function blobRoute(
  req: Request,
  res: Response,
  deps: RegistryAppDeps,
  name: string,
  digest: string,
): void {
  if (req.method === 'DELETE') {
    deps.content.deleteBlob(name, digest)
    res.status(202).end()
    return
  }
  const blob = deps.content.blob(name, digest)
  res.set('Docker-Content-Digest', digest)
  res.set('Content-Type', 'application/octet-stream')
  res.set('Content-Length', String(blob.size))
  res.status(200)
  if (req.method === 'HEAD') res.end()
  else res.end(blob.read())
}

function uploadHeaders(res: Response, name: string, id: string, size: number): void {
  res.set('Location', `/v2/${name}/blobs/uploads/${id}`)
  res.set('Docker-Upload-UUID', id)
  res.set('Range', `0-${Math.max(size - 1, 0)}`)
  res.set('Content-Length', '0')
}

export async function uploadRoute(
  req: Request,
  res: Response,
  deps: RegistryAppDeps,
  name: string,
  id: string | undefined,
  /** Whether the request's token may pull from `from` (a cross-repository mount needs it). */
  mayPullFrom: (from: string) => Promise<boolean>,
): Promise<void> {
  const { content } = deps
  const q = req.query as Record<string, unknown>
  if (id === undefined) {
    if (req.method !== 'POST') throw new Unsupported()
    const mount = text(q.mount)
    const from = text(q.from)
    if (mount && from && isDigest(mount) && isRepositoryName(from)) {
      // Mount only what the token may also pull from the source repository.
      if ((await mayPullFrom(from)) && content.mount(name, mount, from)) {
        res.set('Location', `/v2/${name}/blobs/${mount}`)
        res.set('Docker-Content-Digest', mount)
        res.status(201).end()
        return
      }
    }
    const digest = text(q.digest)
    if (digest !== undefined) {
      content.putBlob(name, digest, await body(req, BLOB_LIMIT))
      res.set('Location', `/v2/${name}/blobs/${digest}`)
      res.set('Docker-Content-Digest', digest)
      res.status(201).end()
      return
    }
    await body(req, 0).catch(() => Buffer.alloc(0))
    const upload = content.startUpload(name)
    uploadHeaders(res, name, upload.id, 0)
    res.status(202).end()
    return
  }
  switch (req.method) {
    case 'GET': {
      const u = content.upload(name, id)
      uploadHeaders(res, name, id, u.size)
      res.status(204).end()
      return
    }
    case 'PATCH': {
      const chunk = await body(req, BLOB_LIMIT)
      const u = content.appendUpload(name, id, chunk, req.headers['content-range'])
      uploadHeaders(res, name, id, u.size)
      res.status(202).end()
      return
    }
    case 'PUT': {
      const last = await body(req, BLOB_LIMIT)
      const digest = content.finishUpload(name, id, text(q.digest), last)
      res.set('Location', `/v2/${name}/blobs/${digest}`)
      res.set('Docker-Content-Digest', digest)
      res.set('Content-Length', '0')
      res.status(201).end()
      return
    }
    case 'DELETE':
      content.cancelUpload(name, id)
      res.status(204).end()
      return
    default:
      throw new Unsupported()
  }
}
