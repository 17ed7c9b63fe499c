/**
 * `aks-auth-sim identity federated-credential` end to end: the CLI in its own process, signed in with a
 * real device code against the simulator's Entra, talking to its ARM. Alice (Managed Identity
 * Contributor on rg-aks-demo in the demo) fixes inventory-identity's broken federation the way a
 * workshop does on Azure, and the pod's real WorkloadIdentityCredential — in its own process, with the
 * pod's environment — goes from AADSTS700211 to a token; the other subcommands round-trip; bob has no
 * role and gets ARM's AuthorizationFailed; command-line mistakes exit 2 before any sign-in.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { cleanEnv, cli, countEvents, deviceCodeAnswerer, lastEventId, scratch } from '../client/helpers.js'
import { ALICE, BOB, startTestSimulator } from '../helpers/sim.js'
import { authorizationFailed } from '../arm/helpers.js'
import { claimsOf, runIdentityClient } from '../pod-identity/helpers.js'

const TIMEOUT = 240_000
const SUB = '00000000-0000-0000-0000-000000000001'
const RG = 'rg-aks-demo'
const INVENTORY = 'inventory-identity'
const SUBJECT = 'system:serviceaccount:dev:inventory'
const FIC_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials'
const requestedPath = (identity: string, name?: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}/federatedIdentityCredentials${name === undefined ? '' : `/${name}`}`
// ARM authorizes a list at its parent, the identity.
const identityPath = (identity: string) =>
  requestedPath(identity).replace(/\/federatedIdentityCredentials$/, '')
// The provider's ids spell `resourcegroups` in lower case.
const resourceId = (identity: string, name: string) =>
  `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}/federatedIdentityCredentials/${name}`

/** What az prints for a credential: properties flattened, resourceGroup added, keys sorted. */
const azShape = (
  identity: string,
  name: string,
  p: { issuer: string; subject: string; audiences: string[] },
) => ({
  audiences: p.audiences,
  id: resourceId(identity, name),
  issuer: p.issuer,
  name,
  resourceGroup: RG,
  subject: p.subject,
  systemData: null,
  type: FIC_TYPE,
})

