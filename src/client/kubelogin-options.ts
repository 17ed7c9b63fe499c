/**
 * `get-token`'s flags and environment overrides, as kubelogin defines them (kubelogin
 * `pkg/internal/token/options.go`): flags first, then the environment wins —
 * AAD_SERVICE_PRINCIPAL_CLIENT_ID then AZURE_CLIENT_ID, the secrets likewise, AZURE_TENANT_ID,
 * AAD_USER_PRINCIPAL_NAME/AZURE_USERNAME, AAD_USER_PRINCIPAL_PASSWORD/AZURE_PASSWORD, AAD_LOGIN_METHOD —
 * unless `--disable-environment-override`; `--use-azurerm-env-vars` reads Terraform's ARM_* names.
 */
import { parseArgs } from 'node:util'
import type { LoginMode } from './acquire-token.js'
import { SignInError } from './errors.js'
import { defaultAzureConfigDir, defaultKubeloginCacheDir } from './token-cache.js'
import { DEFAULT_ENVIRONMENT } from './well-known.js'

export const SUPPORTED_LOGINS = [
  'devicecode',
  'interactive',
  'spn',
  'ropc',
  'msi',
  'azurecli',
  'azd',
  'workloadidentity',
  'azurepipelines',
]
const SIMULATED: LoginMode[] = ['devicecode', 'spn', 'ropc', 'azurecli']

export const getTokenFlags = {
  login: { type: 'string', short: 'l' },
  'server-id': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'client-certificate': { type: 'string' },
  'client-certificate-password': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'tenant-id': { type: 'string', short: 't' },
  environment: { type: 'string', short: 'e' },
  'authority-host': { type: 'string' },
  'cache-dir': { type: 'string' },
  'token-cache-dir': { type: 'string' },
  timeout: { type: 'string' },
  legacy: { type: 'boolean' },
  'use-azurerm-env-vars': { type: 'boolean' },
  'disable-environment-override': { type: 'boolean' },
  'disable-instance-discovery': { type: 'boolean' },
  'pop-enabled': { type: 'boolean' },
  'pop-claims': { type: 'string' },
  'identity-resource-id': { type: 'string' },
  'federated-token-file': { type: 'string' },
  'redirect-url': { type: 'string' },
  'login-hint': { type: 'string' },
  'azure-config-dir': { type: 'string' },
  'state-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

export interface GetTokenOptions {
  login: LoginMode
  serverId: string
  clientId: string
  tenantId: string | undefined
  environment: string
  clientSecret?: string
  username?: string
  password?: string
  cacheDir: string
  azureConfigDir: string
  /** The bound of the whole run: --timeout, else {@link defaultTimeoutSeconds}. */
  timeoutSeconds: number
  /** Whether --timeout was given (the messages then name it). */
  timeoutFromFlag: boolean
  authorityHost?: string
  stateDir?: string
  help: boolean
}

/** kubelogin's --timeout default since v0.2.7 (Azure/kubelogin#643; 30s before): no person waits on these logins. */
export const KUBELOGIN_TIMEOUT_SECONDS = 60
/**
 * A device code sign-in waits for a person to open the page, type the code and pick an account. Since
 * v0.2.0 kubelogin bounds its whole run by --timeout (60 s), which a person in a workshop often misses —
 * and kubectl then runs the plugin again, showing a second code. kubelogin v0.1.x (adal's
 * WaitForUserCompletion) waited until the device code expired; so does this plugin by default: the
 * poll stops at the code's `expires_in` (Entra gives 900 s), and this outer bound is never the one hit.
 */
export const DEVICE_CODE_TIMEOUT_SECONDS = 3600

/** The default bound of a get-token run for a login mode (no --timeout given). */
export const defaultTimeoutSeconds = (login: string): number =>
  login === 'devicecode' ? DEVICE_CODE_TIMEOUT_SECONDS : KUBELOGIN_TIMEOUT_SECONDS

const UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
}

/** Go's time.ParseDuration (`60s`, `1m30s`, `1.5h`, `500ms`), in seconds. */
export function parseGoDuration(s: string): number {
  if (s === '0') return 0
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s)
  if (!m) {
    const why = /^[-+]?\d+(\.\d*)?$/.test(s) ? 'missing unit in duration' : 'invalid duration'
    throw new SignInError('usage', `invalid argument "${s}" for "--timeout" flag: time: ${why} "${s}"`)
  }
  let total = 0
  for (const part of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    total += Number(part[1]) * UNITS[part[2]!]!
  return m[1] === '-' ? -total : total
}

function fromEnv(env: NodeJS.ProcessEnv, names: string[]): string | undefined {
  let value: string | undefined
  // Later names win, as kubelogin applies them in order.
  for (const n of names) if (env[n] !== undefined) value = env[n]
  return value
}

