/**
 * `aks-auth-sim az <args>`: runs the user's own Azure CLI against the running simulator, with its own
 * config dir (`<state-dir>/azure-cli`: the simulator's custom cloud, its sign-in, its token cache) and
 * `REQUESTS_CA_BUNDLE` set to the system roots plus the simulator's CA — ~/.azure is never read or
 * written. az's exit code is passed through. Like LocalStack's `lstk az`.
 *
 * `aks-auth-sim az-interception start|stop` switches the global configuration (AZURE_CONFIG_DIR or
 * ~/.azure) to the simulator and back: start keeps a copy of every file it or a sign-in changes, stop
 * puts them back exactly (and removes the ones that did not exist).
 */
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CliError } from '../errors.js'
import { DEFAULT_STATE_DIR } from '../help.js'
import { readSimEndpoints, SIM_CLOUD, writeCaBundle, writeCloudConfig } from './az-config.js'

export const azHelp = `Usage: aks-auth-sim az [--state-dir DIR] [--] <az arguments…>

Runs your own Azure CLI ('az' on PATH) against the running simulator: a custom cloud named
'${SIM_CLOUD}' with the simulator's Entra ID, ARM and Graph URLs, kept in its own config dir
(<state-dir>/azure-cli) so ~/.azure is left untouched, and REQUESTS_CA_BUNDLE set to the system
roots plus the simulator's CA. az's exit code is passed through.

  aks-auth-sim az login --use-device-code          # approve the code on the device login page
  aks-auth-sim az account show
  aks-auth-sim az aks get-credentials -g rg-aks-demo -n aks-demo
  aks-auth-sim az role assignment list --all

Options (before the az arguments):
  --state-dir DIR   the simulator's state dir (default: $AKS_AUTH_SIM_STATE_DIR or ${DEFAULT_STATE_DIR})
  -h, --help        this help ('aks-auth-sim az -- --help' is az's own)

Exit codes: az's own; 1 when no simulator runs on the state dir or az is not installed.
See docs/cli.md#az.
`

export const azInterceptionHelp = `Usage: aks-auth-sim az-interception start|stop [--state-dir DIR] [--azure-config-dir DIR]

Points your global Azure CLI configuration (AZURE_CONFIG_DIR, or ~/.azure) at the simulator, and
back. 'start' keeps a copy of the files it changes and of those a sign-in changes (config,
clouds.config, azureProfile.json, the MSAL token cache, service principal entries) in
<config dir>/aks-auth-sim-backup, then registers and selects the '${SIM_CLOUD}' cloud; 'stop'
restores them exactly and removes the copy. az reads the simulator's CA only from REQUESTS_CA_BUNDLE:
'start' writes a bundle and prints the export line for your shell.

Options:
  --state-dir DIR         the simulator's state dir (default: $AKS_AUTH_SIM_STATE_DIR or ${DEFAULT_STATE_DIR})
  --azure-config-dir DIR  the configuration to switch (default: $AZURE_CONFIG_DIR or ~/.azure)
  -h, --help              this help

Exit codes: 0 done; 1 no simulator (start), nothing to restore (stop), or a file error;
2 usage error, or start while already started.
`

const stateDirOf = (flag: string | undefined) =>
  resolve(flag ?? process.env.AKS_AUTH_SIM_STATE_DIR ?? DEFAULT_STATE_DIR)

/** Splits `[--state-dir DIR] [--] rest…`; everything after the first other word is az's. */
function ownOptions(args: string[]): { stateDir: string | undefined; help: boolean; rest: string[] } {
  let stateDir: string | undefined
  let i = 0
  for (; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') {
      i++
      break
    }
    if (a === '--state-dir') {
      stateDir = args[++i]
      if (stateDir === undefined)
        throw new CliError("--state-dir needs a value. Run 'aks-auth-sim az --help'.", 2)
    } else if (a.startsWith('--state-dir=')) stateDir = a.slice('--state-dir='.length)
    else if (a === '--help' || a === '-h') return { stateDir, help: true, rest: [] }
    else break
  }
  return { stateDir, help: false, rest: args.slice(i) }
}

