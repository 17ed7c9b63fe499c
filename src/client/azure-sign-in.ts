/**
 * The CLI's `az login`: a device code sign-in with the Azure CLI's public client for the ARM resource,
 * cached (access and refresh token) in the Azure config dir, so get-credentials and role-assignment
 * prompt once and later runs are silent until the refresh token is gone.
 */
import { acquireToken, type AcquiredToken } from './acquire-token.js'
import { SignInError } from './errors.js'
import { locateSimulator, type SimulatorTarget } from './locate.js'
import { defaultAzureConfigDir } from './token-cache.js'
import { ARM_RESOURCE, AZURE_CLI_CLIENT_ID, DEFAULT_ENVIRONMENT } from './well-known.js'

export interface AzureSession {
  target: SimulatorTarget
  arm: string
  tenantId: string
  token: AcquiredToken
}

export async function signInToAzure(o: {
  stateDir?: string
  azureConfigDir?: string
  timeoutSeconds: number
  stderr: (line: string) => void
}): Promise<AzureSession> {
  const target = locateSimulator({ ...(o.stateDir !== undefined && { stateDir: o.stateDir }) })
  const arm = target.endpoints?.arm
  const tenantId = target.endpoints?.tenantId
  if (!arm || !tenantId)
    throw new SignInError(
      'unreachable',
      `the simulator in ${target.stateDir} has no Azure Resource Manager endpoint (endpoints.json has no 'arm'); is it up to date and running?`,
    )
  const token = await acquireToken({
    login: 'devicecode',
    serverId: ARM_RESOURCE,
    clientId: AZURE_CLI_CLIENT_ID,
    tenantId,
    environment: DEFAULT_ENVIRONMENT,
    cacheDir: o.azureConfigDir ?? defaultAzureConfigDir(),
    azureConfigDir: o.azureConfigDir ?? defaultAzureConfigDir(),
    target,
    deadline: Date.now() + o.timeoutSeconds * 1000,
    timeoutSeconds: o.timeoutSeconds,
    stderr: o.stderr,
  })
  return { target, arm, tenantId, token }
}
