/**
 * skopeo 1.9 (containers/image) against the simulated registry, as a CI job or a developer uses it
 * after `az acr login --expose-token`: the null-GUID user with an ACR refresh token, a scope-map token,
 * TLS verified against the simulator's CA (`--cert-dir`), never disabled.
 */
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_PARTNER_TOKEN_PASSWORD } from '../../src/azure-rbac/index.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { BOB, FRANK, startTestSimulator } from '../helpers/sim.js'
import {
  ACR_SCOPE,
  certDir,
  ciToken,
  NULL_GUID,
  ociLayout,
  refreshTokenFor,
  registry,
  skopeo,
} from './helpers.js'

const HAVE_SKOPEO = existsSync('/usr/bin/skopeo')

describe.skipIf(!HAVE_SKOPEO)('skopeo against the registry', () => {
  let sim: Simulator
  let certs: string
  let server: string
  let ciCreds: string
  beforeAll(async () => {
    sim = await startTestSimulator()
    certs = certDir(sim)
    server = registry(sim, 'contosoacr').loginServer
    ciCreds = `${NULL_GUID}:${await refreshTokenFor(sim, 'contosoacr', await ciToken(sim))}`
  }, 60_000)
  afterAll(async () => {
    await sim?.stop()
  })

  it('inspects a seeded image and lists its tags with an ACR refresh token', async () => {
    const inspect = await skopeo([
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      ciCreds,
      `docker://${server}/orders/api:latest`,
    ])
    expect(inspect.stderr).toBe('')
    expect(inspect.code).toBe(0)
    const info = JSON.parse(inspect.stdout) as {
      Name: string
      Digest: string
      Architecture: string
      RepoTags: string[]
    }
    expect(info.Name).toBe(`${server}/orders/api`)
    expect(info.Architecture).toBe('amd64')
    expect(info.RepoTags).toEqual(['1.0.0', '1.1.0', '1.2.0', 'latest'])
    const tags = await skopeo([
      'list-tags',
      '--cert-dir',
      certs,
      '--creds',
      ciCreds,
      `docker://${server}/samples/nginx`,
    ])
    expect(tags.code).toBe(0)
    expect(JSON.parse(tags.stdout)).toEqual({
      Repository: `${server}/samples/nginx`,
      Tags: ['1.25', '1.27', 'latest'],
    })
  }, 60_000)

  it('copies an OCI layout in, back out, and deletes it', async () => {
    const layout = ociLayout('ci/app', 7, 'v1')
    const push = await skopeo([
      'copy',
      '--dest-cert-dir',
      certs,
      '--dest-creds',
      ciCreds,
      `oci:${layout.dir}:v1`,
      `docker://${server}/ci/app:v1`,
    ])
    expect(push.stderr).toBe('')
    expect(push.code).toBe(0)
    const out = ociLayout('unused', 0, 'x').dir + '-copy'
    const pull = await skopeo([
      'copy',
      '--src-cert-dir',
      certs,
      '--src-creds',
      ciCreds,
      `docker://${server}/ci/app:v1`,
      `oci:${out}:v1`,
    ])
    expect(pull.code).toBe(0)
    const inspect = await skopeo([
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      ciCreds,
      `docker://${server}/ci/app:v1`,
    ])
    expect(JSON.parse(inspect.stdout).Digest).toBe(layout.digest)
    // AcrPush has no delete: the registry refuses with ACR's text…
    const refused = await skopeo([
      'delete',
      '--cert-dir',
      certs,
      '--creds',
      ciCreds,
      `docker://${server}/ci/app:v1`,
    ])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain(
      'authentication required, visit https://aka.ms/acr/authorization for more information.',
    )
    // …and AcrDelete allows it.
    const ci = sim.directory.application('ci-pipeline')!
    sim.azureRbac!.createRoleAssignment({
      principalId: ci.servicePrincipalId,
      roleDefinitionId: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11',
      scope: registry(sim, 'contosoacr').resourceId,
    })
    const deleted = await skopeo([
      'delete',
      '--cert-dir',
      certs,
      '--creds',
      ciCreds,
      `docker://${server}/ci/app:v1`,
    ])
    expect(deleted.stderr).toBe('')
    expect(deleted.code).toBe(0)
    const gone = await skopeo([
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      ciCreds,
      `docker://${server}/ci/app:v1`,
    ])
    expect(gone.code).not.toBe(0)
    expect(gone.stderr).toContain('manifest unknown')
  }, 120_000)

  it('refuses a user without a registry role, with the token endpoint text skopeo prints', async () => {
    const frank = `${NULL_GUID}:${await refreshTokenFor(sim, 'contosoacr', await deviceCodeToken(sim, FRANK, ACR_SCOPE))}`
    const r = await skopeo([
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      frank,
      `docker://${server}/orders/api:latest`,
    ])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'authentication required, visit https://aka.ms/acr/authorization for more information.',
    )
    const bob = `${NULL_GUID}:${await refreshTokenFor(sim, 'contosoacr', await deviceCodeToken(sim, BOB, ACR_SCOPE))}`
    const ok = await skopeo([
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      bob,
      `docker://${server}/orders/api:latest`,
    ])
    expect(ok.code).toBe(0)
  }, 60_000)

  it('honours a scope-map token: samples/* readable, orders/* not', async () => {
    const creds = `partner-token:${DEMO_PARTNER_TOKEN_PASSWORD}`
    const ok = await skopeo([
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      creds,
      `docker://${server}/samples/nginx:1.27`,
    ])
    expect(ok.code).toBe(0)
    const no = await skopeo([
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      creds,
      `docker://${server}/orders/api:latest`,
    ])
    expect(no.code).not.toBe(0)
    expect(no.stderr).toContain('authentication required')
    const wrong = await skopeo([
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      'partner-token:wrong-password',
      `docker://${server}/samples/nginx:1.27`,
    ])
    expect(wrong.stderr).toContain(
      'invalid username/password: unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.',
    )
  }, 60_000)
})
