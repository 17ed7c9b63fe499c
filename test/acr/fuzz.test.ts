/**
 * Fuzzing every registry endpoint (distribution API, /acr/v1, /oauth2) with random methods, names,
 * references, queries, credentials, content types and bodies: never a 5xx, and every error body that
 * claims JSON is ACR's envelope.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { ciToken, NULL_GUID, refreshTokenFor, registry } from './helpers.js'

describe('registry fuzz', () => {
  let sim: Simulator
  let url: string
  let loginServer: string
  let bearer: string
  let refresh: string
  beforeAll(async () => {
    sim = await startTestSimulator()
    ;({ url, loginServer } = registry(sim, 'contosoacr'))
    sim.azureRbac!.createRoleAssignment({
      principalId: sim.directory.application('ci-pipeline')!.servicePrincipalId,
      roleDefinitionId: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11',
      scope: registry(sim, 'contosoacr').resourceId,
    })
    refresh = await refreshTokenFor(sim, 'contosoacr', await ciToken(sim))
    const scope =
      ['orders/api', 'fuzz/repo', 'samples/nginx'].map((r) => `repository:${r}:*`).join(' ') +
      ' registry:catalog:*'
    const res = await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        service: loginServer,
        scope,
        refresh_token: refresh,
      }),
    })
    bearer = ((await res.json()) as { access_token: string }).access_token
  }, 60_000)
  afterAll(async () => {
    await sim?.stop()
  })

  it('answers every request without a 5xx', async () => {
    const segment = fc.oneof(
      fc.constantFrom('orders/api', 'fuzz/repo', 'samples/nginx', 'UPPER', 'a//b', '..', '%2F', '%zz', ''),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    )
    const ref = fc.oneof(
      fc.constantFrom('latest', '1.0.0', `sha256:${'0'.repeat(64)}`, 'sha512:abc', '%00', ''),
      fc.string({ maxLength: 10 }).map(encodeURIComponent),
    )
    const path = fc.oneof(
      fc.constantFrom(
        '/v2/',
        '/v2/_catalog',
        '/acr/v1/_catalog',
        '/oauth2/exchange',
        '/oauth2/token',
        '/',
        '/v2',
      ),
      fc
        .tuple(segment, fc.constantFrom('manifests', 'blobs', 'referrers', 'blobs/uploads'), ref)
        .map(([s, k, r]) => `/v2/${s}/${k}/${r}`),
      segment.map((s) => `/v2/${s}/tags/list`),
      fc
        .tuple(segment, fc.constantFrom('', '/_tags', '/_manifests'), fc.option(ref))
        .map(
          ([s, k, r]) =>
            `/acr/v1/${encodeURIComponent(decodeURIComponentSafe(s))}${k}${k && r !== null ? `/${r}` : ''}`,
        ),
    )
    const query = fc.option(
      fc
        .dictionary(
          fc.constantFrom(
            'n',
            'last',
            'orderby',
            'digest',
            'mount',
            'from',
            'scope',
            'service',
            'grant_type',
            'artifactType',
          ),
          fc.oneof(
            fc.string({ maxLength: 8 }),
            fc.constantFrom('0', '2', '-1', '1001', 'timedesc', loginServer, `sha256:${'0'.repeat(64)}`),
          ),
        )
        .map((d) => `?${new URLSearchParams(d).toString()}`),
      { nil: '' },
    )
    const auth = fc.constantFrom<(string | undefined)[]>(
      undefined,
      'bearer',
      'Bearer junk.junk.junk',
      'Basic !!!',
      'basic-refresh',
      'Basic ' + Buffer.from('contosoacr:nope').toString('base64'),
    )
    const contentType = fc.constantFrom(
      undefined,
      'application/json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/x-www-form-urlencoded',
      'application/octet-stream',
    )
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '{"schemaVersion":2}',
        '{"deleteEnabled":false}',
        '{"deleteEnabled":"x"}',
        'grant_type=access_token&service=x&access_token=a.b.c',
        '[]',
        'null',
      ),
      fc.json({ maxDepth: 3 }),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        path,
        query,
        auth,
        contentType,
        body,
        async (method, p, q, a, ct, b) => {
          const headers: Record<string, string> = {}
          if (a === 'bearer') headers.authorization = `Bearer ${bearer}`
          else if (a === 'basic-refresh')
            headers.authorization = 'Basic ' + Buffer.from(`${NULL_GUID}:${refresh}`).toString('base64')
          else if (a) headers.authorization = a
          if (ct) headers['content-type'] = ct
          const withBody = b !== undefined && method !== 'GET' && method !== 'HEAD'
          const res = await fetch(`${url}${p}${q}`, { method, headers, ...(withBody && { body: b }) })
          const text = await res.text()
          expect(res.status, `${method} ${p}${q} → ${res.status} ${text}`).toBeLessThan(500)
          const json = (res.headers.get('content-type') ?? '').startsWith('application/json')
          if (res.status >= 400 && json && method !== 'HEAD') {
            const parsed = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] }
            expect(Array.isArray(parsed.errors)).toBe(true)
            expect(typeof parsed.errors![0]!.code).toBe('string')
          }
        },
      ),
      { numRuns: 400 },
    )
  }, 120_000)
})

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
