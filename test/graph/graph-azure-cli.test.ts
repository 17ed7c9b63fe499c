/**
 * What the Azure CLI asks Graph, at Graph's own URL (a custom cloud's `microsoftGraphResourceId`):
 * Entra issues the CLI a delegated token for that URL as the resource (not AADSTS500011), Graph
 * accepts it, and the `$filter` lookups az sends find objects by name (users by UPN, groups by
 * display name, service principals by appId) — and refuses what it cannot evaluate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { AZURE_CLI_APP_ID } from '../../src/kernel/first-party.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { appToken, expectGraphError, graphFetch, graphScenario, READER, userToken } from './helpers.js'

let sim: Simulator
let reader: string
let cli: string

beforeAll(async () => {
  sim = await startTestSimulator({ scenario: graphScenario() })
  reader = await appToken(sim, READER)
  // az asks for `<microsoftGraphResourceId>/.default`: the resource id ends with a slash.
  cli = (await userToken(sim, BOB, `${String(sim.endpoints.graph)}//.default`, AZURE_CLI_APP_ID)).access_token
})
afterAll(() => sim.stop())

const q = (filter: string) => `?$filter=${encodeURIComponent(filter)}`

describe('Graph as the Azure CLI uses it', () => {
  it("issues the CLI a token for Graph's own URL, with the CLI's Graph permissions, that Graph accepts", async () => {
    const claims = JSON.parse(Buffer.from(cli.split('.')[1]!, 'base64url').toString()) as {
      aud: string
      scp: string
    }
    expect(claims.aud.replace(/\/+$/, '')).toBe(String(sim.endpoints.graph))
    expect(claims.scp.split(' ')).toContain('Directory.AccessAsUser.All')
    const me = await graphFetch(sim, '/v1.0/me', { token: cli })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ userPrincipalName: BOB })
  })

  it('finds users by UPN, groups by display name, service principals by appId, as az filters', async () => {
    const bob = await graphFetch(sim, `/v1.0/users${q(`userPrincipalName eq '${BOB.toUpperCase()}'`)}`, {
      token: cli,
    })
    expect(bob.body.value.map((u: { id: string }) => u.id)).toEqual([sim.directory.user(BOB)!.id])
    const sre = await graphFetch(sim, `/v1.0/groups${q("displayName eq 'sre'")}`, { token: reader })
    expect(sre.body.value.map((g: { id: string }) => g.id)).toEqual([sim.directory.group('sre')!.id])
    const starts = await graphFetch(sim, `/v1.0/groups${q("startswith(displayName,'project-00')")}`, {
      token: reader,
    })
    expect(starts.body.value).toHaveLength(9)
    const app = sim.directory.application('graph-reader')!
    const sp = await graphFetch(
      sim,
      `/v1.0/servicePrincipals${q(`servicePrincipalNames/any(c:c eq '${app.appId}')`)}`,
      { token: cli },
    )
    expect(sp.status).toBe(200)
    expect(sp.body.value).toEqual([expect.objectContaining({ id: app.servicePrincipalId, appId: app.appId })])
    const both = await graphFetch(
      sim,
      `/v1.0/users${q(`userPrincipalName eq '${BOB}' and displayName eq 'nobody'`)}`,
      {
        token: cli,
      },
    )
    expect(both.body.value).toEqual([])
    // A quote inside a value is doubled, as OData spells it.
    const quoted = await graphFetch(sim, `/v1.0/users${q("displayName eq 'O''Brien'")}`, { token: cli })
    expect(quoted.body.value).toEqual([])
  })

  it('refuses filters it cannot evaluate, with Graph errors', async () => {
    expectGraphError(
      await graphFetch(sim, `/v1.0/users${q("shoeSize eq '42'")}`, { token: cli }),
      400,
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'shoeSize' of resource 'User'.",
    )
    for (const bad of ["displayName eq 'x", 'displayName', "displayName ne 'x'", "'x' eq displayName"])
      expectGraphError(
        await graphFetch(sim, `/v1.0/groups${q(bad)}`, { token: reader }),
        400,
        'BadRequest',
        'Invalid filter clause',
      )
    // Lists still take no $filter where Graph's membership endpoints do not.
    expectGraphError(
      await graphFetch(sim, `/v1.0/users/${BOB}/memberOf${q("displayName eq 'sre'")}`, { token: reader }),
      400,
      'Request_UnsupportedQuery',
    )
  })
})
