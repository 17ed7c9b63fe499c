import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateImage } from '../../src/acr/index.js'
import type { Simulator } from '../../src/index.js'
import { DEMO_CI_SECRET } from '../../src/scenario/index.js'
import { isolatedEnv } from '../helpers/isolation.js'

export const ACR_SCOPE = 'https://containerregistry.azure.net/.default'
export const NULL_GUID = '00000000-0000-0000-0000-000000000000'

export function registry(sim: Simulator, name: string) {
  const r = sim.endpoints.registries?.find((x) => x.name === name)
  if (!r) throw new Error(`no registry ${name}`)
  return r
}

/** An app-only Entra token (client credentials) for the demo CI application. */
export async function ciToken(sim: Simulator, scope = ACR_SCOPE): Promise<string> {
  const app = sim.directory.application('ci-pipeline')!
  const res = await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: DEMO_CI_SECRET,
      scope,
    }),
  })
  const body = (await res.json()) as { access_token?: string }
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`)
  return body.access_token
}

/** `POST /oauth2/exchange` as `az acr login` sends it. */
export async function exchange(loginServer: string, url: string, entraToken: string) {
  const res = await fetch(`${url}/oauth2/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'access_token', service: loginServer, access_token: entraToken }),
  })
  return { status: res.status, body: (await res.json()) as { refresh_token?: string; errors?: unknown[] } }
}

export async function refreshTokenFor(sim: Simulator, name: string, entraToken: string): Promise<string> {
  const r = registry(sim, name)
  const { body } = await exchange(r.loginServer, r.url, entraToken)
  if (!body.refresh_token) throw new Error(JSON.stringify(body))
  return body.refresh_token
}

/** A directory skopeo reads as `--cert-dir`/`--src-cert-dir`: the simulator's CA as `ca.crt`. */
export function certDir(sim: Simulator): string {
  const dir = mkdtempSync(join(tmpdir(), 'acr-certs-'))
  copyFileSync(sim.endpoints.caFile, join(dir, 'ca.crt'))
  return dir
}

/** An OCI image layout holding one generated image under `tag`. */
export function ociLayout(repository: string, index: number, tag: string): { dir: string; digest: string } {
  const dir = mkdtempSync(join(tmpdir(), 'acr-oci-'))
  const image = generateImage(repository, index)
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true })
  const put = (b: Buffer) => {
    writeFileSync(join(dir, 'blobs', 'sha256', createHash('sha256').update(b).digest('hex')), b)
  }
  put(image.config)
  put(image.layer)
  put(image.manifest)
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: image.digest,
          size: image.manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  )
  return { dir, digest: image.digest }
}

export interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs /usr/bin/skopeo with a private HOME (no stored registry credentials) and no TLS shortcuts. */
export function skopeo(args: string[]): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'acr-home-'))
  return new Promise((resolve) => {
    execFile(
      'skopeo',
      args,
      {
        env: isolatedEnv({ REGISTRY_AUTH_FILE: join(home, 'auth.json') }, { home, base: 'inherit' }),
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
      },
    )
  })
}
