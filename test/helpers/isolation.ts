/**
 * The environment of every child process a test or bench spawns: it must never reach the developer's
 * accounts. Each child gets a private HOME, KUBECONFIG inside it, none of the caller's variables that
 * point at a credential or an account (AZURE_CONFIG_DIR and every AZURE_*, MSI_*, IDENTITY_*, CLOUDSDK_*,
 * …) — so the Azure CLI's ~/.azure, gcloud's ~/.config/gcloud and this project's ~/.aks-auth-sim/azure
 * all fall inside the private HOME — and a PATH whose first directory holds guards for the cloud CLIs (`az`, `azd`, `pwsh`, `gcloud`, …): a
 * guard records the call and answers as a missing program does (`sh: 1: az: not found`, exit 127), so
 * `@azure/identity`'s AzureCliCredential reports "Azure CLI could not be found" — what a pod or a CI
 * machine without the Azure CLI shows — even where the Azure CLI is installed and signed in.
 * The tests of the real Azure CLI opt in with `allowAzureCli: { configDir }` (a private
 * AZURE_CONFIG_DIR); every other child keeps az's guard. test/helpers/isolation.test.ts proves it; it also fails if a file under test/ or bench/ starts a
 * process without this helper.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { delimiter, join, resolve, sep } from 'node:path'

/** Programs that hold or fetch cloud credentials; a child finds the guard instead. */
export const GUARDED_COMMANDS = [
  'az',
  'azd',
  'pwsh',
  'gcloud',
  'kubelogin',
  'gke-gcloud-auth-plugin',
] as const

/** Inherited variables that point a client at a credential or an account. */
const CREDENTIAL_VARIABLES =
  /^(AZURE_|ARM_|AZD_|MSI_|IDENTITY_|IMDS_|KUBECONFIG$|CLOUDSDK_|GOOGLE_|AWS_|ACTIONS_ID_TOKEN_|SYSTEM_ACCESSTOKEN$)/

let guard: { dir: string; log: string } | undefined
let guardWithoutAz: string | undefined

/** The guard directory of this test process (created once) and the file its calls are recorded in. */
export function cloudCliGuard(): { dir: string; log: string } {
  if (guard && existsSync(guard.dir)) return guard
  const dir = mkdtempSync(join(tmpdir(), 'aks-sim-cli-guard-'))
  const log = join(dir, 'calls.log')
  writeFileSync(log, '')
  writeGuards(dir, log, GUARDED_COMMANDS)
  guard = { dir, log }
  return guard
}

/** A guard directory with every guard but az's (same call log): for `allowAzureCli`. */
function cloudCliGuardWithoutAz(): string {
  if (guardWithoutAz && existsSync(guardWithoutAz)) return guardWithoutAz
  guardWithoutAz = mkdtempSync(join(tmpdir(), 'aks-sim-cli-guard-az-allowed-'))
  writeGuards(
    guardWithoutAz,
    cloudCliGuard().log,
    GUARDED_COMMANDS.filter((c) => c !== 'az'),
  )
  return guardWithoutAz
}

function writeGuards(dir: string, log: string, names: readonly string[]): void {
  for (const name of names) {
    const file = join(dir, name)
    // Single-quoted shell words: the temp path holds no quote.
    writeFileSync(
      file,
      [
        '#!/bin/sh',
        `# A test must never run the real ${name}: record the call and fail as a missing program does.`,
        `printf '%s\\n' "${name} $*" >> '${log}'`,
        `echo "sh: 1: ${name}: not found" >&2`,
        'exit 127',
        '',
      ].join('\n'),
    )
    chmodSync(file, 0o755)
  }
}

/** Every guarded call recorded so far in this test process (`az account get-access-token …`). */
export function guardedCalls(): string[] {
  return readFileSync(cloudCliGuard().log, 'utf8').split('\n').filter(Boolean)
}

/**
 * `path` (default: the caller's PATH) with the guard directory first, once — the one without az's
 * guard when `allowAz`.
 */
export function guardedPath(
  path = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  allowAz = false,
): string {
  const dirs = [cloudCliGuard().dir, ...(guardWithoutAz ? [guardWithoutAz] : [])]
  const dir = allowAz ? cloudCliGuardWithoutAz() : cloudCliGuard().dir
  return [dir, ...path.split(delimiter).filter((p) => !dirs.includes(p) && p !== dir && p !== '')].join(
    delimiter,
  )
}

/** A new, empty private home directory. */
export function privateHome(prefix = 'aks-sim-home-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export interface IsolationOptions {
  /** The child's home; default `env.HOME` if given, else a new private one. */
  home?: string
  /**
   * `clean` (default): the child sees only PATH, HOME and KUBECONFIG, plus `env` — as a pod or a fresh
   * shell. `inherit`: the caller's environment without its credential variables, plus `env`.
   */
  base?: 'clean' | 'inherit'
  /**
   * Let the child run the machine's real Azure CLI — deliberately, for the tests of the simulator with
   * the real `az` — signed in only inside `configDir`: a private AZURE_CONFIG_DIR under the temp dir,
   * never ~/.azure. az's guard leaves PATH; every other guard stays.
   */
  allowAzureCli?: { configDir: string }
}

/**
 * The environment for a child process: `env` (a test may point KUBECONFIG at its own file) over the
 * isolation, over the base. PATH is always guarded (`env.PATH`, if given, behind the guard). Applying
 * it to its own result changes nothing.
 */
export function isolatedEnv(
  env: Record<string, string> = {},
  opts: IsolationOptions = {},
): Record<string, string> {
  const home = opts.home ?? env.HOME ?? privateHome()
  const az = opts.allowAzureCli
  if (az) {
    const dir = resolve(az.configDir)
    if (!dir.startsWith(`${resolve(tmpdir())}${sep}`) || dir === resolve(homedir(), '.azure'))
      throw new Error(`allowAzureCli: ${dir} is not a private directory under ${tmpdir()}`)
  }
  const base: Record<string, string> = {}
  if (opts.base === 'inherit')
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !CREDENTIAL_VARIABLES.test(k)) base[k] = v
  return {
    ...base,
    HOME: home,
    KUBECONFIG: join(home, '.kube', 'config'),
    ...env,
    ...(az && { AZURE_CONFIG_DIR: resolve(az.configDir) }),
    PATH: guardedPath(env.PATH, az !== undefined),
  }
}
