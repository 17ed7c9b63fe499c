/**
 * `aks-auth-sim get-token`: the client-go exec credential plugin, kubelogin-compatible. stdout carries
 * exactly one line, the ExecCredential; the device code message and every diagnostic go to stderr;
 * failures exit 1 (2 for usage mistakes) with a one-line message, which kubectl shows after
 * "getting credentials: exec: executable … failed with exit code N".
 */
import { acquireToken } from '../../client/index.js'
import { SignInError } from '../../client/index.js'
import { buildExecCredential, execApiVersion } from '../../client/index.js'
import { parseGetTokenArgs } from '../../client/index.js'
import { locateSimulator } from '../../client/index.js'
import { execParentPid } from '../../client/index.js'
import { CliError } from '../errors.js'

export const getTokenHelp = `Usage: aks-auth-sim get-token [flags]

The exec credential plugin kubectl runs (kubelogin's 'get-token'). Prints one ExecCredential on stdout,
in the apiVersion KUBERNETES_EXEC_INFO names (client.authentication.k8s.io/v1beta1 by default).
When a device code sign-in fails (timed out, expired, declined, disabled account), the runs kubectl
makes again for the same command give the same error at once instead of showing another code.

Flags (kubelogin's):
  -l, --login MODE          devicecode (default), spn, ropc, azurecli      env AAD_LOGIN_METHOD
      --server-id ID        the AKS server application (token audience); required
      --client-id ID        public client (devicecode/ropc) or service principal (spn)
                            env AAD_SERVICE_PRINCIPAL_CLIENT_ID, AZURE_CLIENT_ID
      --client-secret S     spn secret      env AAD_SERVICE_PRINCIPAL_CLIENT_SECRET, AZURE_CLIENT_SECRET
      --username U / --password P   ropc  env AAD_USER_PRINCIPAL_NAME / _PASSWORD, AZURE_USERNAME / _PASSWORD
  -t, --tenant-id TID       env AZURE_TENANT_ID
  -e, --environment NAME    default AzurePublicCloud (part of the cache file name)
      --authority-host URL/ the simulator's Entra, with a trailing slash   env AZURE_AUTHORITY_HOST
      --cache-dir DIR       default ~/.kube/cache/kubelogin (or $KUBECACHEDIR/kubelogin); alias --token-cache-dir
      --timeout DURATION    bounds the whole run, sign-in included. Default: devicecode waits until the
                            device code expires (its expires_in, 15m), so a person has time to open the
                            page, type the code and sign in; the other logins 60s (kubelogin's default)
      --use-azurerm-env-vars, --disable-environment-override
Simulator flags:
      --state-dir DIR       where endpoints.json is (env AKS_AUTH_SIM_STATE_DIR; default ~/.aks-auth-sim)
      --azure-config-dir D  the Azure sign-in of get-credentials, for --login azurecli (env AZURE_CONFIG_DIR)
`

export async function getTokenCommand(args: string[]): Promise<void> {
  try {
    const o = parseGetTokenArgs(args)
    if (o.help) {
      process.stdout.write(getTokenHelp)
      return
    }
    const apiVersion = execApiVersion(process.env.KUBERNETES_EXEC_INFO)
    const deadline = Date.now() + o.timeoutSeconds * 1000
    const parentPid = execParentPid()
    const target = locateSimulator({
      ...(o.stateDir !== undefined && { stateDir: o.stateDir }),
      ...(o.authorityHost !== undefined && { authorityHost: o.authorityHost }),
    })
    const tenantId = o.tenantId ?? target.endpoints?.tenantId
    if (!tenantId) throw new SignInError('usage', '--tenant-id is required')
    const got = await acquireToken({
      login: o.login,
      serverId: o.serverId,
      clientId: o.clientId,
      tenantId,
      environment: o.environment,
      ...(o.clientSecret !== undefined && { clientSecret: o.clientSecret }),
      ...(o.username !== undefined && { username: o.username }),
      ...(o.password !== undefined && { password: o.password }),
      cacheDir: o.cacheDir,
      azureConfigDir: o.azureConfigDir,
      target,
      deadline,
      ...(o.timeoutFromFlag && { timeoutSeconds: o.timeoutSeconds }),
      ...(parentPid !== undefined && { execParentPid: parentPid }),
      stderr: (line) => void process.stderr.write(`${line}\n`),
    })
    // kubectl compares expirationTimestamp with this machine's clock: convert from simulator time.
    const expiresAtMs = (got.token.expires_on - got.clockOffset) * 1000
    process.stdout.write(
      JSON.stringify(buildExecCredential(apiVersion, got.token.access_token, expiresAtMs)) + '\n',
    )
  } catch (err) {
    if (err instanceof SignInError) throw new CliError(`get-token: ${err.message}`, err.exitCode)
    throw err
  }
}
