/**
 * The real Azure CLI (Debian's az 2.45, MSAL for Python) against the simulator, through
 * `aks-auth-sim az` (its own config dir under the state dir): alice signs in with the device code flow
 * and `--tenant`, then reads her account, groups and resources, downloads the admin kubeconfig (kubectl
 * uses it), manages role assignments (as Owner of the subscription, granted here) and reads Graph.
 * One simulator and one sign-in for the file; each az command takes a second or two.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { azDescribe, json, simAz } from '../helpers/azure-cli.js'
import { kubectl, kubectlSkipReason } from '../helpers/kubectl.js'
import { ALICE, BOB, FRANK, startTestSimulator } from '../helpers/sim.js'
import { skipWithReason } from '../helpers/skip.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const DEBIAN_ROLE_BUG = /'RoleAssignmentsOperations' object has no attribute 'config'/
const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-aks-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo`

azDescribe('the real Azure CLI against the simulator (aks-auth-sim az)', () => {
  let sim: Simulator
  const scratch = mkdtempSync(join(tmpdir(), 'aks-az-e2e-'))

  beforeAll(async () => {
    sim = await startTestSimulator({ stateDir: join(scratch, 'state') })
    // What an administrator would have done: alice owns the subscription (role assignments need it).
    const owner = sim.azureRbac!.roleDefinition('Owner')!
    sim.azureRbac!.createRoleAssignment({
      principalId: sim.directory.user(ALICE)!.id,
      roleDefinitionId: owner.id,
      scope: `/subscriptions/${SUB}`,
    })
    const login = await simAz(
      sim,
      ['login', '--use-device-code', '--tenant', sim.directory.tenant.id, '-o', 'json'],
      ALICE,
    )
    const accounts = json<{ id: string; user: { name: string }; tenantId: string }[]>(login)
    expect(accounts).toEqual([
      expect.objectContaining({
        id: SUB,
        tenantId: sim.directory.tenant.id,
        user: { name: ALICE, type: 'user' },
        isDefault: true,
      }),
    ])
  }, 120_000)
  afterAll(() => sim?.stop())

  it('az account show / list / get-access-token: the subscription, and an ARM token for alice', async () => {
    const [show, list, token] = await Promise.all([
      simAz(sim, ['account', 'show', '-o', 'json']),
      simAz(sim, ['account', 'list', '-o', 'json']),
      simAz(sim, ['account', 'get-access-token', '-o', 'json']),
    ])
    expect(json(show)).toMatchObject({
      id: SUB,
      name: 'Azure subscription 1',
      environmentName: 'aks-auth-sim',
      state: 'Enabled',
    })
    expect(json<unknown[]>(list)).toHaveLength(1)
    const t = json<{ accessToken: string; subscription: string; tenant: string }>(token)
    expect(t).toMatchObject({ subscription: SUB, tenant: sim.directory.tenant.id, tokenType: 'Bearer' })
    const claims = JSON.parse(Buffer.from(t.accessToken.split('.')[1]!, 'base64url').toString()) as {
      aud: string
      upn: string
    }
    expect(claims).toMatchObject({ aud: 'https://management.core.windows.net/', upn: ALICE })
  }, 60_000)

  it('az group list / show / exists and az resource show (api-version from the provider)', async () => {
    const [groups, group, exists, missing, resource] = await Promise.all([
      simAz(sim, ['group', 'list', '-o', 'json']),
      simAz(sim, ['group', 'show', '-n', 'rg-aks-demo', '-o', 'json']),
      simAz(sim, ['group', 'exists', '-n', 'rg-aks-demo']),
      simAz(sim, ['group', 'show', '-n', 'rg-nowhere', '-o', 'json']),
      simAz(sim, ['resource', 'show', '--ids', CLUSTER, '-o', 'json']),
    ])
    expect(json<{ name: string }[]>(groups).map((g) => g.name)).toEqual(['rg-aks-demo'])
    expect(json(group)).toMatchObject({
      name: 'rg-aks-demo',
      location: 'eastus',
      properties: { provisioningState: 'Succeeded' },
      type: 'Microsoft.Resources/resourceGroups',
    })
    expect(exists.stdout.trim()).toBe('true')
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toMatch(/ResourceGroupNotFound|Resource group 'rg-nowhere' could not be found/)
    expect(json(resource)).toMatchObject({
      name: 'aks-demo',
      type: 'Microsoft.ContainerService/ManagedClusters',
    })
  }, 60_000)

  it('az aks get-credentials --admin, then kubectl with the kubeconfig az wrote', async (ctx) => {
    const file = join(scratch, 'admin.kubeconfig')
    const r = await simAz(sim, [
      'aks',
      'get-credentials',
      '-g',
      'rg-aks-demo',
      '-n',
      'aks-demo',
      '--admin',
      '-f',
      file,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain('clusterAdmin_rg-aks-demo_aks-demo')
    const skip = kubectlSkipReason()
    if (skip) return skipWithReason(ctx, skip)
    const k = await kubectl(file, ['get', 'namespaces', '-o', 'name'])
    expect(k.stdout).toContain('namespace/dev')
  }, 60_000)

  it('az role assignment create (by UPN and by appId) / list / delete', async (ctx) => {
    const scope = `${CLUSTER}/namespaces/dev`
    const role = 'Azure Kubernetes Service RBAC Reader'
    const create = (assignee: string) =>
      simAz(sim, [
        'role',
        'assignment',
        'create',
        '--assignee',
        assignee,
        '--role',
        role,
        '--scope',
        scope,
        '-o',
        'json',
      ])
    const first = await create(FRANK)
    // Debian's azure-cli 2.45 ships with a newer azure-mgmt-authorization whose operation objects have no
    // `config`: every `az role assignment` command fails inside az before it sends a request.
    if (DEBIAN_ROLE_BUG.test(first.stderr)) {
      expect(first.code).not.toBe(0)
      return skipWithReason(
        ctx,
        `this az cannot run 'az role assignment' (client-side: ${DEBIAN_ROLE_BUG.source})`,
      )
    }
    const created = json<{ principalId: string; principalType: string; scope: string }>(first)
    expect(created).toMatchObject({
      principalId: sim.directory.user(FRANK)!.id,
      principalType: 'User',
      scope,
    })
    const app = sim.directory.application('billing-app')!
    expect(json(await create(app.appId))).toMatchObject({
      principalId: app.servicePrincipalId,
      principalType: 'ServicePrincipal',
    })
    const list = () =>
      simAz(sim, ['role', 'assignment', 'list', '--assignee', FRANK, '--scope', scope, '-o', 'json'])
    expect(json<unknown[]>(await list())).toEqual([
      expect.objectContaining({ principalName: FRANK, roleDefinitionName: role }),
    ])
    const deleted = await simAz(sim, [
      'role',
      'assignment',
      'delete',
      '--assignee',
      FRANK,
      '--role',
      role,
      '--scope',
      scope,
    ])
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(json<unknown[]>(await list())).toEqual([])
  }, 120_000)

  it('az ad signed-in-user show / user show / group show / group member list (Graph at its own URL)', async () => {
    const [me, bob, sre, members] = await Promise.all([
      simAz(sim, ['ad', 'signed-in-user', 'show', '-o', 'json']),
      simAz(sim, ['ad', 'user', 'show', '--id', BOB, '-o', 'json']),
      simAz(sim, ['ad', 'group', 'show', '-g', 'sre', '-o', 'json']),
      simAz(sim, ['ad', 'group', 'member', 'list', '-g', 'sre', '-o', 'json']),
    ])
    expect(json(me)).toMatchObject({ userPrincipalName: ALICE, id: sim.directory.user(ALICE)!.id })
    expect(json(bob)).toMatchObject({ userPrincipalName: BOB })
    expect(json(sre)).toMatchObject({ displayName: 'sre', id: sim.directory.group('sre')!.id })
    expect(json<{ userPrincipalName: string }[]>(members).map((m) => m.userPrincipalName)).toEqual([
      'dave@contoso.onmicrosoft.com',
    ])
  }, 60_000)

  it('aks-auth-sim az passes the exit code of az through (3: resource not found)', async () => {
    const r = await simAz(sim, ['group', 'show', '-n', 'rg-nowhere'])
    expect(r.code).toBe(3)
  }, 30_000)
})