export function parseGetTokenArgs(args: string[], env: NodeJS.ProcessEnv = process.env): GetTokenOptions {
  let values
  try {
    ;({ values } = parseArgs({ args, options: getTokenFlags, strict: true, allowPositionals: false }))
  } catch (err) {
    throw new SignInError('usage', (err as Error).message)
  }
  const o = {
    login: values.login ?? 'devicecode',
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    clientCert: values['client-certificate'],
    tenantId: values['tenant-id'],
    username: values.username,
    password: values.password,
    authorityHost: values['authority-host'],
  }
  if (!values['disable-environment-override']) {
    const pick = (names: string[], current: string | undefined) => fromEnv(env, names) ?? current
    if (values['use-azurerm-env-vars']) {
      o.clientId = pick(['ARM_CLIENT_ID'], o.clientId)
      o.clientSecret = pick(['ARM_CLIENT_SECRET'], o.clientSecret)
      o.clientCert = pick(['ARM_CLIENT_CERTIFICATE_PATH'], o.clientCert)
      o.tenantId = pick(['ARM_TENANT_ID'], o.tenantId)
    } else {
      o.clientId = pick(['AAD_SERVICE_PRINCIPAL_CLIENT_ID', 'AZURE_CLIENT_ID'], o.clientId)
      o.clientSecret = pick(['AAD_SERVICE_PRINCIPAL_CLIENT_SECRET', 'AZURE_CLIENT_SECRET'], o.clientSecret)
      o.clientCert = pick(
        ['AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE', 'AZURE_CLIENT_CERTIFICATE_PATH'],
        o.clientCert,
      )
      o.tenantId = pick(['AZURE_TENANT_ID'], o.tenantId)
    }
    o.username = pick(['AAD_USER_PRINCIPAL_NAME', 'AZURE_USERNAME'], o.username)
    o.password = pick(['AAD_USER_PRINCIPAL_PASSWORD', 'AZURE_PASSWORD'], o.password)
    o.login = pick(['AAD_LOGIN_METHOD'], o.login)!
    o.authorityHost = o.authorityHost ?? env.AZURE_AUTHORITY_HOST
  }
  const help = values.help ?? false
  const timeoutFromFlag = values.timeout !== undefined
  const timeoutSeconds =
    values.timeout !== undefined ? parseGoDuration(values.timeout) : defaultTimeoutSeconds(o.login)
  const base = {
    environment: values.environment ?? DEFAULT_ENVIRONMENT,
    cacheDir: values['cache-dir'] ?? values['token-cache-dir'] ?? defaultKubeloginCacheDir(env),
    azureConfigDir: values['azure-config-dir'] ?? defaultAzureConfigDir(env),
    timeoutSeconds,
    timeoutFromFlag,
    help,
    ...(o.authorityHost !== undefined && { authorityHost: o.authorityHost }),
    ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }),
  }
  if (help) return { ...base, login: 'devicecode', serverId: '', clientId: '', tenantId: undefined }

  if (!SUPPORTED_LOGINS.includes(o.login))
    throw new SignInError(
      'usage',
      `'${o.login}' is not a supported login method. Supported method is one of ${SUPPORTED_LOGINS.join(', ')}`,
    )
  if (!SIMULATED.includes(o.login as LoginMode))
    throw new SignInError(
      'usage',
      o.login === 'interactive'
        ? "login method 'interactive' needs a browser redirect, which aks-auth-sim does not simulate; use --login devicecode"
        : `login method '${o.login}' is not supported by aks-auth-sim; use devicecode, spn, ropc or azurecli`,
    )
  if (timeoutSeconds <= 0) throw new SignInError('usage', 'timeout must be greater than 0')
  if (values.legacy)
    throw new SignInError(
      'usage',
      '--legacy (ADAL tokens with the spn: audience) is not supported by aks-auth-sim',
    )
  if (values['pop-enabled'] || values['pop-claims'] !== undefined)
    throw new SignInError(
      'usage',
      'PoP tokens (--pop-enabled, --pop-claims) are not supported by aks-auth-sim',
    )
  const serverId = values['server-id']
  if (!serverId) throw new SignInError('usage', 'server-id is required')
  const login = o.login as LoginMode
  if (login !== 'azurecli') {
    if (!o.clientId) throw new SignInError('usage', '--client-id is required')
    if (!o.tenantId) throw new SignInError('usage', '--tenant-id is required')
  }
  if (login === 'spn') {
    if (o.clientCert)
      throw new SignInError(
        'usage',
        'client certificates are not supported by aks-auth-sim get-token; use a client secret',
      )
    if (!o.clientSecret)
      throw new SignInError(
        'usage',
        'spn login needs a client secret: --client-secret, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET or AZURE_CLIENT_SECRET',
      )
  }
  if (login === 'ropc' && (!o.username || !o.password))
    throw new SignInError(
      'usage',
      'ropc login needs --username and --password (or AAD_USER_PRINCIPAL_NAME / AAD_USER_PRINCIPAL_PASSWORD)',
    )
  return {
    ...base,
    login,
    serverId,
    clientId: o.clientId ?? '',
    tenantId: o.tenantId,
    ...(o.clientSecret !== undefined && login === 'spn' && { clientSecret: o.clientSecret }),
    ...(login === 'ropc' && { username: o.username!, password: o.password! }),
  }
}
