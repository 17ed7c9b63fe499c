import { PublicClientApplication } from '@azure/msal-node'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'

/** A real device-code sign-in with msal-node (kubelogin's client and scope); returns the access token. */
export async function deviceCodeToken(
  sim: Simulator,
  upn: string,
  scope = `${AKS_SERVER_APP_ID}/.default`,
): Promise<string> {
  const app = new PublicClientApplication({
    auth: {
      clientId: AKS_CLIENT_APP_ID,
      authority: `${sim.endpoints.authority}/${sim.endpoints.tenantId}`,
      knownAuthorities: [new URL(sim.endpoints.authority).host],
    },
  })
  const result = await app.acquireTokenByDeviceCode({
    scopes: [scope],
    deviceCodeCallback: (r) => void sim.approveDeviceCode(r.userCode, upn),
  })
  return result!.accessToken
}

export const claimsOf = (jwt: string): Record<string, any> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString())
