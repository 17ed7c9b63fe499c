/**
 * The workshop side of the flow, with the real kubectl: a facilitator who owns the subscription grants
 * and revokes Azure access live with `aks-auth-sim role-assignment`; the legacy `--format azure`
 * kubeconfig is refused by kubectl until convert-kubeconfig rewrites it; `--login azurecli` reuses the
 * Azure sign-in of get-credentials instead of a second device code.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { Simulator } from '../../src/index.js'
import { ALICE, BOB, FRANK, startTestSimulator } from '../helpers/sim.js'
import {
  AZURE_CLI,
  KUBECTL,
  claimsOf,
  cleanEnv,
  cli,
  countEvents,
  deviceCodeAnswerer,
  lastEventId,
  run,
  scratch,
} from '../client/helpers.js'
import { kubectlDescribe } from '../helpers/kubectl.js'

// Where kubectl cannot run these, they are skipped with the reason in the title (test/helpers/kubectl.ts).
const describeK = kubectlDescribe()

const TIMEOUT = 240_000
const CLUSTER_USER_ROLE = 'Azure Kubernetes Service Cluster User Role'
const RBAC_READER = 'Azure Kubernetes Service RBAC Reader'

describeK('workshop: live role assignments, legacy kubeconfigs and the azurecli login', () => {
  let sim: Simulator
  let answer: ReturnType<typeof deviceCodeAnswerer>
  const tmp = scratch('aks-sim-workshop-')
  let step = 0
  const home = (name: string) => tmp.sub(name)
  const homes = { alice: home('alice'), frank: home('frank'), bob: home('bob') }
  const env = (h: string, extra: Record<string, string> = {}) =>
    cleanEnv(h, {
      KUBECONFIG: join(h, '.kube', 'config'),
      AKS_AUTH_SIM_STATE_DIR: sim.endpoints.stateDir,
      ...extra,
    })
  const aks = (h: string, args: string[]) => cli(args, { env: env(h), cwd: h })
  const kubectl = (h: string, ...args: string[]) => {
    step += 1
    return run(KUBECTL, ['--cache-dir', join(tmp.dir, `kc-${step}`), ...args], { env: env(h), cwd: h })
  }
  const oid = (upn: string) => sim.endpoints.directory.users.find((u) => u.upn === upn)!.oid
  const cluster = () => sim.endpoints.cluster as { subscriptionId: string; resourceId: string }

  beforeAll(async () => {
    sim = await startTestSimulator()
    answer = deviceCodeAnswerer(sim)
    // The facilitator owns the subscription (the demo scenario gives nobody Owner).
    sim.azureRbac!.createRoleAssignment({
      principalId: oid(ALICE),
      roleDefinitionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      scope: `/subscriptions/${cluster().subscriptionId}`,
    })
  })
  afterAll(async () => {
    answer.stop()
    await sim.stop()
    tmp.cleanup()
  })

  it(
    'alice grants frank the Cluster User Role from the CLI; his get-credentials then works',
    async () => {
      answer.approveAs(FRANK)
      expect((await aks(homes.frank, ['get-credentials'])).stderr).toMatch(/\(AuthorizationFailed\)/)
      answer.approveAs(ALICE)
      const created = await aks(homes.alice, [
        'role-assignment',
        'create',
        '--assignee',
        FRANK,
        '--role',
        CLUSTER_USER_ROLE,
        '--scope',
        'cluster',
      ])
      expect(created.code, created.stderr).toBe(0)
      expect(JSON.parse(created.stdout)).toMatchObject({
        type: 'Microsoft.Authorization/roleAssignments',
        properties: {
          principalId: oid(FRANK),
          principalType: 'User',
          scope: cluster().resourceId,
          roleDefinitionId: expect.stringMatching(/\/roleDefinitions\/4abbcc35-e782-43d8-92c5-2d3f1bd2253f$/),
        },
      })
      const listed = await aks(homes.alice, [
        'role-assignment',
        'list',
        '--assignee',
        FRANK,
        '--scope',
        'cluster',
      ])
      expect(JSON.parse(listed.stdout).map((a: any) => a.properties.scope)).toContain(cluster().resourceId)
      answer.approveAs(FRANK)
      const r = await aks(homes.frank, ['get-credentials'])
      expect(r.code, r.stderr).toBe(0)
    },
    TIMEOUT,
  )

  it(
    'a namespace grant lets frank into dev; revoking it takes effect once the authorization caches expire',
    async () => {
      answer.approveAs(FRANK)
      expect((await kubectl(homes.frank, 'get', 'pods', '-n', 'dev')).code).toBe(1)
      answer.approveAs(ALICE)
      const grant = await aks(homes.alice, [
        'role-assignment',
        'create',
        '--assignee',
        FRANK,
        '--role',
        RBAC_READER,
        '--scope',
        'namespace:dev',
      ])
      expect(grant.code, grant.stderr).toBe(0)
      // The denial above is cached (guard 3 min, kube-apiserver 30 s); real AKS takes minutes too.
      sim.advanceClock(181)
      const allowed = await kubectl(homes.frank, 'get', 'pods', '-n', 'dev')
      expect(allowed.code, allowed.stderr).toBe(0)
      expect(allowed.stdout).toMatch(/^web-5d8f7b9c6d-x2k4p/m)
      const del = await aks(homes.alice, [
        'role-assignment',
        'delete',
        '--assignee',
        FRANK,
        '--role',
        RBAC_READER,
        '--scope',
        'namespace:dev',
      ])
      expect(del.code, del.stderr).toBe(0)
      expect(del.stderr).toBe('deleted 1 role assignment(s)\n')
      sim.advanceClock(301)
      const denied = await kubectl(homes.frank, 'get', 'pods', '-n', 'dev')
      expect(denied.code).toBe(1)
      expect(denied.stderr).toMatch(/User does not have access to the resource in Azure/)
    },
    TIMEOUT,
  )

  it(
    'bob, without Owner, cannot assign roles',
    async () => {
      answer.approveAs(BOB)
      const r = await aks(homes.bob, [
        'role-assignment',
        'create',
        '--assignee',
        BOB,
        '--role',
        RBAC_READER,
        '--scope',
        'namespace:prod',
      ])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(
        /\(AuthorizationFailed\) The client 'bob@contoso\.onmicrosoft\.com' .* does not have authorization to perform action 'Microsoft\.Authorization\/(roleDefinitions\/read|roleAssignments\/write)'/,
      )
    },
    TIMEOUT,
  )

  it(
    'the legacy --format azure kubeconfig fails in kubectl until convert-kubeconfig rewrites it',
    async () => {
      const file = join(homes.bob, 'legacy.yaml')
      const got = await cli(['get-credentials', '--format', 'azure', '--file', file, '--context', 'legacy'], {
        env: env(homes.bob),
        cwd: homes.bob,
      })
      expect(got.code, got.stderr).toBe(0)
      expect(got.stdout).toBe(`Merged "legacy" as current context in ${file}\n`)
      const before = await run(KUBECTL, ['--kubeconfig', file, 'get', 'pods', '-n', 'dev'], {
        env: env(homes.bob),
        cwd: homes.bob,
      })
      expect(before.code).not.toBe(0)
      expect(before.stderr).toMatch(/azure/i)
      const conv = await cli(
        ['convert-kubeconfig', '--kubeconfig', file, '--authority-host', `${sim.endpoints.authority}/`],
        {
          env: env(homes.bob),
          cwd: homes.bob,
        },
      )
      expect(conv.code, conv.stderr).toBe(0)
      const user = parse(readFileSync(file, 'utf8')).users[0].user
      expect(user['auth-provider']).toBeUndefined()
      expect(user.exec.command).toBe(process.execPath)
      answer.approveAs(BOB)
      const after = await run(KUBECTL, ['--kubeconfig', file, 'get', 'pods', '-n', 'dev'], {
        env: env(homes.bob),
        cwd: homes.bob,
      })
      expect(after.code, after.stderr).toBe(0)
      expect(after.stdout).toMatch(/^web-5d8f7b9c6d-x2k4p/m)
    },
    TIMEOUT,
  )

  it(
    '--login azurecli reuses the Azure sign-in of get-credentials: no second device code',
    async () => {
      mkdirSync(join(homes.bob, '.kube'), { recursive: true })
      answer.approveAs(BOB)
      expect((await aks(homes.bob, ['get-credentials'])).code).toBe(0)
      const conv = await aks(homes.bob, ['convert-kubeconfig', '-l', 'azurecli'])
      expect(conv.code, conv.stderr).toBe(0)
      answer.ignore()
      const since = lastEventId(sim)
      const r = await kubectl(homes.bob, 'get', 'pods', '-n', 'dev')
      expect(r.code, r.stderr).toBe(0)
      expect(countEvents(sim, 'device_code.issued', since)).toBe(0)
      const issued = sim.eventBus.recent({ type: 'token.issued', sinceId: since })
      expect(issued.map((e) => [e.data.grant, e.data.clientId, e.data.aud])).toEqual([
        ['refresh_token', AZURE_CLI, '6dae42f8-4368-4678-94ff-3960e28e3630'],
      ])
      const who = await kubectl(homes.bob, 'auth', 'whoami')
      expect(who.stdout).toMatch(/^Username\s+bob@contoso\.onmicrosoft\.com$/m)
      // The AKS token lives beside the ARM sign-in, issued to the Azure CLI's client.
      const azureDir = join(homes.bob, '.aks-auth-sim', 'azure')
      const file = readFileSync(
        join(
          azureDir,
          `AzurePublicCloud-6dae42f8-4368-4678-94ff-3960e28e3630-${AZURE_CLI}-${sim.endpoints.tenantId}.json`,
        ),
        'utf8',
      )
      expect(claimsOf(JSON.parse(file).access_token).appid).toBe(AZURE_CLI)
    },
    TIMEOUT,
  )
})
