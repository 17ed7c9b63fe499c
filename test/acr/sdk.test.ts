/**
 * @azure/container-registry 1.1.2 against the simulated registries: the challenge → exchange → token
 * flow with ClientSecretCredential (the demo CI application, AcrPush on contosoacr) and with a user's
 * device-code token, the /acr/v1 metadata API, locks and deletes, and ABAC repository conditions.
 */
import {
  ContainerRegistryClient,
  ContainerRegistryContentClient,
  KnownContainerRegistryAudience,
} from '@azure/container-registry'
import { createHash, randomBytes } from 'node:crypto'
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_CI_SECRET } from '../../src/scenario/index.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { ACR_SCOPE, registry } from './helpers.js'

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

/** A user's token from a real device-code sign-in, handed to the SDK as a TokenCredential. */
const userCredential = (token: string): TokenCredential => ({
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
})

describe('@azure/container-registry against the registry', () => {
  let sim: Simulator
  let ci: ClientSecretCredential
  let acr: ContainerRegistryClient
  beforeAll(async () => {
    sim = await startTestSimulator()
    const app = sim.directory.application('ci-pipeline')!
    ci = new ClientSecretCredential(sim.endpoints.tenantId, app.appId, DEMO_CI_SECRET, {
      authorityHost: sim.endpoints.authority,
      disableInstanceDiscovery: true,
    })
    acr = new ContainerRegistryClient(registry(sim, 'contosoacr').url, ci)
  }, 60_000)
  afterAll(async () => {
    await sim?.stop()
  })

  it('lists repositories, repository properties, tags and manifests', async () => {
    expect(await collect(acr.listRepositoryNames())).toEqual([
      'billing/worker',
      'orders/api',
      'samples/nginx',
    ])
    const props = await acr.getRepository('samples/nginx').getProperties()
    expect(props).toMatchObject({
      name: 'samples/nginx',
      registryLoginServer: registry(sim, 'contosoacr').loginServer,
      manifestCount: 2,
      tagCount: 3,
      canDelete: true,
      canWrite: true,
    })
    // The SDK lists the repository's tags (no digest filter), newest first: the seeded ages show.
    const tags = await collect(
      acr.getArtifact('orders/api', 'latest').listTagProperties({ order: 'LastUpdatedOnDescending' }),
    )
    expect(tags.map((t) => t.name)).toEqual(['1.2.0', 'latest', '1.1.0', '1.0.0'])
    const latest = tags.find((t) => t.name === 'latest')!
    expect(latest.digest).toBe(tags.find((t) => t.name === '1.2.0')!.digest)
    const manifests = await collect(acr.getRepository('orders/api').listManifestProperties())
    expect(manifests).toHaveLength(4)
    expect(manifests.filter((m) => m.tags.length === 0)).toHaveLength(1)
    expect(manifests.every((m) => m.architecture === 'amd64' && m.operatingSystem === 'linux')).toBe(true)
  }, 60_000)

  it('uploads a blob in 4 MiB chunks, sets a manifest with a tag, reads both back (content client)', async () => {
    const content = new ContainerRegistryContentClient(registry(sim, 'contosoacr').url, 'ci/chunked', ci)
    const layer = randomBytes(9 * 1024 * 1024)
    const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux' }))
    const up = await content.uploadBlob(layer)
    expect(up).toEqual({
      digest: `sha256:${createHash('sha256').update(layer).digest('hex')}`,
      sizeInBytes: layer.length,
    })
    const cfg = await content.uploadBlob(config)
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: cfg.digest,
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: up.digest, size: layer.length },
      ],
    }
    const set = await content.setManifest(manifest, { tag: 'v1' })
    const got = await content.getManifest('v1')
    expect(got.digest).toBe(set.digest)
    expect(got.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    const blob = await content.downloadBlob(up.digest)
    const chunks: Buffer[] = []
    for await (const c of blob.content) chunks.push(c as Buffer)
    expect(Buffer.concat(chunks).equals(layer)).toBe(true)
    const props = await acr.getArtifact('ci/chunked', 'v1').getManifestProperties()
    expect(props).toMatchObject({ architecture: 'arm64', operatingSystem: 'linux', tags: ['v1'] })
  }, 60_000)

  it('pages the catalog with n and Link', async () => {
    const pages = await collect(acr.listRepositoryNames().byPage({ maxPageSize: 2 }))
    expect(pages.map((p) => [...p])).toEqual([
      ['billing/worker', 'ci/chunked'],
      ['orders/api', 'samples/nginx'],
    ])
  }, 30_000)

  it('locks a manifest, refuses its delete with REGISTRY_DISALLOWED_OPERATION, unlocks and deletes', async () => {
    sim.azureRbac!.createRoleAssignment({
      principalId: sim.directory.application('ci-pipeline')!.servicePrincipalId,
      roleDefinitionId: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11',
      scope: registry(sim, 'contosoacr').resourceId,
    })
    const artifact = acr.getArtifact('orders/api', '1.0.0')
    const locked = await artifact.updateManifestProperties({ canDelete: false })
    expect(locked.canDelete).toBe(false)
    const err = await artifact.delete().then(
      () => undefined,
      (e: unknown) => e as { statusCode?: number; message?: string },
    )
    expect(err?.statusCode).toBe(405)
    expect(err?.message).toContain('REGISTRY_DISALLOWED_OPERATION')
    await artifact.updateManifestProperties({ canDelete: true })
    await artifact.delete()
    const tags = await collect(acr.getArtifact('orders/api', 'latest').listTagProperties())
    expect(tags.map((t) => t.name)).not.toContain('1.0.0')
    // billing/worker holds the seeded locked image: the repository cannot be deleted.
    const repoErr = await acr.deleteRepository('billing/worker').then(
      () => undefined,
      (e: unknown) => e as { statusCode?: number },
    )
    expect(repoErr?.statusCode).toBe(405)
  }, 60_000)

  it('works with DefaultAzureCredential (EnvironmentCredential: the CI pipeline’s AZURE_* variables)', async () => {
    const app = sim.directory.application('ci-pipeline')!
    const vars = {
      AZURE_TENANT_ID: sim.endpoints.tenantId,
      AZURE_CLIENT_ID: app.appId,
      AZURE_CLIENT_SECRET: DEMO_CI_SECRET,
      AZURE_AUTHORITY_HOST: sim.endpoints.authority,
    }
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
    Object.assign(process.env, vars)
    try {
      const client = new ContainerRegistryClient(
        registry(sim, 'contosoacr').url,
        new DefaultAzureCredential({ disableInstanceDiscovery: true }),
      )
      expect((await client.getRepository('samples/nginx').getProperties()).tagCount).toBe(3)
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  }, 30_000)

  it('accepts an ARM-audience token while authentication-as-ARM is enabled', async () => {
    const armClient = new ContainerRegistryClient(registry(sim, 'contosoacr').url, ci, {
      audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
    })
    expect(await collect(armClient.listRepositoryNames())).toContain('samples/nginx')
  }, 30_000)

  it('ABAC registry: a group conditioned on orders/ reads orders/api only and cannot list the catalog', async () => {
    const bob = userCredential(await deviceCodeToken(sim, BOB, ACR_SCOPE))
    const teams = new ContainerRegistryClient(registry(sim, 'contosoteams').url, bob)
    expect((await teams.getRepository('orders/api').getProperties()).tagCount).toBe(1)
    const denied = await teams
      .getRepository('billing/worker')
      .getProperties()
      .then(
        () => undefined,
        (e: unknown) => e as { statusCode?: number; message?: string },
      )
    expect(denied?.statusCode).toBe(401)
    expect(JSON.parse(denied!.message!)).toEqual({
      errors: [
        {
          code: 'UNAUTHORIZED',
          message: 'authentication required, visit https://aka.ms/acr/authorization for more information.',
          detail: [{ Type: 'repository', Name: 'billing/worker', Action: 'metadata_read' }],
        },
      ],
    })
    const catalog = await collect(teams.listRepositoryNames()).then(
      () => undefined,
      (e: unknown) => e as { statusCode?: number },
    )
    expect(catalog?.statusCode).toBe(401)
    // AcrPush on contosoacr means nothing on an ABAC registry: the CI app gets nothing there.
    const ciTeams = new ContainerRegistryClient(registry(sim, 'contosoteams').url, ci)
    const ciErr = await ciTeams
      .getRepository('orders/api')
      .getProperties()
      .then(
        () => undefined,
        (e: unknown) => e as { statusCode?: number },
      )
    expect(ciErr?.statusCode).toBe(401)
  }, 60_000)
})
