/** Commands that drive a running simulator through its admin API. */
import { parseArgs } from 'node:util'
import { callAdmin } from '../admin-client.js'
import { CliError } from '../errors.js'
import { controlHelp, DEFAULT_STATE_DIR } from '../help.js'

const print = (v: unknown): void => void process.stdout.write(JSON.stringify(v, null, 2) + '\n')

function intOpt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${name} must be a whole number ≥ 0 (got '${v}')`)
  return n
}

export async function controlCommand(command: string, args: string[]): Promise<void> {
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
    },
  })
  const dir = values['state-dir'] ?? DEFAULT_STATE_DIR
  const [sub, arg] = positionals
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new CliError(`missing ${what}\n\n${controlHelp}`)
    return v
  }
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'device-code list':
      return print(await callAdmin(dir, 'GET', '/device-codes'))
    case 'device-code approve': {
      const afterPolls = intOpt(values['after-polls'], '--after-polls')
      return print(
        await callAdmin(dir, 'POST', `/device-codes/${encodeURIComponent(need(arg, 'CODE'))}/approve`, {
          user: need(values.as, '--as UPN'),
          ...(afterPolls !== undefined && { afterPolls }),
        }),
      )
    }
    case 'device-code decline':
      return print(
        await callAdmin(dir, 'POST', `/device-codes/${encodeURIComponent(need(arg, 'CODE'))}/decline`, {
          user: need(values.as, '--as UPN'),
        }),
      )
    case 'clock advance': {
      const seconds = Number(need(arg, 'SECONDS'))
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new CliError(`SECONDS must be a number ≥ 0 (got '${arg}')`)
      return print(await callAdmin(dir, 'POST', '/clock/advance', { seconds }))
    }
    case 'keys rotate':
      return print(await callAdmin(dir, 'POST', '/keys/rotate'))
    case 'fault set': {
      const spec = {
        ...(values.status !== undefined && { status: intOpt(values.status, '--status') }),
        ...(values.error !== undefined && { error: values.error }),
        ...(values['latency-ms'] !== undefined && {
          latencyMs: intOpt(values['latency-ms'], '--latency-ms'),
        }),
        ...(values['retry-after'] !== undefined && {
          retryAfter: intOpt(values['retry-after'], '--retry-after'),
        }),
        ...(values.times !== undefined && { times: intOpt(values.times, '--times') }),
      }
      return print(await callAdmin(dir, 'PUT', `/faults/${encodeURIComponent(need(arg, 'ENDPOINT'))}`, spec))
    }
    case 'fault clear':
      await callAdmin(dir, 'DELETE', arg ? `/faults/${encodeURIComponent(arg)}` : '/faults')
      return
    case 'requests': {
      const q = new URLSearchParams()
      if (values.service) q.set('service', values.service)
      if (values.limit) q.set('limit', values.limit)
      return print(await callAdmin(dir, 'GET', `/requests?${q.toString()}`))
    }
    default:
      throw new CliError(`unknown command '${[command, sub].filter(Boolean).join(' ')}'\n\n${controlHelp}`)
  }
}
