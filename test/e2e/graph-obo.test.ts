/**
 * On-behalf-of end to end with real clients: a user signs in with the device code flow (msal-node),
 * a middle tier exchanges the user's token with @azure/identity's OnBehalfOfCredential or msal-node's
 * acquireTokenOnBehalfOf, and reads Graph as the user. The second case is guard's `obo` mode: the
 * AKS server app resolves an overage user's groups.
 */
import { OnBehalfOfCredential } from '@azure/identity'
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node'
import { Client } from '@microsoft/microsoft-graph-client'
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { BOB, DAVE, startTestSimulator } from '../helpers/sim.js'
import { AKS_SERVER_SECRET, graphScenario, graphFetch, MIDDLE_TIER, PUBLIC_CLIENT } from '../graph/helpers.js'

let sim: Simulator

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: graphScenario() })
})
afterAll(() => sim.stop())

const authority = () => `${sim.endpoints.authority}/${sim.endpoints.tenantId}`
const knownAuthorities = () => [new URL(sim.endpoints.authority).host]

async function deviceCodeSignIn(clientId: string, scope: string, user: string): Promise<string> {
  const app = new PublicClientApplication({
    auth: { clientId, authority: authority(), knownAuthorities: knownAuthorities() },
  })
  const result = await app.acquireTokenByDeviceCode({
    scopes: [scope],
    deviceCodeCallback: (r) => void sim.approveDeviceCode(r.userCode, user),
  })
  return result!.accessToken
}

describe('on-behalf-of with real clients', () => {
  it('lets a middle tier read Graph as the signed-in user through OnBehalfOfCredential', async () => {
    const userToken = await deviceCodeSignIn(PUBLIC_CLIENT.appId, `${MIDDLE_TIER.uri}/access_as_user`, BOB)
    // identity 4.13 passes disableInstanceDiscovery through to MSAL, but its OBO option types omit it.
    const options = {
      tenantId: sim.endpoints.tenantId,
      clientId: MIDDLE_TIER.appId,
      clientSecret: MIDDLE_TIER.secret,
      userAssertionToken: userToken,
      authorityHost: sim.endpoints.authority,
      disableInstanceDiscovery: true,
    }
    const credential = new OnBehalfOfCredential(options)
    const graph = Client.initWithMiddleware({
      baseUrl: `${sim.endpoints.graph as string}/`,
      customHosts: new Set([new URL(sim.endpoints.graph as string).hostname]),
      authProvider: new TokenCredentialAuthenticationProvider(credential, {
        scopes: ['https://graph.microsoft.com/.default'],
      }),
    })
    const me = await graph.api('/me').get()
    expect(me).toMatchObject({
      '@odata.context': `${sim.endpoints.graph as string}/v1.0/$metadata#users/$entity`,
      userPrincipalName: BOB,
      id: sim.directory.user(BOB)!.id,
    })
    const groups = await graph.api('/me/getMemberGroups').post({ securityEnabledOnly: true })
    expect(groups.value).toContain(sim.directory.group('all-employees')!.id)
    const memberOf = await graph.api('/me/memberOf').get()
    expect(memberOf.value.find((g: { displayName: string }) => g.displayName === 'engineering')).toBeTruthy()
  })

  it('resolves an overage user’s groups the way guard does in obo mode', async () => {
    const userToken = await deviceCodeSignIn(AKS_CLIENT_APP_ID, `${AKS_SERVER_APP_ID}/.default`, DAVE)
    const claims = decodeJwt(userToken)
    expect(claims.groups).toBeUndefined()
    expect(claims._claim_names).toEqual({ groups: 'src1' })
    const guardApp = new ConfidentialClientApplication({
      auth: {
        clientId: AKS_SERVER_APP_ID,
        clientSecret: AKS_SERVER_SECRET,
        authority: authority(),
        knownAuthorities: knownAuthorities(),
      },
    })
    const obo = await guardApp.acquireTokenOnBehalfOf({
      oboAssertion: userToken,
      scopes: ['https://graph.microsoft.com/.default'],
    })
    expect(decodeJwt(obo!.accessToken)).toMatchObject({ upn: DAVE, scp: 'User.Read GroupMember.Read.All' })
    const r = await graphFetch(sim, `/v1.0/users/${claims.upn as string}/getMemberGroups`, {
      token: obo!.accessToken,
      body: { securityEnabledOnly: false },
    })
    expect(r.status).toBe(200)
    expect(r.body.value).toHaveLength(251)
  })
})
