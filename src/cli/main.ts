/** The `aks-auth-sim` command: a table of sub-commands over node:util.parseArgs. */
import { ConfigError } from '../kernel/errors.js'
import { CliError } from './errors.js'
import { controlHelp, startHelp } from './help.js'

const help = `aks-auth-sim — a local simulator of the AKS sign-in and access-control path

Usage: aks-auth-sim <command> [options]

Commands:
  start          start every service (mock Entra ID, admin API, …)
  device-code    list, approve or decline device codes
  clock          advance simulated time
  keys           rotate the token signing key
  fault          inject or clear faults per endpoint
  requests       print the request log
  rbac           can-i, why, who-can on Kubernetes RBAC manifests, offline (aks-auth-sim rbac --help)

User side (docs/cli.md; each takes --help):
  get-credentials   like 'az aks get-credentials': sign in to ARM, merge the cluster's kubeconfig
  get-token         the kubectl exec credential plugin (kubelogin's get-token)
  convert-kubeconfig  switch a kubeconfig's AKS users between login modes (kubelogin's convert-kubeconfig)
  logout            clear cached tokens (--azure: the ARM sign-in too)
  role-assignment   create, list or delete Azure role assignments (like 'az role assignment')
  identity          federated-credential create, list, show, update or delete (like 'az identity federated-credential')
  pod-env           print the environment a simulated pod gets (workload identity), to run a process as that pod

${startHelp}
${controlHelp}`

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(help)
        return 0
      // Every command loads lazily: kubectl runs get-token for each command, and it must not pay for
      // loading the simulator.
      case 'start':
        await (await import('./commands/start.js')).startCommand(rest)
        return 0
      case 'device-code':
      case 'clock':
      case 'keys':
      case 'fault':
      case 'requests':
        await (await import('./commands/control.js')).controlCommand(command, rest)
        return 0
      case 'rbac':
        return (await import('./commands/rbac.js')).rbacCommand(rest)
      case 'get-credentials':
        await (await import('./commands/get-credentials.js')).getCredentialsCommand(rest)
        return 0
      case 'get-token':
        await (await import('./commands/get-token.js')).getTokenCommand(rest)
        return 0
      case 'convert-kubeconfig':
        ;(await import('./commands/convert-kubeconfig.js')).convertKubeconfigCommand(rest)
        return 0
      case 'logout':
        ;(await import('./commands/logout.js')).logoutCommand(rest)
        return 0
      case 'pod-env':
        await (await import('./commands/pod-env.js')).podEnvCommand(rest)
        return 0
      case 'role-assignment':
        await (await import('./commands/role-assignment.js')).roleAssignmentCommand(rest)
        return 0
      case 'identity':
        await (await import('./commands/identity.js')).identityCommand(rest)
        return 0
      default:
        throw new CliError(`unknown command '${command}'. Run 'aks-auth-sim --help'.`)
    }
  } catch (err) {
    if (err instanceof CliError || err instanceof ConfigError) {
      process.stderr.write(`aks-auth-sim: ${err.message}\n`)
      return err instanceof CliError ? err.exitCode : 2
    }
    const code = (err as { code?: string }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`aks-auth-sim: ${(err as Error).message}\n`)
      return 2
    }
    throw err
  }
}

process.exitCode = await main(process.argv.slice(2))
