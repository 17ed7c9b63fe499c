/**
 * The CLI's command table, defaults, help texts of the operator commands, `--version` and the
 * closest-command hint — in a module with no heavy imports: kubectl runs `get-token` for every
 * command, so the entry point must not load the simulator to print help or dispatch.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CliError } from './errors.js'

export const DEFAULT_STATE_DIR = join(homedir(), '.aks-auth-sim')
export const DEFAULT_PORT_BASE = 8440

export interface CommandInfo {
  name: string
  summary: string
  /** Subcommands, each of which takes --help too. */
  subcommands?: readonly string[]
  side: 'simulator' | 'user'
}

/** Every command of `aks-auth-sim`, in the order `--help` lists them. main.ts dispatches on it. */
export const COMMANDS: readonly CommandInfo[] = [
  { name: 'start', side: 'simulator', summary: 'start every service (mock Entra ID, admin API, …)' },
  {
    name: 'status',
    side: 'simulator',
    summary: 'whether a simulator runs on a state dir (pid, URLs, uptime)',
  },
  {
    name: 'stop',
    side: 'simulator',
    summary: 'stop the simulator of a state dir (SIGTERM, waits until it is gone)',
  },
  {
    name: 'device-code',
    side: 'simulator',
    summary: 'list, approve or decline device codes',
    subcommands: ['list', 'approve', 'decline'],
  },
  { name: 'clock', side: 'simulator', summary: 'advance simulated time', subcommands: ['advance'] },
  { name: 'keys', side: 'simulator', summary: 'rotate the token signing key', subcommands: ['rotate'] },
  {
    name: 'fault',
    side: 'simulator',
    summary: 'inject or clear faults per endpoint',
    subcommands: ['set', 'clear', 'list'],
  },
  { name: 'requests', side: 'simulator', summary: 'print the request log' },
  {
    name: 'attendees',
    side: 'simulator',
    summary: "room mode's sheet: each attendee's user, password, namespace and commands",
  },
  {
    name: 'acr',
    side: 'simulator',
    summary: "delete old tags and untagged manifests of a simulated registry (acr-cli's 'acr purge')",
    subcommands: ['purge'],
  },
  {
    name: 'rbac',
    side: 'simulator',
    summary: 'can-i, why, who-can on Kubernetes RBAC manifests, offline',
    subcommands: ['can-i', 'why', 'who-can'],
  },
  {
    name: 'get-credentials',
    side: 'user',
    summary: "like 'az aks get-credentials': sign in to ARM, merge the cluster's kubeconfig",
  },
  { name: 'get-token', side: 'user', summary: "the kubectl exec credential plugin (kubelogin's get-token)" },
  {
    name: 'convert-kubeconfig',
    side: 'user',
    summary: "switch a kubeconfig's AKS users between login modes (kubelogin's convert-kubeconfig)",
  },
  { name: 'logout', side: 'user', summary: 'clear cached tokens (--azure: the ARM sign-in too)' },
  {
    name: 'role-assignment',
    side: 'user',
    summary: "create, list or delete Azure role assignments (like 'az role assignment')",
    subcommands: ['create', 'list', 'delete'],
  },
  {
    name: 'identity',
    side: 'user',
    summary:
      "federated-credential create, list, show, update or delete (like 'az identity federated-credential')",
    subcommands: ['federated-credential'],
  },
  {
    name: 'az',
    side: 'user',
    summary: 'run your own Azure CLI against the simulator (its own config dir; ~/.azure untouched)',
  },
  {
    name: 'az-interception',
    side: 'user',
    summary: 'switch your global Azure CLI configuration to the simulator and back',
    subcommands: ['start', 'stop'],
  },
  {
    name: 'pod-env',
    side: 'user',
    summary: 'print the environment a simulated pod gets (workload identity), to run a process as that pod',
  },
]

const list = (side: CommandInfo['side']) =>
  COMMANDS.filter((c) => c.side === side)
    .map((c) => `  ${c.name.padEnd(side === 'simulator' ? 14 : 19)} ${c.summary}`)
    .join('\n')

