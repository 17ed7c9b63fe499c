/**
 * `aks-auth-sim pod-env NAMESPACE/POD [--format shell|dotenv|json] [--container C]`: the exact
 * environment the workload identity webhook gave a simulated pod (AZURE_* variables, the token file
 * path, NODE_EXTRA_CA_CERTS), so a local process can run as that pod: `eval "$(aks-auth-sim pod-env dev/orders-api)"`.
 */
import { parseArgs } from 'node:util'
import { callAdmin } from '../admin-client.js'
import { AdminApiError, CliError } from '../errors.js'
import { DEFAULT_STATE_DIR } from '../help.js'

export const podEnvHelp = `Usage: aks-auth-sim pod-env NAMESPACE/POD [--format shell|dotenv|json] [--container NAME] [--state-dir DIR]

Prints the environment the workload identity webhook gave a running simulated pod (AZURE_CLIENT_ID,
AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST, NODE_EXTRA_CA_CERTS), so a local
process can run as that pod:  eval "$(aks-auth-sim pod-env dev/orders-api-0)"

Options:
  --format FORMAT       shell (export lines, default), dotenv or json
  --container NAME      the container whose environment to print (default: the first)
  --state-dir DIR       the simulator's state directory (default: ~/.aks-auth-sim)
  -h, --help            this help

Exit codes: 0 printed; 1 no such pod, or the simulator cannot be reached; 2 usage error.
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
  if (positionals.length > 1)
    throw new CliError(`unexpected argument '${positionals[1]}'. Run 'aks-auth-sim pod-env --help'.`, 2)
  if (!ns || !pod || target!.split('/').length !== 2)
    throw new CliError(
      `name the pod as NAMESPACE/POD (got '${target ?? ''}'). Run 'aks-auth-sim pod-env --help'.`,
      2,
    )
  const format = values.format ?? 'shell'
  if (!['shell', 'dotenv', 'json'].includes(format))
    throw new CliError(
      `--format must be shell, dotenv or json (got '${format}'). Run 'aks-auth-sim pod-env --help'.`,
      2,
    )
  const q = new URLSearchParams({ format, ...(values.container && { container: values.container }) })
  const out = await callAdmin(
    values['state-dir'] ?? DEFAULT_STATE_DIR,
    'GET',
    `/pod-identity/pods/${encodeURIComponent(ns)}/${encodeURIComponent(pod)}/env?${q.toString()}`,
  ).catch((err: unknown) => {
    if (err instanceof AdminApiError && err.status === 404 && !values.container)
      throw new CliError(
        `pod ${ns}/${pod} does not exist: no running pod of that name in the simulator's cluster. List them with 'kubectl get pods -n ${ns}'.`,
      )
    throw err
  })
  process.stdout.write(typeof out === 'string' ? out : JSON.stringify(out, null, 2) + '\n')
}
