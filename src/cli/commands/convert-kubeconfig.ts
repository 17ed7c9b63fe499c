/**
 * `aks-auth-sim convert-kubeconfig`: kubelogin's convert-kubeconfig for the simulator's kubeconfigs —
 * switch an AKS user between login modes (devicecode, spn, ropc, azurecli), or turn the legacy
 * `auth-provider: azure` form (`get-credentials --format azure`) into the exec form.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { convertKubeconfig, type ConvertOptions } from '../../client/index.js'
import { SignInError } from '../../client/index.js'
import { parseGoDuration } from '../../client/index.js'
import { readKubeconfig, writeKubeconfig } from '../../client/index.js'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { CliError } from '../errors.js'

export const convertKubeconfigHelp = `Usage: aks-auth-sim convert-kubeconfig [options]

Rewrites the exec credential plugin of AKS users in a kubeconfig (kubelogin's convert-kubeconfig).
Without --context every AKS user is converted: auth-provider 'azure', 'kubelogin get-token …' and
'aks-auth-sim get-token …'.

Options:
  -l, --login MODE        devicecode (default), spn, ropc, azurecli
      --kubeconfig FILE   default: the first path of $KUBECONFIG, else ~/.kube/config
      --context NAME      convert only this context's user
      --server-id, --client-id, --tenant-id, --environment, --cache-dir, --authority-host URL/
      --client-secret S   (spn; the secret then lives in the kubeconfig)   --username U --password P (ropc)
      --azure-config-dir D   (azurecli) becomes AZURE_CONFIG_DIR in the exec env
      --state-dir DIR     sets AKS_AUTH_SIM_STATE_DIR in the exec env
      --timeout DURATION  get-token's --timeout (e.g. 20m): how long the plugin waits for the sign-in
                          (default: the device code's lifetime for devicecode); kept when not given
      --command aks-auth-sim|kubelogin   which plugin the exec runs (default: keep, or aks-auth-sim)
`

/** A Go duration above zero, as get-token will parse it: refused here rather than at the next kubectl. */
export function checkedTimeout(value: string): string {
  if (parseGoDuration(value) <= 0) throw new SignInError('usage', 'timeout must be greater than 0')
  return value
}

export function convertKubeconfigCommand(args: string[]): void {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      login: { type: 'string', short: 'l' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'server-id': { type: 'string' },
      'client-id': { type: 'string' },
      'tenant-id': { type: 'string', short: 't' },
      environment: { type: 'string', short: 'e' },
      'client-secret': { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'cache-dir': { type: 'string' },
      'authority-host': { type: 'string' },
      'state-dir': { type: 'string' },
      'azure-config-dir': { type: 'string' },
      command: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(convertKubeconfigHelp)
    return
  }
  try {
    if (values.command !== undefined && values.command !== 'aks-auth-sim' && values.command !== 'kubelogin')
      throw new SignInError(
        'usage',
        `--command must be 'aks-auth-sim' or 'kubelogin' (got '${values.command}')`,
      )
    const file = resolve(
      values.kubeconfig ??
        process.env.KUBECONFIG?.split(':').find(Boolean) ??
        join(homedir(), '.kube', 'config'),
    )
    const config = readKubeconfig(file)
    const o: ConvertOptions = {
      login: values.login ?? 'devicecode',
      ...(values.context !== undefined && { context: values.context }),
      ...(values['server-id'] !== undefined && { serverId: values['server-id'] }),
      ...(values['client-id'] !== undefined && { clientId: values['client-id'] }),
      ...(values['tenant-id'] !== undefined && { tenantId: values['tenant-id'] }),
      ...(values.environment !== undefined && { environment: values.environment }),
      ...(values['client-secret'] !== undefined && { clientSecret: values['client-secret'] }),
      ...(values.username !== undefined && { username: values.username }),
      ...(values.password !== undefined && { password: values.password }),
      ...(values['cache-dir'] !== undefined && { cacheDir: values['cache-dir'] }),
      ...(values['authority-host'] !== undefined && { authorityHost: values['authority-host'] }),
      ...(values['state-dir'] !== undefined && { stateDir: resolve(values['state-dir']) }),
      ...(values['azure-config-dir'] !== undefined && {
        azureConfigDir: resolve(values['azure-config-dir']),
      }),
      ...(values.command !== undefined && { command: values.command }),
      ...(values.timeout !== undefined && { timeout: checkedTimeout(values.timeout) }),
    }
    const changed = convertKubeconfig(config, o)
    if (changed.length > 0) writeKubeconfig(file, config)
    process.stderr.write(
      changed.length > 0
        ? `converted ${changed.map((n) => `'${n}'`).join(', ')} to --login ${o.login} in ${file}\n`
        : `no AKS user to convert in ${file}\n`,
    )
  } catch (err) {
    if (err instanceof SignInError) throw new CliError(`convert-kubeconfig: ${err.message}`, err.exitCode)
    throw err
  }
}
