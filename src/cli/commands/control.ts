/** Commands that drive a running simulator through its admin API: device-code, clock, keys, fault, requests. */
import { parseArgs } from 'node:util'
import { REQUEST_LOG_SERVICES, type SimEvent } from '../../kernel/events.js'
import { FAULT_ENDPOINTS, isFaultEndpoint } from '../../kernel/faults.js'
import { callAdmin } from '../admin-client.js'
import { isToolingRead, REQUEST_LOG_TYPES, requestsTable } from '../requests-table.js'
import {
  clockHelp,
  COMMANDS,
  DEFAULT_STATE_DIR,
  deviceCodeHelp,
  faultHelp,
  keysHelp,
  requestsHelp,
  unknownWord,
  usageError,
} from '../help.js'

const print = (v: unknown): void => void process.stdout.write(JSON.stringify(v, null, 2) + '\n')

export type ControlCommand = 'device-code' | 'clock' | 'keys' | 'fault' | 'requests'

const HELP: Record<ControlCommand, string> = {
  'device-code': deviceCodeHelp,
  clock: clockHelp,
  keys: keysHelp,
  fault: faultHelp(FAULT_ENDPOINTS),
  requests: requestsHelp(REQUEST_LOG_SERVICES),
}

/** Each (sub)command's options besides --state-dir and --help (any other is a usage error), and its argument. */
const USAGE: Record<string, { options: string[]; argument?: string }> = {
  'device-code list': { options: [] },
  'device-code approve': { options: ['as', 'after-polls'], argument: 'CODE' },
  'device-code decline': { options: ['as'], argument: 'CODE' },
  'clock advance': { options: [], argument: 'SECONDS' },
  'keys rotate': { options: [] },
  'fault set': { options: ['status', 'error', 'latency-ms', 'retry-after', 'times'], argument: 'ENDPOINT' },
  'fault clear': { options: [], argument: 'ENDPOINT' },
  'fault list': { options: [] },
  requests: { options: ['service', 'limit', 'output', 'all'] },
}

export async function controlCommand(command: ControlCommand, args: string[]): Promise<void> {
  const cmd = `aks-auth-sim ${command}`
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'state-dir': { type: 'string' },
      as: { type: 'string' },
      'after-polls': { type: 'string' },
      status: { type: 'string' },
      error: { type: 'string' },
      'latency-ms': { type: 'string' },
      'retry-after': { type: 'string' },
      times: { type: 'string' },
      service: { type: 'string' },
      limit: { type: 'string' },
      output: { type: 'string', short: 'o' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void process.stdout.write(HELP[command])
  const dir = values['state-dir'] ?? DEFAULT_STATE_DIR
  const subs = COMMANDS.find((c) => c.name === command)?.subcommands
  const [sub, arg, ...extra] = positionals
  const need = (v: string | undefined, what: string) => {
    if (!v) throw usageError(`missing ${what}`, `${cmd} ${sub ?? ''}`.trim())
    return v
  }
  const int = (v: string | undefined, name: string, min = 0, max = Number.MAX_SAFE_INTEGER) => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw usageError(`${name} must be a whole number from ${min} to ${max} (got '${v}')`, cmd)
    return n
  }
  if (subs) {
    if (sub === undefined) throw usageError(`missing subcommand: one of ${subs.join(', ')}`, cmd)
    if (!subs.includes(sub)) throw unknownWord(`${command} subcommand`, sub, subs, cmd)
  } else if (sub !== undefined) throw usageError(`unexpected argument '${sub}'`, cmd)
  const args_ = `${command} ${sub ?? ''}`.trim()
  const usage = USAGE[args_]!
  for (const [k, v] of Object.entries(values))
    if (v !== undefined && !['state-dir', ...usage.options].includes(k))
      throw usageError(`${args_} takes no --${k}`, cmd)
  if (extra.length > 0 || (arg !== undefined && !usage.argument))
    throw usageError(`unexpected argument '${extra[0] ?? arg}'`, cmd)

  switch (args_) {
    case 'device-code list':
      return print(await callAdmin(dir, 'GET', '/device-codes'))
    case 'device-code approve': {
      const code = need(arg, 'CODE')
      const user = need(values.as, '--as UPN')
      const afterPolls = int(values['after-polls'], '--after-polls')
      return print(
        await callAdmin(dir, 'POST', `/device-codes/${encodeURIComponent(code)}/approve`, {
          user,
          ...(afterPolls !== undefined && { afterPolls }),
        }),
      )
    }
    case 'device-code decline': {
      const code = need(arg, 'CODE')
      const user = need(values.as, '--as UPN')
      return print(
        await callAdmin(dir, 'POST', `/device-codes/${encodeURIComponent(code)}/decline`, { user }),
      )
    }
    case 'clock advance': {
      const raw = need(arg, 'SECONDS')
      const seconds = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(seconds) || seconds < 0)
        throw usageError(`SECONDS must be a number ≥ 0 (got '${raw}')`, cmd)
      return print(await callAdmin(dir, 'POST', '/clock/advance', { seconds }))
    }
    case 'keys rotate':
      return print(await callAdmin(dir, 'POST', '/keys/rotate'))
    case 'fault set': {
      const endpoint = need(arg, 'ENDPOINT')
      if (!isFaultEndpoint(endpoint)) throw unknownWord('fault endpoint', endpoint, FAULT_ENDPOINTS, cmd)
      const spec = {
        ...(values.status !== undefined && { status: int(values.status, '--status', 400, 599) }),
        ...(values.error !== undefined && { error: values.error }),
        ...(values['latency-ms'] !== undefined && { latencyMs: int(values['latency-ms'], '--latency-ms') }),
        ...(values['retry-after'] !== undefined && {
          retryAfter: int(values['retry-after'], '--retry-after'),
        }),
        ...(values.times !== undefined && { times: int(values.times, '--times', 1) }),
      }
      if (spec.status === undefined && spec.error === undefined && spec.latencyMs === undefined)
        throw usageError('a fault needs at least one of --status, --error, --latency-ms', cmd)
      return print(await callAdmin(dir, 'PUT', `/faults/${encodeURIComponent(endpoint)}`, spec))
    }
    case 'fault clear':
      if (arg !== undefined && !isFaultEndpoint(arg))
        throw unknownWord('fault endpoint', arg, FAULT_ENDPOINTS, cmd)
      await callAdmin(dir, 'DELETE', arg ? `/faults/${encodeURIComponent(arg)}` : '/faults')
      return
    case 'fault list':
      return print(await callAdmin(dir, 'GET', '/faults'))
    case 'requests': {
      const services: readonly string[] = [...REQUEST_LOG_SERVICES, 'webhook']
      if (values.service !== undefined && !services.includes(values.service))
        throw unknownWord('service', values.service, services, cmd)
      const output = values.output ?? 'table'
      if (output !== 'table' && output !== 'json')
        throw usageError(`--output must be 'table' or 'json' (got '${output}')`, cmd)
      const limit = int(values.limit, '--limit', 1, 5000) ?? 200
      const q = new URLSearchParams({ type: REQUEST_LOG_TYPES.join(','), limit: '5000' })
      if (values.service !== undefined) q.set('service', values.service)
      const log = (await callAdmin(dir, 'GET', `/requests?${q.toString()}`)) as { value?: SimEvent[] }
      // The tooling's reads are dropped before the limit, so they never crowd out the workshop's.
      const events = (log.value ?? []).filter((e) => values.all || !isToolingRead(e)).slice(-limit)
      if (output === 'json') return print({ value: events })
      return void process.stdout.write(requestsTable(events))
    }
  }
  throw new Error(`no handler for '${args_}'`)
}
