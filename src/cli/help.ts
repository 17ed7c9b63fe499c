/**
 * CLI defaults and help texts, in a module with no heavy imports: kubectl runs `get-token` for every
 * command, so the entry point must not load the simulator to print help or dispatch.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

export const DEFAULT_STATE_DIR = join(homedir(), '.aks-auth-sim')
export const DEFAULT_PORT_BASE = 8440

export const startHelp = `Usage: aks-auth-sim start [options]

Starts every service of the simulator in one process and writes <state-dir>/endpoints.json.

Options:
  --config FILE         YAML or JSON file setting any option (docs/configuration.md); flags win over it
  --scenario FILE       YAML or JSON scenario (default: the built-in contoso.onmicrosoft.com demo tenant)
  --state-dir DIR       keys, certificates and endpoints.json (default: ${DEFAULT_STATE_DIR})
  --host HOST           interface to listen on (default: 127.0.0.1)
  --port-base N         first port; each service takes the next one; 0 = OS-chosen ports (default: ${DEFAULT_PORT_BASE})
  --auto-approve UPN    approve every device code as this user
  --device-code-interval S   polling interval in seconds (default: 5)
  --real-issuers        issue tokens with https://sts.windows.net/<tid>/ issuers
`

export const controlHelp = `Usage:
  aks-auth-sim device-code list                                 pending and recent device codes
  aks-auth-sim device-code approve CODE --as UPN [--after-polls N]
  aks-auth-sim device-code decline CODE --as UPN
  aks-auth-sim clock advance SECONDS                            move simulated time forward
  aks-auth-sim keys rotate                                      new signing key; the old one stays published
  aks-auth-sim fault set ENDPOINT [--status N] [--error CODE] [--latency-ms N] [--retry-after S] [--times N]
  aks-auth-sim fault clear [ENDPOINT]
  aks-auth-sim requests [--service NAME] [--limit N]            the request log, with reasons

Common option: --state-dir DIR (default: ${DEFAULT_STATE_DIR})
`
