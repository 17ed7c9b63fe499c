/**
 * The `aks-auth-sim` command: the table of commands (help.ts) over node:util.parseArgs. Exit codes:
 * 0 success, 1 failure at run time, 2 usage error (command line, configuration, state dir in use),
 * 3 no simulator runs (status, stop). docs/cli.md lists them.
 */
import { ConfigError } from '../kernel/errors.js'
import { StateDirInUseError } from '../kernel/state-lock.js'
import { CliError } from './errors.js'
import { COMMANDS, mainHelp, packageVersion, unknownWord } from './help.js'

/** Runs one command; returns its exit code. Every command loads lazily: kubectl runs get-token for
 * each of its commands, and it must not pay for loading the simulator. */
async function run(command: string, rest: string[]): Promise<number> {
  switch (command) {
    case 'start':
      await (await import('./commands/start.js')).startCommand(rest)
      return 0
    case 'status':
      return (await import('./commands/instance.js')).statusCommand(rest)
    case 'stop':
      return (await import('./commands/instance.js')).stopCommand(rest)
    case 'device-code':
    case 'clock':
    case 'keys':
    case 'fault':
    case 'requests':
      await (await import('./commands/control.js')).controlCommand(command, rest)
      return 0
    case 'attendees':
      ;(await import('./commands/attendees.js')).attendeesCommand(rest)
      return 0
    case 'acr':
      return (await import('./commands/acr.js')).acrCommand(rest)
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
    case 'az':
      return (await import('./commands/az.js')).azCommand(rest)
    case 'az-interception':
      return (await import('./commands/az.js')).azInterceptionCommand(rest)
    default:
      throw new Error(`command '${command}' is in the table but has no handler`)
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        // `aks-auth-sim help <command>` is `aks-auth-sim <command> --help`.
        if (command === 'help' && rest[0] !== undefined) return await main([rest[0], '--help'])
        process.stdout.write(mainHelp)
        return 0
      case '--version':
      case '-v':
      case 'version':
        process.stdout.write(`${packageVersion()}\n`)
        return 0
    }
    if (!COMMANDS.some((c) => c.name === command)) {
      if (command.startsWith('-'))
        throw new CliError(`unknown option '${command}'. Run 'aks-auth-sim --help'.`, 2)
      throw unknownWord(
        'command',
        command,
        COMMANDS.map((c) => c.name),
        'aks-auth-sim',
        false,
      )
    }
    return await run(command, rest)
  } catch (err) {
    if (err instanceof CliError || err instanceof ConfigError || err instanceof StateDirInUseError) {
      process.stderr.write(`aks-auth-sim: ${err.message}\n`)
      return err instanceof CliError ? err.exitCode : 2
    }
    const code = (err as { code?: string }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const cmd =
        command && COMMANDS.some((c) => c.name === command) ? `aks-auth-sim ${command}` : 'aks-auth-sim'
      process.stderr.write(`aks-auth-sim: ${firstLine((err as Error).message)}. Run '${cmd} --help'.\n`)
      return 2
    }
    throw err
  }
}

/** parseArgs' messages run over several lines ("… To specify a positional argument starting with a '-' …"). */
const firstLine = (message: string) =>
  message.split('\n')[0]!.split('. To specify a positional')[0]!.replace(/\.$/, '')

process.exitCode = await main(process.argv.slice(2))
