/**
 * `aks-auth-sim logout`: clears the credential plugin's token cache (kubelogin's remove-cache-dir),
 * and with `--azure` (or `--all`) the Azure sign-in of get-credentials as well (az logout). Only the
 * cache's own files are removed — never a directory tree — so a mistyped --cache-dir is harmless.
 * It says what it kept: the Azure sign-in survives a plain logout, and the next get-credentials,
 * identity or role-assignment command still acts as that user — the tour's most common surprise.
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultAzureConfigDir, defaultKubeloginCacheDir } from '../../client/index.js'
import { readCachedToken } from '../../client/index.js'
import { CliError } from '../errors.js'

export const logoutHelp = `Usage: aks-auth-sim logout [--cache-dir DIR] [--azure] [--azure-config-dir DIR]

Removes cached tokens. Without --azure: the tokens of the kubectl credential plugin (get-token; default
~/.kube/cache/kubelogin or $KUBECACHEDIR/kubelogin), so the next kubectl command signs in again. The
Azure sign-in of get-credentials is kept: get-credentials, identity and role-assignment still act as
that user, and 'logout' says who it is.

Options:
      --azure, --all        also sign out of Azure (az logout): the sign-in of get-credentials
                            (default ~/.aks-auth-sim/azure or $AZURE_CONFIG_DIR)
      --cache-dir DIR       the plugin's cache (alias --token-cache-dir)
      --azure-config-dir D  the Azure sign-in's directory
  -h, --help                this help

Exit status: 0 when every cached token is gone (or there was none), 1 when a file could not be
removed, 2 for a usage mistake.
`

/** Token files, their locks, failure markers and leftovers: `<env>-<resource>-<client>-<tenant>.json[…]`. */
const CACHE_FILE =
  /^[A-Za-z0-9._-]+-[A-Za-z0-9._-]+\.json(\.lock|\.failed|\.[0-9a-f]+\.(tmp|stale)|\.\d+\.[0-9a-f]+\.tmp)?$/

function clear(dir: string): string[] {
  if (!existsSync(dir)) return []
  const removed: string[] = []
  for (const f of readdirSync(dir)) {
    if (!CACHE_FILE.test(f)) continue
    try {
      rmSync(join(dir, f), { force: true })
    } catch (err) {
      throw new CliError(`logout: cannot remove ${join(dir, f)}: ${(err as Error).message}`, 1)
    }
    removed.push(f)
  }
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir)
  } catch {
    // Not empty or not ours to remove: fine.
  }
  return removed
}

/** Who the cached tokens in `dir` belong to (the Azure sign-in: one user, or none). */
function signedInUsers(dir: string): string[] {
  if (!existsSync(dir)) return []
  const users = new Set<string>()
  for (const f of readdirSync(dir)) {
    if (!/\.json$/.test(f) || !CACHE_FILE.test(f)) continue
    const t = readCachedToken(join(dir, f))
    if (t?.refresh_token) users.add(t.username ?? t.client_id)
  }
  return [...users]
}

export function logoutCommand(args: string[]): void {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'cache-dir': { type: 'string' },
      'token-cache-dir': { type: 'string' },
      azure: { type: 'boolean' },
      all: { type: 'boolean' },
      'azure-config-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(logoutHelp)
    return
  }
  const say = (line: string) => void process.stderr.write(`${line}\n`)
  const pluginDir = resolve(values['cache-dir'] ?? values['token-cache-dir'] ?? defaultKubeloginCacheDir())
  const azureDir = resolve(values['azure-config-dir'] ?? defaultAzureConfigDir())
  const report = (dir: string, removed: string[]) =>
    say(
      removed.some((f) => f.endsWith('.json'))
        ? `removed ${removed.filter((f) => f.endsWith('.json')).length} cached token(s) from ${dir}`
        : `no cached tokens in ${dir}`,
    )
  report(pluginDir, clear(pluginDir))
  if (values.azure || values.all) {
    const users = signedInUsers(azureDir)
    report(azureDir, clear(azureDir))
    if (users.length > 0) say(`signed out of Azure (${users.join(', ')})`)
    return
  }
  const users = signedInUsers(azureDir)
  if (users.length > 0)
    say(
      `kept the Azure sign-in of ${users.join(', ')} in ${azureDir}: get-credentials, identity and role-assignment still act as ${users.length > 1 ? 'them' : 'this user'}. To sign out of Azure too: aks-auth-sim logout --azure`,
    )
}