describe('aks-auth-sim identity federated-credential', () => {
  let sim: Simulator
  let answer: ReturnType<typeof deviceCodeAnswerer>
  const tmp = scratch('aks-sim-fic-cli-')
  const homes = { alice: tmp.sub('alice'), bob: tmp.sub('bob'), nobody: tmp.sub('nobody') }
  const fic = (home: string, args: string[]) =>
    cli(['identity', 'federated-credential', ...args], {
      env: cleanEnv(home, { AKS_AUTH_SIM_STATE_DIR: sim.endpoints.stateDir }),
      cwd: home,
    })
  const on = (identity: string) => ['--identity-name', identity, '--resource-group', RG]
  const oid = (upn: string) => sim.endpoints.directory.users.find((u) => u.upn === upn)!.oid
  /** The cluster's issuer, where docs/cli.md tells users to look: endpoints.json. */
  const clusterIssuer = () =>
    JSON.parse(readFileSync(join(sim.endpoints.stateDir, 'endpoints.json'), 'utf8')).oidcIssuer.clusters[
      'aks-demo'
    ] as string

  beforeAll(async () => {
    sim = await startTestSimulator()
    answer = deviceCodeAnswerer(sim)
  })
  afterAll(async () => {
    answer.stop()
    await sim.stop()
    tmp.cleanup()
  })

  it(
    'alice fixes inventory-identity: AADSTS700211 before, a token for the pod after, the error again once the fix is deleted',
    async () => {
      const issuer = clusterIssuer()
      expect(issuer).toMatch(/^https:\/\/.+\/$/)
      const podEnv = await sim.podIdentity.pods.environment('dev', 'inventory-0')
      expect(podEnv.AZURE_CLIENT_ID).toBe(DEMO_POD_IDENTITY.inventoryClientId)

      const before = await runIdentityClient('workload', podEnv)
      expect(before.ok).toBe(false)
      expect(before.message).toMatch(
        /AADSTS700211: No matching federated identity record found for presented assertion issuer/,
      )

      // The workshop's diagnosis: the credential's issuer lacks the trailing slash.
      answer.approveAs(ALICE)
      const listed = await fic(homes.alice, ['list', ...on(INVENTORY)])
      expect(listed.code, listed.stderr).toBe(0)
      expect(JSON.parse(listed.stdout)).toEqual([
        azShape(INVENTORY, 'aks-demo-dev-inventory', {
          issuer: issuer.slice(0, -1),
          subject: SUBJECT,
          audiences: ['api://AzureADTokenExchange'],
        }),
      ])

      const created = await fic(homes.alice, [
        'create',
        '--name',
        'inventory-fixed',
        ...on(INVENTORY),
        '--issuer',
        issuer,
        '--subject',
        SUBJECT,
      ])
      expect(created.code, created.stderr).toBe(0)
      // az's default audience; az's key order.
      const expected = azShape(INVENTORY, 'inventory-fixed', {
        issuer,
        subject: SUBJECT,
        audiences: ['api://AzureADTokenExchange'],
      })
      expect(JSON.parse(created.stdout)).toEqual(expected)
      expect(Object.keys(JSON.parse(created.stdout))).toEqual(Object.keys(expected))

      const after = await runIdentityClient('workload', podEnv)
      expect(after.ok, after.message).toBe(true)
      expect(claimsOf(after.token!)).toMatchObject({
        appid: DEMO_POD_IDENTITY.inventoryClientId,
        oid: DEMO_POD_IDENTITY.inventoryPrincipalId,
        idtyp: 'app',
      })

      const deleted = await fic(homes.alice, ['delete', '-n', 'inventory-fixed', ...on(INVENTORY), '--yes'])
      expect(deleted.code, deleted.stderr).toBe(0)
      expect(deleted.stdout).toBe('')
      const again = await runIdentityClient('workload', podEnv)
      expect(again.ok).toBe(false)
      expect(again.message).toMatch(/AADSTS700211/)
    },
    TIMEOUT,
  )

  it(
    'list, show, update and delete round-trip, with ARM’s errors in az’s three lines',
    async () => {
      answer.approveAs(ALICE)
      const name = 'workshop-extra'
      const subject = 'system:serviceaccount:dev:extra'
      const issuer = clusterIssuer()
      const created = await fic(homes.alice, [
        'create',
        '-n',
        name,
        '--identity-name',
        INVENTORY,
        '-g',
        RG,
        '--issuer',
        issuer,
        '--subject',
        subject,
        '--audiences',
        'api://custom-audience',
      ])
      expect(created.code, created.stderr).toBe(0)
      const first = azShape(INVENTORY, name, { issuer, subject, audiences: ['api://custom-audience'] })
      expect(JSON.parse(created.stdout)).toEqual(first)

      const shown = await fic(homes.alice, ['show', '-n', name, ...on(INVENTORY)])
      expect(shown.code, shown.stderr).toBe(0)
      expect(JSON.parse(shown.stdout)).toEqual(first)

      const listed = await fic(homes.alice, ['list', ...on(INVENTORY)])
      expect(JSON.parse(listed.stdout).map((x: { name: string }) => x.name)).toEqual([
        'aks-demo-dev-inventory',
        name,
      ])

      // az's `--audiences A B` sends both; ARM allows exactly one.
      const two = await fic(homes.alice, [
        'update',
        '-n',
        name,
        ...on(INVENTORY),
        '--issuer',
        issuer,
        '--subject',
        subject,
        '--audiences',
        'api://one',
        'api://two',
      ])
      expect(two.code).toBe(1)
      const oneAudience = 'Federated identity credentials must have exactly one audience.'
      expect(two.stderr).toBe(
        `aks-auth-sim: (BadRequest) ${oneAudience}\nCode: BadRequest\nMessage: ${oneAudience}\n`,
      )

      // update replaces the whole credential, as az's does; the default audience comes back.
      const updated = await fic(homes.alice, [
        'update',
        '-n',
        name,
        ...on(INVENTORY),
        '--issuer',
        issuer,
        '--subject',
        'system:serviceaccount:dev:renamed',
      ])
      expect(updated.code, updated.stderr).toBe(0)
      const second = azShape(INVENTORY, name, {
        issuer,
        subject: 'system:serviceaccount:dev:renamed',
        audiences: ['api://AzureADTokenExchange'],
      })
      expect(JSON.parse(updated.stdout)).toEqual(second)
      expect(JSON.parse((await fic(homes.alice, ['show', '-n', name, ...on(INVENTORY)])).stdout)).toEqual(
        second,
      )

      // delete asks first, as az does; without a terminal it gives up and deletes nothing.
      const unconfirmed = await fic(homes.alice, ['delete', '-n', name, ...on(INVENTORY)])
      expect(unconfirmed.code).toBe(1)
      expect(unconfirmed.stderr).toBe(
        'Unable to prompt for confirmation as no tty available. Use --yes.\naks-auth-sim: Operation cancelled.\n',
      )
      expect((await fic(homes.alice, ['show', '-n', name, ...on(INVENTORY)])).code).toBe(0)

      const deleted = await fic(homes.alice, ['delete', '-n', name, ...on(INVENTORY), '-y'])
      expect(deleted.code, deleted.stderr).toBe(0)
      expect(deleted.stdout).toBe('')
      const gone = await fic(homes.alice, ['show', '-n', name, ...on(INVENTORY)])
      expect(gone.code).toBe(1)
      expect(gone.stderr).toMatch(/^aks-auth-sim: \(NotFound\) .*\nCode: NotFound\nMessage: /)
      // ARM's 204 for a credential that is not there: az prints nothing and succeeds.
      const twice = await fic(homes.alice, ['delete', '-n', name, ...on(INVENTORY), '--yes'])
      expect([twice.code, twice.stdout]).toEqual([0, ''])
      const listedAfter = await fic(homes.alice, ['list', ...on(INVENTORY)])
      expect(JSON.parse(listedAfter.stdout).map((x: { name: string }) => x.name)).toEqual([
        'aks-demo-dev-inventory',
      ])

      const noIdentity = await fic(homes.alice, ['list', ...on('no-such-identity')])
      expect(noIdentity.code).toBe(1)
      expect(noIdentity.stderr).toMatch(/^aks-auth-sim: \(ParentResourceNotFound\) /)
    },
    TIMEOUT,
  )

  it(
    'bob, with no Managed Identity role, gets AuthorizationFailed naming the action and scope',
    async () => {
      answer.approveAs(BOB)
      const args = ['-n', 'bob-fic', ...on(INVENTORY), '--issuer', clusterIssuer(), '--subject', SUBJECT]
      const r = await fic(homes.bob, ['create', ...args])
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      const denied = authorizationFailed(
        BOB,
        oid(BOB),
        `${FIC_TYPE}/write`,
        requestedPath(INVENTORY, 'bob-fic'),
      )
      // The sign-in's device code message comes first on stderr.
      expect(
        r.stderr.endsWith(
          `aks-auth-sim: (AuthorizationFailed) ${denied}\nCode: AuthorizationFailed\nMessage: ${denied}\n`,
        ),
        r.stderr,
      ).toBe(true)

      const list = await fic(homes.bob, ['list', ...on(INVENTORY)])
      expect(list.code).toBe(1)
      const readDenied = authorizationFailed(BOB, oid(BOB), `${FIC_TYPE}/read`, identityPath(INVENTORY))
      expect(list.stderr).toBe(
        `aks-auth-sim: (AuthorizationFailed) ${readDenied}\nCode: AuthorizationFailed\nMessage: ${readDenied}\n`,
      )

      answer.approveAs(ALICE)
      const names = JSON.parse((await fic(homes.alice, ['list', ...on(INVENTORY)])).stdout).map(
        (x: { name: string }) => x.name,
      )
      expect(names).not.toContain('bob-fic')
    },
    TIMEOUT,
  )

  it('refuses command-line mistakes with exit code 2 before any sign-in', async () => {
    answer.ignore()
    const since = lastEventId(sim)
    const noIssuer = await fic(homes.nobody, ['create', '-n', 'x', ...on(INVENTORY), '--subject', SUBJECT])
    expect(noIssuer).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'aks-auth-sim: identity federated-credential create: usage error: please provide both --issuer and --subject parameters\n',
    })
    const missing = await fic(homes.nobody, ['show', '--identity-name', INVENTORY])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(
      'aks-auth-sim: identity federated-credential show: the following arguments are required: --name/-n, --resource-group/-g\n',
    )
    const unknown = await fic(homes.nobody, ['rotate', '-n', 'x', ...on(INVENTORY)])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(
      /^aks-auth-sim: unknown command 'identity federated-credential rotate'\n\nUsage:/,
    )
    const group = await cli(['identity', 'assign'], { env: cleanEnv(homes.nobody) })
    expect(group.code).toBe(2)
    expect(group.stderr).toMatch(/^aks-auth-sim: unknown command 'identity assign'/)
    const noValue = await fic(homes.nobody, ['create', '-n', 'x', ...on(INVENTORY), '--audiences'])
    expect(noValue.code).toBe(2)
    expect(noValue.stderr).toMatch(/--audiences/)
    const stray = await fic(homes.nobody, ['list', ...on(INVENTORY), 'b'])
    expect(stray).toMatchObject({ code: 2, stderr: 'aks-auth-sim: unrecognized arguments: b\n' })
    const notForList = await fic(homes.nobody, ['list', ...on(INVENTORY), '--subject', 'a'])
    expect(notForList).toMatchObject({
      code: 2,
      stderr: 'aks-auth-sim: identity federated-credential list: unrecognized arguments: --subject\n',
    })
    // '..' would take the URL up to the identity itself: refused before anything is sent.
    const dots = await fic(homes.nobody, ['delete', '-n', '..', ...on(INVENTORY), '--yes'])
    expect(dots).toMatchObject({
      code: 2,
      stderr:
        "aks-auth-sim: identity federated-credential delete: --name '..' is not a valid resource name\n",
    })
    const unknownFlag = await fic(homes.nobody, ['list', ...on(INVENTORY), '--colour', 'blue'])
    expect(unknownFlag.code).toBe(2)
    expect(countEvents(sim, 'device_code.issued', since)).toBe(0)
  })
})