/** The environment az runs with: the caller's, pointed at `configDir` and the CA bundle. */
function azEnvironment(configDir: string, bundle: string): NodeJS.ProcessEnv {
  return { ...process.env, AZURE_CONFIG_DIR: configDir, REQUESTS_CA_BUNDLE: bundle }
}

function runAz(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn('az', args, { stdio: 'inherit', env })
    child.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'ENOENT'
          ? new CliError(
              "the Azure CLI ('az') is not on PATH: install it (https://aka.ms/installazurecli; Debian: apt-get install azure-cli)",
            )
          : err,
      ),
    )
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 + 2 : 1)))
  })
}

export async function azCommand(args: string[]): Promise<number> {
  const { stateDir: flag, help, rest } = ownOptions(args)
  if (help) {
    process.stdout.write(azHelp)
    return 0
  }
  const stateDir = stateDirOf(flag)
  const endpoints = readSimEndpoints(stateDir)
  const configDir = join(stateDir, 'azure-cli')
  writeCloudConfig(configDir, endpoints)
  const bundle = writeCaBundle(join(configDir, 'ca-bundle.pem'), endpoints.caFile)
  return runAz(rest, azEnvironment(configDir, bundle))
}

/** The files `az-interception start` saves: its own changes and a sign-in's. */
const SAVED = [
  'config',
  'clouds.config',
  'azureProfile.json',
  'msal_token_cache.json',
  'msal_token_cache.bin',
  'service_principal_entries.json',
  'service_principal_entries.bin',
  'msal_http_cache.bin',
]
const BACKUP = 'aks-auth-sim-backup'

export function azInterceptionCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'state-dir': { type: 'string' },
      'azure-config-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(azInterceptionHelp)
    return 0
  }
  const [sub, ...extra] = positionals
  if (sub !== 'start' && sub !== 'stop')
    throw new CliError(
      `${sub === undefined ? 'missing subcommand' : `unknown az-interception subcommand '${sub}'`}: one of start, stop. Run 'aks-auth-sim az-interception --help'.`,
      2,
    )
  if (extra.length > 0)
    throw new CliError(`unexpected argument '${extra[0]}'. Run 'aks-auth-sim az-interception --help'.`, 2)
  const configDir = resolve(
    values['azure-config-dir'] ?? process.env.AZURE_CONFIG_DIR ?? join(homedir(), '.azure'),
  )
  const backup = join(configDir, BACKUP)
  const manifest = join(backup, 'manifest.json')
  if (sub === 'start') {
    if (existsSync(manifest))
      throw new CliError(
        `${configDir} is already switched to the simulator ('aks-auth-sim az-interception stop' switches it back)`,
        2,
      )
    const stateDir = stateDirOf(values['state-dir'])
    const endpoints = readSimEndpoints(stateDir)
    mkdirSync(backup, { recursive: true })
    const existed = SAVED.filter((f) => existsSync(join(configDir, f)))
    for (const f of existed) copyFileSync(join(configDir, f), join(backup, f))
    writeFileSync(manifest, JSON.stringify({ existed, stateDir }, null, 2))
    writeCloudConfig(configDir, endpoints)
    const bundle = writeCaBundle(join(backup, 'ca-bundle.pem'), endpoints.caFile)
    process.stderr.write(
      `az in ${configDir} now uses the simulator's cloud '${SIM_CLOUD}'. For its CA, in your shell:\n`,
    )
    process.stdout.write(`export REQUESTS_CA_BUNDLE=${bundle}\n`)
    return 0
  }
  if (!existsSync(manifest))
    throw new CliError(`${configDir} is not switched to the simulator: nothing to restore`)
  const { existed } = JSON.parse(readFileSync(manifest, 'utf8')) as { existed: string[] }
  for (const f of SAVED) {
    if (existed.includes(f)) copyFileSync(join(backup, f), join(configDir, f))
    else rmSync(join(configDir, f), { force: true })
  }
  rmSync(backup, { recursive: true, force: true })
  process.stderr.write(
    `az in ${configDir} is back as it was; 'unset REQUESTS_CA_BUNDLE' in shells where you exported it\n`,
  )
  return 0
}
