/**
 * `aks-auth-sim get-credentials`: `az aks get-credentials` against the simulator. Signs in to ARM
 * (device code with the Azure CLI client, cached), calls listClusterUserCredential (or, with
 * `--admin`, listClusterAdminCredential), and merges the kubeconfig into `--file` (default
 * ~/.kube/config) keeping every other entry, as az does.
 */
import { createInterface } from 'node:readline/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import { ArmCallError, armRequest } from '../../client/index.js'
import { signInToAzure } from '../../client/index.js'
import { SignInError } from '../../client/index.js'
import {
  mergeKubeconfig,
  parseKubeconfig,
  permissionWarning,
  readKubeconfig,
  renameForMerge,
  writeKubeconfig,
} from '../../client/index.js'
import { parseGoDuration } from '../../client/index.js'
import { AKS_API_VERSION } from '../../client/index.js'
import { setGetTokenTimeout } from '../../client/index.js'
import { CliError } from '../errors.js'
import { checkedTimeout } from './convert-kubeconfig.js'

export const getCredentialsHelp = `Usage: aks-auth-sim get-credentials [options]

Like 'az aks get-credentials': signs in to Azure Resource Manager (device code, cached), downloads the
cluster's kubeconfig and merges it into --file. The user kubeconfig runs 'aks-auth-sim get-token'
(kubelogin's exec shape) by absolute paths, so it works from any directory without a global install.

Options:
  -g, --resource-group RG   default: the simulator's cluster
  -n, --name NAME           default: the simulator's cluster
      --subscription ID     default: the simulator's subscription
  -a, --admin               the admin kubeconfig (client certificate, CN=masterclient, O=system:masters)
  -f, --file FILE           kubeconfig to merge into (default ~/.kube/config; '-' prints it)
      --context NAME        name for the context (and cluster) instead of the cluster's name
      --overwrite-existing  replace entries of the same name without asking
      --format exec|azure   user kubeconfig format (azure = legacy auth-provider; see convert-kubeconfig)
      --state-dir DIR       the simulator's state directory (env AKS_AUTH_SIM_STATE_DIR; default ~/.aks-auth-sim)
      --azure-config-dir D  where the Azure sign-in is cached (env AZURE_CONFIG_DIR; default ~/.aks-auth-sim/azure)
      --timeout DURATION    how long to wait for the Azure sign-in (default 15m, the device code's lifetime)
      --token-timeout D     written into the user kubeconfig as get-token's --timeout: how long kubectl's
                            plugin waits for the sign-in (default: until its device code expires, 15m)
`

/** The kubeconfig with get-token's --timeout set, as YAML (for `-f -` and the merge alike). */
function withTokenTimeout(config: ReturnType<typeof parseKubeconfig>, timeout: string): string {
  setGetTokenTimeout(config, timeout)
  return stringify(config, { lineWidth: 0 })
}

async function askOverwrite(name: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await rl.question(
      `A different object named ${name} already exists in your kubeconfig file.\nOverwrite? (y/n): `,
    )
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}

export async function getCredentialsCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'resource-group': { type: 'string', short: 'g' },
      name: { type: 'string', short: 'n' },
      subscription: { type: 'string' },
      admin: { type: 'boolean', short: 'a' },
      file: { type: 'string', short: 'f' },
      context: { type: 'string' },
      'overwrite-existing': { type: 'boolean' },
      format: { type: 'string' },
      'state-dir': { type: 'string' },
      'azure-config-dir': { type: 'string' },
      timeout: { type: 'string' },
      'token-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(getCredentialsHelp)
    return
  }
  try {
    if (values.format !== undefined && !['exec', 'azure'].includes(values.format))
      throw new SignInError('usage', `--format must be 'exec' or 'azure' (got '${values.format}')`)
    const tokenTimeout =
      values['token-timeout'] !== undefined ? checkedTimeout(values['token-timeout']) : undefined
    if (tokenTimeout !== undefined && (values.admin || values.format === 'azure'))
      throw new SignInError(
        'usage',
        '--token-timeout applies to the exec plugin of the user kubeconfig (not --admin or --format azure)',
      )
    const session = await signInToAzure({
      ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }),
      ...(values['azure-config-dir'] !== undefined && { azureConfigDir: values['azure-config-dir'] }),
      timeoutSeconds: parseGoDuration(values.timeout ?? '15m'),
      stderr: (line) => void process.stderr.write(`${line}\n`),
    })
    const cluster = session.target.endpoints?.cluster
    const rg = values['resource-group'] ?? cluster?.resourceGroup
    const name = values.name ?? cluster?.name
    const sub = values.subscription ?? cluster?.subscriptionId
    if (!rg || !name || !sub)
      throw new SignInError(
        'usage',
        'the simulator has no managed cluster: pass --resource-group, --name and --subscription',
      )
    const action = values.admin ? 'listClusterAdminCredential' : 'listClusterUserCredential'
    const path =
      `/subscriptions/${encodeURIComponent(sub)}/resourceGroups/${encodeURIComponent(rg)}` +
      `/providers/Microsoft.ContainerService/managedClusters/${encodeURIComponent(name)}/${action}` +
      `?api-version=${AKS_API_VERSION}${values.format ? `&format=${values.format}` : ''}`
    const res = await armRequest<{ kubeconfigs?: { name: string; value: string }[] }>(
      { arm: session.arm, token: session.token.token.access_token, fetch: session.target.fetch },
      'POST',
      path,
    )
    const value = res.body?.kubeconfigs?.[0]?.value
    if (!value) throw new SignInError('rejected', 'Azure Resource Manager returned no kubeconfig')
    const downloaded = Buffer.from(value, 'base64').toString('utf8')
    const text =
      tokenTimeout === undefined
        ? downloaded
        : withTokenTimeout(parseKubeconfig(downloaded, 'the downloaded kubeconfig'), tokenTimeout)
    const file = values.file ?? join(homedir(), '.kube', 'config')
    if (file === '-') {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
      return
    }
    const path_ = resolve(file)
    const addition = parseKubeconfig(text, 'the downloaded kubeconfig')
    renameForMerge(addition, values.context)
    const merged = await mergeKubeconfig(readKubeconfig(path_), addition, {
      overwrite: values['overwrite-existing'] ?? false,
      confirm: askOverwrite,
    })
    writeKubeconfig(path_, merged)
    const warning = permissionWarning(path_)
    if (warning) process.stderr.write(`WARNING: ${warning}\n`)
    process.stdout.write(`Merged "${String(addition['current-context'])}" as current context in ${path_}\n`)
  } catch (err) {
    if (err instanceof SignInError) throw new CliError(`get-credentials: ${err.message}`, err.exitCode)
    if (err instanceof ArmCallError) throw new CliError(err.message, 1)
    throw err
  }
}
