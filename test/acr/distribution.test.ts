/**
 * The distribution API on the wire: pushes that name missing blobs, Accept negotiation, chunked
 * uploads with Content-Range, referrers, tag paging with Link, and locks on /acr/v1 deletes.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { ciToken, refreshTokenFor, registry } from './helpers.js'

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`
const OCI = 'application/vnd.oci.image.manifest.v1+json'

describe('distribution API', () => {
  let sim: Simulator
  let url: string
  let auth: Record<string, string>
  beforeAll(async () => {
    sim = await startTestSimulator()
    const r = registry(sim, 'contosoacr')
    url = r.url
    sim.azureRbac!.createRoleAssignment({
      principalId: sim.directory.application('ci-pipeline')!.servicePrincipalId,
      roleDefinitionId: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11',
      scope: r.resourceId,
    })
    const refresh = await refreshTokenFor(sim, 'contosoacr', await ciToken(sim))
    const res = await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        service: r.loginServer,
        refresh_token: refresh,
        scope: 'repository:wire/test:* repository:billing/worker:* repository:orders/api:*',
      }),
    })
    auth = { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` }
  }, 60_000)
  afterAll(async () => {
    await sim?.stop()
  })

  const upload = async (data: Buffer, chunks: number) => {
    const start = await fetch(`${url}/v2/wire/test/blobs/uploads/`, { method: 'POST', headers: auth })
    expect(start.status).toBe(202)
    expect(start.headers.get('docker-upload-uuid')).toMatch(/^[0-9a-f-]{36}$/)
    let location = start.headers.get('location')!
    const size = Math.ceil(data.length / chunks)
    for (let at = 0; at < data.length; at += size) {
      const chunk = data.subarray(at, at + size)
      const res = await fetch(`${url}${location}`, {
        method: 'PATCH',
        headers: {
          ...auth,
          'content-range': `${at}-${at + chunk.length - 1}`,
          'content-type': 'application/octet-stream',
        },
        body: new Uint8Array(chunk),
      })
      expect(res.status).toBe(202)
      expect(res.headers.get('range')).toBe(`0-${at + chunk.length - 1}`)
      location = res.headers.get('location')!
    }
    const done = await fetch(`${url}${location}?digest=${sha(data)}`, { method: 'PUT', headers: auth })
    expect(done.status).toBe(201)
    expect(done.headers.get('docker-content-digest')).toBe(sha(data))
    return sha(data)
  }

  it('chunked upload, a push naming a missing blob, Accept negotiation', async () => {
    const layer = await upload(Buffer.from('x'.repeat(1000)), 3)
    const config = await upload(Buffer.from('{"architecture":"amd64","os":"linux"}'), 1)
    // A chunk that does not continue the upload is refused with 416.
    const s = await fetch(`${url}/v2/wire/test/blobs/uploads/`, { method: 'POST', headers: auth })
    const bad = await fetch(`${url}${s.headers.get('location')!}`, {
      method: 'PATCH',
      headers: { ...auth, 'content-range': '5-9' },
      body: 'abcde',
    })
    expect(bad.status).toBe(416)
    const manifest = (layers: string[]) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 37 },
        layers: layers.map((d) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: d,
          size: 1000,
        })),
      })
    const missing = await fetch(`${url}/v2/wire/test/manifests/v1`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': OCI },
      body: manifest([sha('nothing')]),
    })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe(
      'MANIFEST_BLOB_UNKNOWN',
    )
    const put = await fetch(`${url}/v2/wire/test/manifests/v1`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': OCI },
      body: manifest([layer]),
    })
    expect(put.status).toBe(201)
    const digest = put.headers.get('docker-content-digest')!
    expect(digest).toBe(sha(manifest([layer])))
    const refused = await fetch(`${url}/v2/wire/test/manifests/v1`, {
      headers: { ...auth, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    })
    expect(refused.status).toBe(404)
    const head = await fetch(`${url}/v2/wire/test/manifests/v1`, {
      method: 'HEAD',
      headers: { ...auth, accept: OCI },
    })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe(OCI)
    expect(head.headers.get('docker-content-digest')).toBe(digest)

    // A referrer (an SBOM-like artifact) names the image as its subject.
    const empty = await upload(Buffer.from('{}'), 1)
    const referrer = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI,
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 1000 }],
      subject: { mediaType: OCI, digest, size: manifest([layer]).length },
    })
    const r = await fetch(`${url}/v2/wire/test/manifests/${sha(referrer)}`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': OCI },
      body: referrer,
    })
    expect(r.status).toBe(201)
    expect(r.headers.get('oci-subject')).toBe(digest)
    const refs = (await (
      await fetch(`${url}/v2/wire/test/referrers/${digest}`, { headers: auth })
    ).json()) as {
      manifests: { digest: string; artifactType: string }[]
    }
    expect(refs.manifests).toEqual([
      expect.objectContaining({ digest: sha(referrer), artifactType: 'application/spdx+json' }),
    ])
  })

  it('pages tags with n and Link; a locked tag cannot be deleted over /acr/v1', async () => {
    const first = await fetch(`${url}/v2/orders/api/tags/list?n=2`, { headers: auth })
    expect(await first.json()).toEqual({ name: 'orders/api', tags: ['1.0.0', '1.1.0'] })
    expect(first.headers.get('link')).toBe('</v2/orders/api/tags/list?last=1.1.0&n=2>; rel="next"')
    const second = await fetch(`${url}/v2/orders/api/tags/list?last=1.1.0&n=2`, { headers: auth })
    expect(await second.json()).toEqual({ name: 'orders/api', tags: ['1.2.0', 'latest'] })
    expect(second.headers.get('link')).toBeNull()
    const locked = await fetch(`${url}/acr/v1/billing%2Fworker/_tags/stable`, {
      method: 'DELETE',
      headers: auth,
    })
    expect(locked.status).toBe(405)
    expect(((await locked.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe(
      'REGISTRY_DISALLOWED_OPERATION',
    )
    const open = await fetch(`${url}/acr/v1/billing%2Fworker/_tags/2024.11`, {
      method: 'DELETE',
      headers: auth,
    })
    expect(open.status).toBe(202)
  })
})
