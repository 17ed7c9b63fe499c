/**
 * The token cache of the credential plugin and of the ARM sign-in: one JSON file per (environment,
 * resource, client id, tenant) — kubelogin v0.1's `<env>-<server-id>-<client-id>-<tenant-id>.json`
 * layout and ADAL token fields — in a 0700 directory, each file 0600 and replaced atomically
 * (write a temporary file, then rename), so a reader never sees half a file. Concurrent writers are
 * serialised by file-lock.ts around the whole read–refresh–write sequence.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

export interface CachedToken {
  token_type: 'Bearer'
  access_token: string
  refresh_token?: string
  /** Seconds since the epoch, in the simulator's time: the access token's `exp`. */
  expires_on: number
  not_before?: number
  /** The server id / resource the token is for. */
  resource: string
  client_id: string
  tenant_id: string
  /** The Entra origin that issued it: a token from another simulator is never reused. */
  authority: string
  /** How it was obtained: devicecode, spn, ropc, azurecli. */
  login: string
  username?: string
  /** spn: SHA-256 of the client secret, so a run with another secret never gets this token. */
  secret_sha256?: string
}

export interface CacheKey {
  environment: string
  resource: string
  clientId: string
  tenantId: string
}

/** kubelogin's default (`~/.kube/cache/kubelogin`), overridden by KUBECACHEDIR. */
export function defaultKubeloginCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KUBECACHEDIR
    ? join(env.KUBECACHEDIR, 'kubelogin')
    : join(homedir(), '.kube', 'cache', 'kubelogin')
}

/** Where the ARM sign-in (the `az login` of this CLI) is kept: AZURE_CONFIG_DIR, else ~/.aks-auth-sim/azure. */
export function defaultAzureConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.AZURE_CONFIG_DIR ?? join(homedir(), '.aks-auth-sim', 'azure')
}

const safe = (s: string) =>
  s
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+$/, '')

export function cacheFileName(dir: string, k: CacheKey): string {
  return join(dir, `${safe(k.environment)}-${safe(k.resource)}-${safe(k.clientId)}-${safe(k.tenantId)}.json`)
}

function isCachedToken(v: unknown): v is CachedToken {
  const t = v as Partial<CachedToken> | null
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.access_token === 'string' &&
    typeof t.expires_on === 'number' &&
    typeof t.authority === 'string' &&
    typeof t.resource === 'string' &&
    (t.refresh_token === undefined || typeof t.refresh_token === 'string')
  )
}

/** The cached entry, or undefined when there is none or it is unreadable (then it is simply replaced). */
export function readCachedToken(file: string): CachedToken | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return isCachedToken(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

export function writeCachedToken(file: string, token: CachedToken): void {
  const dir = dirname(file)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, JSON.stringify(token) + '\n', { mode: 0o600, flag: 'wx' })
    // The mode of `writeFileSync` is filtered by the umask; the file must be 0600 whatever it is.
    chmodSync(tmp, 0o600)
    renameSync(tmp, file)
  } finally {
    rmSync(tmp, { force: true })
  }
}
