/**
 * The real @microsoft/microsoft-graph-client against the simulator's Graph, authenticated by the real
 * @azure/identity credentials (client secret and client certificate), over every endpoint.
 */
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity'
import { Client, GraphError, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client'
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { adminAuthorization, BOB, CAROL, DAVE, FRANK, startTestSimulator } from '../helpers/sim.js'
import {
  AUTOMATION_GROUP,
  CYCLE_A,
  CYCLE_B,
  DISTRIBUTION,
  graphScenario,
  makeCert,
  READER,
  userToken,
  type TestCert,
} from '../graph/helpers.js'

let sim: Simulator
let cert: TestCert
let graph: Client

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default'

function graphClient(credential: TokenCredential): Client {
  return Client.initWithMiddleware({
    baseUrl: `${sim.endpoints.graph as string}/`,
    customHosts: new Set([new URL(sim.endpoints.graph as string).hostname]),
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] }),
  })
}

const identityOptions = () => ({ authorityHost: sim.endpoints.authority, disableInstanceDiscovery: true })
const groupId = (name: string) => sim.directory.group(name)!.id
const userId = (upn: string) => sim.directory.user(upn)!.id
const readerSp = () => sim.directory.application(READER.appId)!.servicePrincipalId

beforeAll(async () => {
  cert = await makeCert()
  sim = await startTestSimulator({ scenario: graphScenario([cert.certPem]) })
  graph = graphClient(
    new ClientSecretCredential(sim.endpoints.tenantId, READER.appId, READER.secret, identityOptions()),
  )
})
afterAll(() => sim.stop())