export const mainHelp = `Usage: aks-auth-sim <command> [options]

aks-auth-sim — a local simulator of the AKS sign-in and access-control path

Simulator:
${list('simulator')}

User side (like az and kubelogin):
${list('user')}

Every command takes --help (aks-auth-sim <command> --help). aks-auth-sim --version prints the version.
Exit codes: 0 success, 1 failure at run time, 2 usage error (bad command line, configuration, or a
simulator already running on the state dir), 3 no simulator runs (status, stop). See docs/cli.md.
`

/** The root of this installation (where package.json is): found from this module, in src/ or dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }
      if (pkg.name === 'aks-auth-sim') return dir
    } catch {
      // not here
    }
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the package.json of aks-auth-sim')
    dir = up
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]!
}

/** The closest of `candidates` to `word`, if it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 3 ? 1 : editDistance(word, c)
    if (d < bestD) [best, bestD] = [c, d]
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

/** A usage error (exit 2): one line, with the closest valid word or the valid values, and where help is. */
export function unknownWord(
  what: string,
  word: string,
  valid: readonly string[],
  helpCmd: string,
  listValid = true,
): CliError {
  const near = closest(word, valid)
  const hint = [
    ...(near ? [`Did you mean '${near}'?`] : []),
    ...(listValid || !near ? [`Valid: ${valid.join(', ')}.`] : []),
  ]
  return new CliError(`unknown ${what} '${word}'. ${hint.join(' ')} Run '${helpCmd} --help'.`, 2)
}

export const usageError = (message: string, helpCmd: string): CliError =>
  new CliError(`${message}. Run '${helpCmd} --help'.`, 2)

export const startHelp = `Usage: aks-auth-sim start [options]

Starts every service of the simulator in one process, writes <state-dir>/endpoints.json and holds
<state-dir>/instance.json (one simulator per state dir). Stops cleanly on Ctrl-C, SIGINT or SIGTERM
(or 'aks-auth-sim stop'), exit 0.

Options:
  --config FILE         YAML or JSON file setting any option (docs/configuration.md); flags win over it
  --scenario FILE       YAML or JSON scenario (default: the built-in contoso.onmicrosoft.com demo tenant)
  --state-dir DIR       keys, certificates, the object store and endpoints.json (default: ${DEFAULT_STATE_DIR})
  --host HOST           interface to listen on (default: 127.0.0.1); another than loopback exposes every
                        service to the network (a warning says which; docs/security.md)
  --public-host NAME    a name or address other machines use to reach this one (repeatable): in the server
                        certificate, the URLs of endpoints.json (the first one) and the Host names accepted
  --port-base N         first port; each service takes the next one; 0 = OS-chosen ports (default: ${DEFAULT_PORT_BASE})
  --auto-approve UPN    approve every device code as this user
  --device-code-interval S   polling interval in seconds (default: 5)
  --real-issuers        issue tokens with https://sts.windows.net/<tid>/ issuers
  --log-format FORMAT   request log on stderr: none, text or json (default: none); never a token or secret
  --attendees N         room mode: users attendee01…attendeeNN (N ≤ 100) with a password, a namespace
                        each and the group workshop-attendees (docs/room.md); the sheet: 'aks-auth-sim attendees'
  --reset-attendee-passwords   draw new passwords for every attendee and demo user (default: keep the saved ones)
  --demo-passwords MODE room mode: random (default) gives alice, bob, … a random password each, on the
                        host's sheet only; shared keeps Workshop-2026! (then anyone in the room can sign
                        in as alice, cluster-admin)
  -h, --help            this help

Exit codes: 0 stopped by a signal or 'stop'; 1 failure; 2 bad options or scenario, a port in use, or
another simulator running on the state dir.
`

const stateDirLine = `  --state-dir DIR       the simulator's state directory (default: ${DEFAULT_STATE_DIR})`
const adminExits = `Exit codes: 0 done; 1 the simulator refused or cannot be reached; 2 usage error.`

export const statusHelp = `Usage: aks-auth-sim status [--state-dir DIR] [--json]

Says whether a simulator runs on the state dir: its pid, start time, uptime and URLs.

Options:
${stateDirLine}
  --json                print the instance record as JSON
  -h, --help            this help

Exit codes: 0 a simulator runs; 3 none runs; 2 usage error.
`

