/**
 * `aks-auth-sim attendees [--output table|json|csv] [--state-dir DIR]`: room mode's sheet (docs/room.md) —
 * each attendee's user name, password and namespace, and the commands an attendee's machine runs. Read
 * from `<state-dir>/room.json` (0600) and `endpoints.json`, so it works whether the simulator runs or not.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { caFingerprint, readRoomFile, renderSheet } from '../../room/index.js'
import { CliError } from '../errors.js'
import { DEFAULT_STATE_DIR } from '../help.js'

export const attendeesHelp = `Usage: aks-auth-sim attendees [--output table|json|csv] [--state-dir DIR]

Prints room mode's sheet (aks-auth-sim start --attendees N; docs/room.md): every attendee's user name,
password and namespace, and the commands an attendee runs on their own machine (get the CA certificate
and check its fingerprint, download the kubeconfig, sign in with kubectl). The passwords are secrets:
print the sheet for the room, do not project it. The table ends with a "demo users (host only)" section:
the random passwords room mode gave the scenario's own users (alice, bob, …), unless the simulator was
started with --demo-passwords shared; the CSV (for a mail merge) leaves them out. The simulator need
not be running.

Options:
  -o, --output FORMAT   table (default), json (demo users under demoUsers) or csv (one row per attendee,
                        for a mail merge; no demo users)
  --state-dir DIR       the simulator's state directory (default: ${DEFAULT_STATE_DIR})
  -h, --help            this help

Exit codes: 0 printed; 1 the state dir has no room (start the simulator with --attendees N first);
2 usage error.
`

export function attendeesCommand(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      output: { type: 'string', short: 'o' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void process.stdout.write(attendeesHelp)
  if (positionals.length > 0)
    throw new CliError(`unexpected argument '${positionals[0]}'. Run 'aks-auth-sim attendees --help'.`, 2)
  const format = values.output ?? 'table'
  if (format !== 'table' && format !== 'json' && format !== 'csv')
    throw new CliError(
      `--output must be table, json or csv (got '${format}'). Run 'aks-auth-sim attendees --help'.`,
      2,
    )
  const stateDir = resolve(values['state-dir'] ?? DEFAULT_STATE_DIR)
  const room = readRoomFile(stateDir)
  if (!room || room.attendees.length === 0)
    throw new CliError(
      `no room in ${stateDir}: start the simulator with --attendees N (docs/room.md), then run this again`,
    )
  let endpoints: { ui?: string | { url?: string }; caFile?: string }
  try {
    endpoints = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as typeof endpoints
  } catch (err) {
    throw new CliError(`cannot read ${join(stateDir, 'endpoints.json')}: ${(err as Error).message}`)
  }
  const ui = typeof endpoints.ui === 'string' ? endpoints.ui : endpoints.ui?.url
  if (!ui || !endpoints.caFile)
    throw new CliError(`${join(stateDir, 'endpoints.json')} names no web UI or CA file`)
  const links = {
    ui: ui.replace(/\/+$/, ''),
    caFingerprint: caFingerprint(readFileSync(endpoints.caFile, 'utf8')),
  }
  process.stdout.write(renderSheet(format, links, room.attendees, room.demoUsers ?? []))
}