describe('users', () => {
  it('reads a user by UPN with $select, with Graph’s @odata.context', async () => {
    const u = await graph
      .api(`/users/${encodeURIComponent(BOB)}`)
      .select(['id', 'displayName', 'userType'])
      .get()
    expect(u).toEqual({
      '@odata.context': `${sim.endpoints.graph as string}/v1.0/$metadata#users(id,displayName,userType)/$entity`,
      id: userId(BOB),
      displayName: 'Bob Builder',
      userType: 'Member',
    })
  })

  it('reads a user by object id with the default property set, and resolves guests by #EXT# UPN', async () => {
    const u = await graph.api(`/users/${userId(DAVE)}`).get()
    expect(Object.keys(u)).toEqual([
      '@odata.context',
      'businessPhones',
      'displayName',
      'givenName',
      'jobTitle',
      'mail',
      'mobilePhone',
      'officeLocation',
      'preferredLanguage',
      'surname',
      'userPrincipalName',
      'id',
    ])
    const carol = await graph
      .api(`/users/${encodeURIComponent(CAROL)}`)
      .select('userType,mail')
      .get()
    expect(carol).toMatchObject({ userType: 'Guest', mail: 'carol@fabrikam.com' })
  })

  it('maps Graph errors to GraphError with status, code and request id', async () => {
    const err = (await graph
      .api('/users/nobody@contoso.onmicrosoft.com')
      .get()
      .catch((e: unknown) => e)) as GraphError
    expect(err).toBeInstanceOf(GraphError)
    expect(err.statusCode).toBe(404)
    expect(err.code).toBe('Request_ResourceNotFound')
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('member actions', () => {
  it('getMemberGroups for dave returns all 251 groups, transitively, by UPN as guard calls it', async () => {
    const r = await graph
      .api(`/users/${encodeURIComponent(DAVE)}/getMemberGroups`)
      .post({ securityEnabledOnly: false })
    expect(r['@odata.context']).toBe(`${sim.endpoints.graph as string}/v1.0/$metadata#Collection(Edm.String)`)
    expect(r.value).toHaveLength(251)
    expect(r.value).toContain(groupId('sre'))
    expect(r.value).toContain(AUTOMATION_GROUP.id) // through sre
  })

  it('filters with securityEnabledOnly, and getMemberObjects answers the same for users', async () => {
    const all = await graph.api(`/users/${userId(BOB)}/getMemberGroups`).post({ securityEnabledOnly: false })
    const security = await graph
      .api(`/users/${userId(BOB)}/getMemberGroups`)
      .post({ securityEnabledOnly: true })
    expect(all.value).toContain(DISTRIBUTION.id)
    expect(security.value).not.toContain(DISTRIBUTION.id)
    expect(security.value.sort()).toEqual(
      [groupId('engineering'), groupId('all-employees'), AUTOMATION_GROUP.id].sort(),
    )
    const objects = await graph
      .api(`/users/${userId(BOB)}/getMemberObjects`)
      .post({ securityEnabledOnly: false })
    expect(objects.value.sort()).toEqual(all.value.sort())
  })

  it('checkMemberGroups answers the subset the user is in, through nesting', async () => {
    const r = await graph
      .api(`/users/${userId(BOB)}/checkMemberGroups`)
      .post({ groupIds: [groupId('all-employees'), groupId('sre'), groupId('aks-admins')] })
    expect(r.value).toEqual([groupId('all-employees')])
  })

  it('resolves service principals and groups as members: getMemberGroups on them', async () => {
    const sp = await graph
      .api(`/servicePrincipals/${readerSp()}/getMemberGroups`)
      .post({ securityEnabledOnly: true })
    expect(sp.value).toEqual([AUTOMATION_GROUP.id])
    const grp = await graph
      .api(`/groups/${groupId('engineering')}/getMemberGroups`)
      .post({ securityEnabledOnly: false })
    expect(grp.value).toEqual([groupId('all-employees')])
  })

  it('tolerates membership cycles', async () => {
    const r = await graph.api(`/users/${userId(FRANK)}/getMemberGroups`).post({ securityEnabledOnly: false })
    expect(r.value.sort()).toEqual([CYCLE_A.id, CYCLE_B.id].sort())
  })
})

describe('memberOf and transitiveMemberOf', () => {
  it('lists direct memberships with @odata.type', async () => {
    const r = await graph.api(`/users/${userId(BOB)}/memberOf`).get()
    expect(r['@odata.context']).toBe(`${sim.endpoints.graph as string}/v1.0/$metadata#directoryObjects`)
    expect(r['@odata.nextLink']).toBeUndefined()
    expect(r.value.map((g: { id: string }) => g.id).sort()).toEqual(
      [groupId('engineering'), AUTOMATION_GROUP.id, DISTRIBUTION.id].sort(),
    )
    expect(r.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.group', securityEnabled: true })
  })

  it('pages dave’s 251 groups with PageIterator over absolute next links', async () => {
    const first: PageCollection = await graph
      .api(`/users/${encodeURIComponent(DAVE)}/transitiveMemberOf`)
      .top(100)
      .select('id,displayName')
      .get()
    expect(first.value).toHaveLength(100)
    const next = new URL(first['@odata.nextLink']!)
    expect(next.origin).toBe(sim.endpoints.graph)
    expect(next.pathname).toBe(`/v1.0/users/${encodeURIComponent(DAVE)}/transitiveMemberOf`)
    expect(next.searchParams.get('$top')).toBe('100')
    expect(next.searchParams.get('$select')).toBe('id,displayName')
    expect(next.searchParams.get('$skiptoken')).toMatch(/^[A-Za-z0-9_-]+$/)
    const seen: string[] = []
    const it = new PageIterator(graph, first, (g: { id: string; displayName: string }) => {
      seen.push(g.id)
      return true
    })
    await it.iterate()
    expect(seen).toHaveLength(251)
    expect(new Set(seen).size).toBe(251)
  })

  it('uses the default page of 100 and counts with ConsistencyLevel: eventual', async () => {
    const r = await graph
      .api(`/users/${userId(DAVE)}/memberOf`)
      .header('ConsistencyLevel', 'eventual')
      .count(true)
      .get()
    expect(r.value).toHaveLength(100)
    expect(r['@odata.count']).toBe(250)
    const n = await graph
      .api(`/users/${userId(DAVE)}/memberOf/$count`)
      .header('ConsistencyLevel', 'eventual')
      .get()
    expect(n).toBe('250')
  })

  it('casts to microsoft.graph.group', async () => {
    const r = await graph
      .api(`/users/${userId(BOB)}/transitiveMemberOf/microsoft.graph.group`)
      .select('displayName')
      .get()
    expect(r['@odata.context']).toBe(`${sim.endpoints.graph as string}/v1.0/$metadata#groups(displayName)`)
    expect(r.value.map((g: { displayName: string }) => g.displayName).sort()).toEqual(
      ['all-employees', 'automation', 'engineering', 'newsletter'].sort(),
    )
    expect(r.value[0]['@odata.type']).toBeUndefined()
  })

  it('serves beta too', async () => {
    const r = await graph
      .api(`/users/${userId(BOB)}/memberOf`)
      .version('beta')
      .get()
    expect(r['@odata.context']).toBe(`${sim.endpoints.graph as string}/beta/$metadata#directoryObjects`)
  })
})

describe('groups, service principals and directory objects', () => {
  it('reads a group and its members, with service principals among them', async () => {
    const g = await graph.api(`/groups/${AUTOMATION_GROUP.id}`).get()
    expect(g).toMatchObject({
      '@odata.context': `${sim.endpoints.graph as string}/v1.0/$metadata#groups/$entity`,
      id: AUTOMATION_GROUP.id,
      displayName: 'automation',
      securityEnabled: true,
      securityIdentifier: expect.stringMatching(/^S-1-12-1-\d+-\d+-\d+-\d+$/),
    })
    const members = await graph.api(`/groups/${AUTOMATION_GROUP.id}/members`).get()
    expect(members.value.map((m: Record<string, string>) => [m['@odata.type'], m.id]).sort()).toEqual(
      [
        ['#microsoft.graph.group', groupId('sre')],
        ['#microsoft.graph.servicePrincipal', readerSp()],
        ['#microsoft.graph.user', userId(BOB)],
      ].sort(),
    )
  })

  it('lists transitive members and casts them', async () => {
    const all = await graph.api(`/groups/${AUTOMATION_GROUP.id}/transitiveMembers`).get()
    expect(all.value.map((m: { id: string }) => m.id).sort()).toEqual(
      [groupId('sre'), readerSp(), userId(BOB), userId(DAVE)].sort(),
    )
    const users = await graph
      .api(`/groups/${AUTOMATION_GROUP.id}/transitiveMembers/microsoft.graph.user`)
      .select('userPrincipalName')
      .get()
    expect(users.value.map((u: { userPrincipalName: string }) => u.userPrincipalName).sort()).toEqual(
      [BOB, DAVE].sort(),
    )
    const sps = await graph
      .api(`/groups/${AUTOMATION_GROUP.id}/transitiveMembers/microsoft.graph.servicePrincipal`)
      .get()
    expect(sps.value).toEqual([
      expect.objectContaining({ appId: READER.appId, servicePrincipalType: 'Application' }),
    ])
  })

  it('reads a service principal and a directory object', async () => {
    const sp = await graph.api(`/servicePrincipals/${readerSp()}`).get()
    expect(sp).toMatchObject({ appId: READER.appId, displayName: READER.name })
    const o = await graph.api(`/directoryObjects/${userId(CAROL)}`).get()
    expect(o).toMatchObject({ '@odata.type': '#microsoft.graph.user', userPrincipalName: CAROL })
  })

  it('getByIds returns full typed objects, filtered by types', async () => {
    const ids = [groupId('sre'), userId(BOB), readerSp(), '00000000-0000-0000-0000-000000000009']
    const all = await graph.api('/directoryObjects/getByIds').post({ ids })
    expect(all['@odata.context']).toBe(`${sim.endpoints.graph as string}/v1.0/$metadata#directoryObjects`)
    expect(all.value.map((o: Record<string, string>) => o['@odata.type'])).toEqual([
      '#microsoft.graph.group',
      '#microsoft.graph.user',
      '#microsoft.graph.servicePrincipal',
    ])
    const groups = await graph.api('/directoryObjects/getByIds').post({ ids, types: ['group'] })
    expect(groups.value).toEqual([expect.objectContaining({ id: groupId('sre'), displayName: 'sre' })])
  })
})

describe('membership changes, certificates and throttling', () => {
  it('shows admin API membership changes at once, while issued tokens keep their groups claim', async () => {
    const admin = sim.endpoints.admin
    const aksScope = `${AKS_SERVER_APP_ID}/.default`
    const memberGroups = async () =>
      (await graph.api(`/users/${userId(FRANK)}/getMemberGroups`).post({ securityEnabledOnly: false }))
        .value as string[]
    const oldToken = (await userToken(sim, FRANK, aksScope, AKS_CLIENT_APP_ID)).access_token
    expect(await memberGroups()).not.toContain(groupId('aks-admins'))
    const added = await fetch(`${admin}/directory/groups/aks-admins/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...adminAuthorization(sim) },
      body: JSON.stringify({ id: FRANK }),
    })
    expect(added.status).toBe(201)
    expect(await memberGroups()).toContain(groupId('aks-admins'))
    // As in Azure: the token issued before the change keeps its old groups claim; a new one has it.
    expect(decodeJwt(oldToken).groups).not.toContain(groupId('aks-admins'))
    const newToken = (await userToken(sim, FRANK, aksScope, AKS_CLIENT_APP_ID)).access_token
    expect(decodeJwt(newToken).groups).toContain(groupId('aks-admins'))
    const removed = await fetch(`${admin}/directory/groups/aks-admins/members/${userId(FRANK)}`, {
      method: 'DELETE',
      headers: adminAuthorization(sim),
    })
    expect(removed.status).toBe(204)
    const again = await graph
      .api(`/users/${userId(FRANK)}/checkMemberGroups`)
      .post({ groupIds: [groupId('aks-admins')] })
    expect(again.value).toEqual([])
  })

  it('authenticates with ClientCertificateCredential (PS256 assertion, appidacr 2)', async () => {
    const credential = new ClientCertificateCredential(
      sim.endpoints.tenantId,
      READER.appId,
      { certificate: `${cert.certPem}\n${cert.keyPem}` },
      identityOptions(),
    )
    const token = await credential.getToken(GRAPH_SCOPE)
    expect(decodeJwt(token.token)).toMatchObject({ appid: READER.appId, appidacr: '2', idtyp: 'app' })
    const r = await graphClient(credential)
      .api(`/users/${userId(DAVE)}/getMemberGroups`)
      .post({ securityEnabledOnly: true })
    expect(r.value).toHaveLength(251)
  })

  it('is retried by the SDK on 429 with Retry-After', async () => {
    sim.faults.set('graph.getUser', { status: 429, retryAfter: 1, times: 2 })
    const since = sim.events.recent({ service: 'graph' }).at(-1)?.id ?? 0
    const u = await graph.api(`/users/${userId(BOB)}`).get()
    expect(u.id).toBe(userId(BOB))
    // The log entry is written when the server finishes the response, which can trail the client's read.
    const statuses = () =>
      sim.events
        .recent({ service: 'graph', type: 'request.completed', sinceId: since })
        .map((e) => e.data.status)
    await expect.poll(statuses).toEqual([429, 429, 200])
  })
})
