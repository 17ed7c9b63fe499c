/**
 * `aks-auth-sim pod-env NAMESPACE/POD [--format shell|dotenv|json] [--container C]`: the exact
 * environment the workload identity webhook gave a simulated pod (AZURE_* variables, the token file
 * path, NODE_EXTRA_CA_CERTS), so a local process can run as that pod: `eval "$(aks-auth-sim pod-env dev/orders-api)"`.
 */
import { parseArgs } from 'node:util'
import { callAdmin } from '../admin-client.js'
import { CliError } from '../errors.js'
import { DEFAULT_STATE_DIR } from '../help.js'

export const podEnvHelp = `Usage: aks-auth-sim pod-env NAMESPACE/POD [--format shell|dotenv|json] [--container NAME] [--state-dir DIR]
`

export async function podEnvCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      container: { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void process.stdout.write(podEnvHelp)
  const [target] = positionals
  const [ns, pod] = (target ?? '').split('/')
  if (!ns || !pod) throw new CliError(`name the pod as NAMESPACE/POD\n\n${podEnvHelp}`, 2)
  const format = values.format ?? 'shell'
  if (!['shell', 'dotenv', 'json'].includes(format))
    throw new CliError(`--format must be shell, dotenv or json (got '${format}')`, 2)
  const q = new URLSearchParams({ format, ...(values.container && { container: values.container }) })
  const out = await callAdmin(
    values['state-dir'] ?? DEFAULT_STATE_DIR,
    'GET',
    `/pod-identity/pods/${encodeURIComponent(ns)}/${encodeURIComponent(pod)}/env?${q.toString()}`,
  )
  process.stdout.write(typeof out === 'string' ? out : JSON.stringify(out, null, 2) + '\n')
}