export const stopHelp = `Usage: aks-auth-sim stop [--state-dir DIR] [--timeout SECONDS]

Sends SIGTERM to the simulator of the state dir and waits until its process is gone and its ports are
closed.

Options:
${stateDirLine}
  --timeout SECONDS     how long to wait (default: 30); then exit 1
  -h, --help            this help

Exit codes: 0 stopped; 3 no simulator runs; 1 it did not stop in time; 2 usage error.
`

export const deviceCodeHelp = `Usage:
  aks-auth-sim device-code list [--state-dir DIR]
  aks-auth-sim device-code approve CODE --as UPN [--after-polls N] [--state-dir DIR]
  aks-auth-sim device-code decline CODE --as UPN [--state-dir DIR]

list: pending and recent device codes (JSON). approve: sign in as UPN for the code (the client's next
poll gets its tokens; with --after-polls N it keeps answering authorization_pending N more times).
decline: the next poll answers authorization_declined.

Options:
  --as UPN              the user who signs in (UPN or object id)
  --after-polls N       approve, but only after N more polls
${stateDirLine}
  -h, --help            this help

${adminExits}
`

export const clockHelp = `Usage: aks-auth-sim clock advance SECONDS [--state-dir DIR]

Moves the simulator's clock forward (expiry of codes, tokens, caches, key grace); prints the new offset.

Options:
${stateDirLine}
  -h, --help            this help

${adminExits}
`

export const keysHelp = `Usage: aks-auth-sim keys rotate [--state-dir DIR]

A new token signing key; the old one stays published in the JWKS for the grace period.

Options:
${stateDirLine}
  -h, --help            this help

${adminExits}
`

export const faultHelp = (endpoints: readonly string[]) => `Usage:
  aks-auth-sim fault set ENDPOINT [--status N] [--error CODE] [--latency-ms N] [--retry-after S] [--times N]
  aks-auth-sim fault clear [ENDPOINT]
  aks-auth-sim fault list

set: answer ENDPOINT with an error (--status 400–599, --error CODE), delay it (--latency-ms), or both,
for --times requests or until cleared. clear: one endpoint's fault, or all. list: the active faults.

ENDPOINT is one of:
${endpoints.map((e) => `  ${e}`).join('\n')}

Options:
  --status N            HTTP status 400–599
  --error CODE          the wire error code (slow_down, temporarily_unavailable, TooManyRequests, …)
  --latency-ms N        delay before answering
  --retry-after S       Retry-After header
  --times N             how many requests the fault applies to (default: until cleared)
${stateDirLine}
  -h, --help            this help

${adminExits}
`

export const requestsHelp = (
  services: readonly string[],
) => `Usage: aks-auth-sim requests [--service NAME] [--limit N] [--output table|json] [--all] [--state-dir DIR]

The request log, oldest first: every request a service answered and every TokenReview and
SubjectAccessReview the webhook answered, with the user, the decision and the reason for each
rejection. The CLI's own reads of the admin API (the clock poll of every get-token, this command) are
left out unless --all.

Options:
  --service NAME        only this service's requests: ${services.join(', ')}, webhook (the reviews)
  --limit N             at most N rows, 1–5000 (default: 200)
  -o, --output FORMAT   table (default: TIME SERVICE USER REQUEST NAMESPACE STATUS DECISION REASON)
                        or json ({"value": [events…]}, each with every field the service recorded)
  --all                 include the admin API reads the CLI makes
${stateDirLine}
  -h, --help            this help

${adminExits}
`

/**
 * How to run this installation's CLI from any directory, as the start banner prints it:
 * `aks-auth-sim` when that name on PATH is this installation (`npm link`, a global install of the
 * tarball, `npx` in a project that depends on it), else the absolute path of bin/aks-auth-sim.js.
 */
export function invocation(env: NodeJS.ProcessEnv = process.env): string {
  const bin = join(packageRoot(), 'bin', 'aks-auth-sim.js')
  const real = (p: string) => {
    try {
      return realpathSync(p)
    } catch {
      return undefined
    }
  }
  const mine = real(bin)
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const found = real(join(dir, 'aks-auth-sim'))
    if (found !== undefined) return found === mine ? 'aks-auth-sim' : shellQuote(bin)
  }
  return shellQuote(bin)
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
