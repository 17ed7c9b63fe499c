/**
 * `aks-auth-sim logout`: clears the credential plugin's token cache (kubelogin's remove-cache-dir),
 * and with `--azure` (or `--all`) the Azure sign-in of get-credentials as well (az logout). Only the
 * cache's own files are removed — never a directory tree — so a mistyped --cache-dir is harmless.
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultAzureConfigDir, defaultKubeloginCacheDir } from '../../client/index.js'

export const logoutHelp = `Usage: aks-auth-sim logout [--cache-dir DIR] [--azure] [--azure-config-dir DIR]

Removes cached tokens: the get-token cache (default ~/.kube/cache/kubelogin or $KUBECACHEDIR/kubelogin),
and with --azure (or --all) the Azure sign-in of get-credentials (default ~/.aks-auth-sim/azure or
$AZURE_CONFIG_DIR). The next kubectl command signs in again.
`

/** Token files, their locks and leftovers: `<env>-<resource>-<client>-<tenant>.json[.lock]`. */
const CACHE_FILE =
  /^[A-Za-z0-9._-]+-[A-Za-z0-9._-]+\.json(\.lock|\.[0-9a-f]+\.(tmp|stale)|\.\d+\.[0-9a-f]+\.tmp)?$/

function clear(dir: string): string[] {
  if (!existsSync(dir)) return []
  const removed: string[] = []
  for (const f of readdirSync(dir)) {
    if (!CACHE_FILE.test(f)) continue
    rmSync(join(dir, f), { force: true })
    removed.push(f)
  }
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir)
  } catch {
    // Not empty or not ours to remove: fine.
  }
  return removed
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
  const dirs = [resolve(values['cache-dir'] ?? values['token-cache-dir'] ?? defaultKubeloginCacheDir())]
  if (values.azure || values.all) dirs.push(resolve(values['azure-config-dir'] ?? defaultAzureConfigDir()))
  for (const dir of dirs) {
    const removed = clear(dir)
    process.stderr.write(
      removed.length > 0
        ? `removed ${removed.filter((f) => f.endsWith('.json')).length} cached token(s) from ${dir}\n`
        : `no cached tokens in ${dir}\n`,
    )
  }
}
