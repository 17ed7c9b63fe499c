/**
 * `convert-kubeconfig`, after kubelogin's converter (pkg/internal/converter/convert.go): rewrite the exec
 * section of AKS users — legacy `auth-provider: azure`, `kubelogin get-token …`, or this CLI's own
 * get-token — for another login mode, keeping everything else in the file. Values come from the
 * flags, then the legacy auth-provider config, then the existing exec args. The arg order is
 * kubelogin's: `get-token --login <mode> --server-id <id> [--cache-dir]`, then per mode.
 */
import { fileURLToPath } from 'node:url'
import { SignInError } from './errors.js'
import type { KubeConfig, NamedEntry } from './kubeconfig-file.js'
import { EXEC_API_V1BETA1, STATE_DIR_ENV } from './well-known.js'

export const CONVERTIBLE_LOGINS = ['devicecode', 'spn', 'ropc', 'azurecli'] as const
export type ConvertLogin = (typeof CONVERTIBLE_LOGINS)[number]

export interface ConvertOptions {
  login: string
  context?: string
  serverId?: string
  clientId?: string
  tenantId?: string
  environment?: string
  clientSecret?: string
  username?: string
  password?: string
  cacheDir?: string
  authorityHost?: string
  stateDir?: string
  azureConfigDir?: string
  /** get-token's `--timeout` (a Go duration); kept from the old args when not given. */
  timeout?: string
  /** `aks-auth-sim` (default: node + this package's bin, by absolute paths) or `kubelogin`. */
  command?: 'aks-auth-sim' | 'kubelogin'
}

interface ExecSection {
  apiVersion?: string
  command?: string
  args?: string[] | null
  env?: { name: string; value: string }[] | null
  installHint?: string
  interactiveMode?: string
  provideClusterInfo?: boolean
  [k: string]: unknown
}

interface UserBody {
  exec?: ExecSection
  'auth-provider'?: { name?: string; config?: Record<string, string> }
  [k: string]: unknown
}

/** bin/aks-auth-sim.js: two levels up from src/client/ (a checkout) and from dist/client/ (built, installed). */
export const defaultCliArgsPrefix = (): string[] => [
  fileURLToPath(new URL('../../bin/aks-auth-sim.js', import.meta.url)),
]

const KUBELOGIN_HINT =
  '\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://azure.github.io/kubelogin/\n'
const SIM_HINT =
  '\naks-auth-sim is not installed which is required to connect to this simulated AAD enabled cluster.\n\nRun npm ci in the aks-auth-sim checkout, then get the credentials again.\n'

/** Where `get-token` starts in an exec args list (after node's script path, if any). */
function getTokenIndex(exec: ExecSection): number {
  return (exec.args ?? []).indexOf('get-token')
}

function isOurs(exec: ExecSection): boolean {
  const args = exec.args ?? []
  const i = getTokenIndex(exec)
  return (
    i >= 0 &&
    (/aks-auth-sim(\.js)?$/.test(exec.command ?? '') ||
      args.slice(0, i).some((a) => /aks-auth-sim\.js$/.test(a)))
  )
}

function isConvertible(user: UserBody): boolean {
  if (user['auth-provider']?.name === 'azure') return true
  const exec = user.exec
  return !!exec && (/kubelogin/i.test(exec.command ?? '') || isOurs(exec))
}

/** `--flag value` and `--flag=value` from existing exec args. */
function argValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1]
    if (args[i]!.startsWith(`${flag}=`)) return args[i]!.slice(flag.length + 1)
  }
  return undefined
}

