/**
 * `aks-auth-sim status` and `stop`: the simulator that holds a state dir's lock (`instance.json`,
 * kernel/state-lock.ts). Both read only that file and the process table: nothing heavy is loaded.
 */
import { createConnection } from 'node:net'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { holderAlive, readInstance, runningInstance, type InstanceRecord } from '../../kernel/state-lock.js'
import { CliError } from '../errors.js'
import { DEFAULT_STATE_DIR, statusHelp, stopHelp, usageError } from '../help.js'

/** Exit code of status and stop when no simulator runs on the state dir. */
export const NOT_RUNNING = 3

function uptime(since: string): string {
  let s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000))
  const parts: string[] = []
  for (const [unit, n] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (s >= n || parts.length) parts.push(`${Math.floor(s / n)}${unit}`)
    s %= n
  }
  return [...parts, `${s}s`].join(' ')
}

export function statusCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'state-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return (void process.stdout.write(statusHelp), 0)
  if (positionals.length) throw usageError(`unexpected argument '${positionals[0]}'`, 'aks-auth-sim status')
  const dir = resolve(values['state-dir'] ?? DEFAULT_STATE_DIR)
  const r = runningInstance(dir)
  if (values.json) {
    process.stdout.write(
      JSON.stringify(
        r ? { running: true, stateDir: dir, ...r } : { running: false, stateDir: dir },
        null,
        2,
      ) + '\n',
    )
    return r ? 0 : NOT_RUNNING
  }
  if (!r) {
    const stale = readInstance(dir)
    process.stdout.write(
      `no simulator runs on ${dir}${stale ? ` (a stale lock names pid ${stale.pid}, which is gone; the next start takes it over)` : ''}\n`,
    )
    return NOT_RUNNING
  }
  const lines = [
    `aks-auth-sim runs on ${dir}`,
    `  pid       ${r.pid}${r.host ? ` on ${r.host}` : ''}`,
    `  started   ${r.startedAt} (up ${uptime(r.startedAt)})`,
    ...(r.urls
      ? Object.entries(r.urls).map(([k, v]) => `  ${k.padEnd(9)} ${v}`)
      : ['  (still starting: no URLs yet)']),
  ]
  process.stdout.write(lines.join('\n') + '\n')
  return 0
}

/** Whether something accepts connections on `url`'s port. */
function portOpen(url: string): Promise<boolean> {
  const u = new URL(url)
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80))
  return new Promise((done) => {
    const s = createConnection({ host: u.hostname.replace(/^\[|\]$/g, ''), port })
    s.once('connect', () => (s.destroy(), done(true)))
    s.once('error', () => done(false))
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function stopCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'state-dir': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return (void process.stdout.write(stopHelp), 0)
  if (positionals.length) throw usageError(`unexpected argument '${positionals[0]}'`, 'aks-auth-sim stop')
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout)
  if (values.timeout?.trim() === '' || !Number.isFinite(timeout) || timeout <= 0)
    throw usageError(
      `--timeout must be a number of seconds > 0 (got '${values.timeout}')`,
      'aks-auth-sim stop',
    )
  const dir = resolve(values['state-dir'] ?? DEFAULT_STATE_DIR)
  const r: InstanceRecord | undefined = runningInstance(dir)
  if (!r) {
    process.stderr.write(`aks-auth-sim: no simulator runs on ${dir}\n`)
    return NOT_RUNNING
  }
  try {
    process.kill(r.pid, 'SIGTERM')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ESRCH') {
      process.stderr.write(`aks-auth-sim: no simulator runs on ${dir}\n`)
      return NOT_RUNNING
    }
    throw new CliError(`cannot signal pid ${r.pid}: ${(err as Error).message}`)
  }
  const deadline = Date.now() + timeout * 1000
  const urls = Object.values(r.urls ?? {})
  for (;;) {
    const gone = !holderAlive(r)
    const open = gone ? (await Promise.all(urls.map(portOpen))).some(Boolean) : true
    if (gone && !open) break
    if (Date.now() > deadline)
      throw new CliError(`the simulator (pid ${r.pid}) did not stop within ${timeout}s`)
    await sleep(100)
  }
  process.stderr.write(`stopped the simulator (pid ${r.pid}) on ${dir}\n`)
  return 0
}