function convertUser(user: UserBody, name: string, o: ConvertOptions): UserBody {
  const legacy = user['auth-provider']?.config ?? {}
  const exec = user.exec ?? {}
  const old = exec.args ?? []
  if (user['auth-provider'] && (legacy['config-mode'] ?? '') !== '1')
    throw new SignInError(
      'usage',
      `user '${name}' is a legacy AAD (config-mode '${legacy['config-mode'] ?? ''}') kubeconfig, which needs kubelogin's --legacy (spn: audience); aks-auth-sim does not support it`,
    )
  const pick = (flag: string | undefined, legacyKey: string, argFlag: string) =>
    flag ?? legacy[legacyKey] ?? argValue(old, argFlag)
  const serverId = pick(o.serverId, 'apiserver-id', '--server-id')
  if (!serverId) throw new SignInError('usage', '--server-id is required')
  const clientId = pick(o.clientId, 'client-id', '--client-id')
  const tenantId = pick(o.tenantId, 'tenant-id', '--tenant-id')
  const environment = pick(o.environment, 'environment', '--environment')
  const cacheDir = o.cacheDir ?? argValue(old, '--cache-dir')
  const authorityHost = o.authorityHost ?? argValue(old, '--authority-host')
  const login = o.login as ConvertLogin

  const args = ['get-token', '--login', login, '--server-id', serverId]
  if (cacheDir) args.push('--cache-dir', cacheDir)
  if (login === 'azurecli') {
    // kubelogin drops the tenant of the old kubeconfig here (Azure/kubelogin#123); only a flag sets it.
    if (o.tenantId) args.push('--tenant-id', o.tenantId)
  } else {
    if (!clientId) throw new SignInError('usage', '--client-id is required')
    if (!tenantId) throw new SignInError('usage', '--tenant-id is required')
    args.push('--client-id', clientId, '--tenant-id', tenantId)
    if (environment) args.push('--environment', environment)
    if (login === 'spn' && o.clientSecret) args.push('--client-secret', o.clientSecret)
    if (login === 'ropc' && o.username) args.push('--username', o.username)
    if (login === 'ropc' && o.password) args.push('--password', o.password)
  }
  if (authorityHost) args.push('--authority-host', authorityHost)
  const timeout = o.timeout ?? argValue(old, '--timeout')
  if (timeout) args.push('--timeout', timeout)

  const toKubelogin =
    o.command === 'kubelogin' || (o.command === undefined && !isOurs(exec) && !user['auth-provider'])
  const prefix = toKubelogin ? [] : isOurs(exec) ? old.slice(0, getTokenIndex(exec)) : defaultCliArgsPrefix()
  const command = toKubelogin ? 'kubelogin' : isOurs(exec) ? exec.command! : process.execPath
  const env = new Map((exec.env ?? []).map((e) => [e.name, e.value]))
  if (o.stateDir) env.set(STATE_DIR_ENV, o.stateDir)
  if (login === 'azurecli' && o.azureConfigDir) env.set('AZURE_CONFIG_DIR', o.azureConfigDir)
  if (toKubelogin) env.delete(STATE_DIR_ENV)

  const next: UserBody = { ...user }
  delete next['auth-provider']
  next.exec = {
    ...exec,
    apiVersion: EXEC_API_V1BETA1,
    command,
    args: [...prefix, ...args],
    env: env.size > 0 ? [...env].map(([n, value]) => ({ name: n, value })) : null,
    installHint: exec.installHint ?? (toKubelogin ? KUBELOGIN_HINT : SIM_HINT),
    interactiveMode: exec.interactiveMode ?? 'IfAvailable',
    provideClusterInfo: exec.provideClusterInfo ?? false,
  }
  return next
}

/** Converts in place; returns the names of the users it changed. */
export function convertKubeconfig(config: KubeConfig, o: ConvertOptions): string[] {
  if (!(CONVERTIBLE_LOGINS as readonly string[]).includes(o.login))
    throw new SignInError(
      'usage',
      `'${o.login}' is not a login mode convert-kubeconfig can write for aks-auth-sim. Use one of ${CONVERTIBLE_LOGINS.join(', ')}`,
    )
  const users = (config.users ?? []) as (NamedEntry & { user?: UserBody })[]
  let targets: string[]
  if (o.context !== undefined) {
    const contexts = (config.contexts ?? []) as (NamedEntry & { context?: { user?: string } })[]
    const ctx = contexts.find((c) => c.name === o.context)
    if (!ctx) throw new SignInError('usage', `no context exists with the name: "${o.context}"`)
    if (!ctx.context?.user) throw new SignInError('usage', `context "${o.context}" has no user`)
    targets = [ctx.context.user]
  } else targets = users.filter((u) => u.user && isConvertible(u.user)).map((u) => u.name)
  const changed: string[] = []
  for (const u of users) {
    if (!targets.includes(u.name) || !u.user) continue
    if (o.context === undefined && !isConvertible(u.user)) continue
    u.user = convertUser(u.user, u.name, o)
    changed.push(u.name)
  }
  return changed
}

/**
 * Sets get-token's `--timeout` on every AKS user's exec (this CLI's or kubelogin's) of a kubeconfig:
 * how long the plugin waits for a person to sign in. Returns the users changed.
 */
export function setGetTokenTimeout(config: KubeConfig, timeout: string): string[] {
  const changed: string[] = []
  for (const u of (config.users ?? []) as (NamedEntry & { user?: UserBody })[]) {
    const exec = u.user?.exec
    if (!exec || !isConvertible(u.user!)) continue
    const args = [...(exec.args ?? [])]
    const i = args.findIndex((a) => a === '--timeout' || a.startsWith('--timeout='))
    if (i >= 0) args.splice(i, args[i] === '--timeout' ? 2 : 1)
    args.push('--timeout', timeout)
    exec.args = args
    changed.push(u.name)
  }
  return changed
}
