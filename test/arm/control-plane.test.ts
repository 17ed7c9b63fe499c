/**
 * The AKS control plane over HTTPS with real tokens: the managed cluster's full shape, writes authorized
 * by Azure RBAC (alice holds Azure Kubernetes Service Contributor Role on rg-aks-demo, bob does not),
 * ARM's asynchronous operation protocol finishing on the simulator clock, and the effects where a user
 * looks — `Node` objects through the real kubectl, the admin credential and client certificate refused
 * once local accounts are disabled, the Azure RBAC webhook switched off.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { armToken } from '../client/helpers.js'
import {
  kubectl,
  kubectlDescribe,
  kubectlIt,
  kubectlSkipReason,
  tokenKubeconfig,
} from '../helpers/kubectl.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { ALICE, BOB, FRANK, startTestSimulator } from '../helpers/sim.js'
import { API, CLUSTER_PATH, SUB, arm, authorizationFailed, expectArmError } from './helpers.js'

const oid = (sim: Simulator, upn: string) => sim.endpoints.directory.users.find((u) => u.upn === upn)!.oid
const OPERATION_SECONDS = 30
const noKubectl = kubectlSkipReason('1.32.4')

let sim: Simulator
let alice: string
let bob: string
let frank: string
let adminKubeconfig: string
beforeAll(async () => {
  sim = await startTestSimulator({ arm: { operationSeconds: OPERATION_SECONDS, retryAfterSeconds: 1 } })
  ;[alice, bob, frank] = await Promise.all([armToken(sim, ALICE), armToken(sim, BOB), armToken(sim, FRANK)])
  const res = await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterAdminCredential?${API}`, { token: alice })
  adminKubeconfig = join(mkdtempSync(join(tmpdir(), 'aks-cp-')), 'admin')
  writeFileSync(adminKubeconfig, Buffer.from(res.body.kubeconfigs[0].value, 'base64'))
})
afterAll(() => sim.stop())

const getCluster = async () => (await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`, { token: alice })).body
const nodeNames = () =>
  sim.kube.server.store
    .list(sim.kube.server.registry.byResource('', 'nodes')!)
    .map((n) => n.metadata.name)
    .sort()
/** The path of an absolute operation URL (on this simulator's ARM origin). */
const pathOf = (url: string | null) => {
  const u = new URL(url!)
  expect(u.origin).toBe(new URL(sim.endpoints.arm as string).origin)
  return `${u.pathname}${u.search}`
}

/** A PUT of the cluster as az sends it: what GET returned, with `edit` applied. */
async function putCluster(token: string, edit: (props: any) => void) {
  const body = await getCluster()
  edit(body.properties)
  return arm(sim, 'PUT', `${CLUSTER_PATH}?${API}`, { token, body })
}

async function finish(res: { headers: Headers }) {
  const status = pathOf(res.headers.get('azure-asyncoperation'))
  expect((await arm(sim, 'GET', status, { token: alice })).body.status).toBe('InProgress')
  sim.advanceClock(OPERATION_SECONDS)
  const done = await arm(sim, 'GET', status, { token: alice })
  expect(done.body).toMatchObject({ status: 'Succeeded' })
  return done
}

describe('the managed cluster as AKS returns it', () => {
  it('carries the managed-identity, pool, network and access properties az reads', async () => {
    const res = await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`, { token: bob })
    expect(res.status).toBe(200)
    const p = res.body.properties
    expect(res.body.identity).toEqual({
      type: 'SystemAssigned',
      principalId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenantId: sim.endpoints.tenantId,
    })
    expect(p.servicePrincipalProfile).toEqual({ clientId: 'msi' })
    // The kubelet identity is the pod-identity scenario's aks-demo-agentpool (what IMDS serves on the nodes).
    expect(p.identityProfile.kubeletidentity).toEqual({
      resourceId: expect.stringMatching(
        /\/resourceGroups\/MC_rg-aks-demo_aks-demo_eastus\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/aks-demo-agentpool$/i,
      ),
      clientId: DEMO_POD_IDENTITY.kubeletClientId,
      objectId: DEMO_POD_IDENTITY.kubeletPrincipalId,
    })
    expect(p).toMatchObject({
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: '1.32.4',
      currentKubernetesVersion: '1.32.4',
      enableRBAC: true,
      disableLocalAccounts: false,
      nodeResourceGroup: 'MC_rg-aks-demo_aks-demo_eastus',
      networkProfile: { networkPlugin: 'azure', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10' },
      securityProfile: { workloadIdentity: { enabled: true } },
      oidcIssuerProfile: { enabled: true },
    })
    expect(p.agentPoolProfiles).toEqual([
      expect.objectContaining({
        name: 'nodepool1',
        count: 3,
        vmSize: 'Standard_DS2_v2',
        mode: 'System',
        osType: 'Linux',
        type: 'VirtualMachineScaleSets',
        orchestratorVersion: '1.32.4',
        currentOrchestratorVersion: '1.32.4',
        provisioningState: 'Succeeded',
        powerState: { code: 'Running' },
      }),
    ])
  })

  it('lists agent pools and the upgrade profile', async () => {
    const pools = await arm(sim, 'GET', `${CLUSTER_PATH}/agentPools?${API}`, { token: alice })
    expect(pools.body.value).toEqual([
      expect.objectContaining({
        name: 'nodepool1',
        type: 'Microsoft.ContainerService/managedClusters/agentPools',
        properties: expect.objectContaining({ count: 3, mode: 'System' }),
      }),
    ])
    const profile = await arm(sim, 'GET', `${CLUSTER_PATH}/upgradeProfiles/default?${API}`, { token: alice })
    expect(profile.body).toMatchObject({
      name: 'default',
      type: 'Microsoft.ContainerService/managedClusters/upgradeprofiles',
      properties: { controlPlaneProfile: { kubernetesVersion: '1.32.4', name: 'master', osType: 'Linux' } },
    })
    const upgrades = profile.body.properties.controlPlaneProfile.upgrades.map((u: any) => u.kubernetesVersion)
    expect(upgrades).toContain('1.32.5')
    expect(upgrades).toContain('1.33.1')
    expect(upgrades.some((v: string) => v.startsWith('1.31.') || v.startsWith('1.34.'))).toBe(false)
  })
})

describe('authorization by Azure RBAC', () => {
  it('refuses bob every write with AuthorizationFailed naming the real action', async () => {
    const bobOid = oid(sim, BOB)
    expectArmError(
      await putCluster(bob, (p) => (p.agentPoolProfiles[0].count = 5)),
      403,
      'AuthorizationFailed',
      authorizationFailed(BOB, bobOid, 'Microsoft.ContainerService/managedClusters/write', CLUSTER_PATH),
    )
    expectArmError(
      await arm(sim, 'POST', `${CLUSTER_PATH}/stop?${API}`, { token: bob }),
      403,
      'AuthorizationFailed',
      authorizationFailed(
        BOB,
        bobOid,
        'Microsoft.ContainerService/managedClusters/stop/action',
        CLUSTER_PATH,
      ),
    )
    expectArmError(
      await arm(sim, 'PUT', `${CLUSTER_PATH}/agentPools/nodepool1?${API}`, {
        token: bob,
        body: { properties: { count: 4 } },
      }),
      403,
      'AuthorizationFailed',
      authorizationFailed(
        BOB,
        bobOid,
        'Microsoft.ContainerService/managedClusters/agentPools/write',
        `${CLUSTER_PATH}/agentPools/nodepool1`,
      ),
    )
    expect((await getCluster()).properties.agentPoolProfiles[0].count).toBe(3)
  })
})

describe('scaling through the operation protocol', () => {
  it('answers with the async headers, runs on the simulator clock and turns the count into Node objects', async () => {
    expect(nodeNames()).toEqual([
      'aks-nodepool1-12345678-vmss000000',
      'aks-nodepool1-12345678-vmss000001',
      'aks-nodepool1-12345678-vmss000002',
    ])
    const res = await putCluster(alice, (p) => (p.agentPoolProfiles[0].count = 5))
    expect(res.status).toBe(200)
    expect(res.body.properties).toMatchObject({ provisioningState: 'Scaling' })
    expect(res.body.properties.agentPoolProfiles[0]).toMatchObject({ count: 5, provisioningState: 'Scaling' })
    expect(res.headers.get('retry-after')).toBe('1')
    expect(pathOf(res.headers.get('azure-asyncoperation'))).toMatch(
      new RegExp(
        `^/subscriptions/${SUB}/providers/Microsoft\\.ContainerService/locations/eastus/operations/[0-9a-f-]{36}\\?api-version=2024-09-01$`,
      ),
    )
    const result = pathOf(res.headers.get('location'))
    expect(result).toMatch(/\/locations\/eastus\/operationresults\/[0-9a-f-]{36}\?api-version=2024-09-01$/)
    expect((await arm(sim, 'GET', result, { token: alice })).status).toBe(202)
    // One operation at a time, as AKS.
    expectArmError(
      await putCluster(alice, (p) => (p.agentPoolProfiles[0].count = 2)),
      409,
      'OperationNotAllowed',
      'Operation is not allowed: Another operation (Scaling) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details',
    )
    // Polling needs read access to the cluster: bob (Cluster User Role) has it, frank does not.
    const status = pathOf(res.headers.get('azure-asyncoperation'))
    expect((await arm(sim, 'GET', status, { token: bob })).status).toBe(200)
    expectArmError(
      await arm(sim, 'GET', status, { token: frank }),
      403,
      'AuthorizationFailed',
      authorizationFailed(
        FRANK,
        oid(sim, FRANK),
        'Microsoft.ContainerService/locations/operations/read',
        status.split('?')[0]!,
      ),
    )
    expect(nodeNames()).toHaveLength(3)

    const done = await finish(res)
    expect(Object.keys(done.body).sort()).toEqual(['endTime', 'name', 'startTime', 'status'])
    expect((await arm(sim, 'GET', result, { token: alice })).status).toBe(204)
    const after = await getCluster()
    expect(after.properties.provisioningState).toBe('Succeeded')
    expect(after.properties.agentPoolProfiles[0]).toMatchObject({ count: 5, provisioningState: 'Succeeded' })
    expect(nodeNames()).toHaveLength(5)
    expect(nodeNames().at(-1)).toBe('aks-nodepool1-12345678-vmss000004')
  })

  it('scales one pool with the agentPools API (201 for a new pool)', async () => {
    const res = await arm(sim, 'PUT', `${CLUSTER_PATH}/agentPools/nodepool1?${API}`, {
      token: alice,
      body: { properties: { count: 2 } },
    })
    expect(res.status).toBe(200)
    expect(res.body.properties).toMatchObject({ count: 2, provisioningState: 'Scaling' })
    await finish(res)
    expect(nodeNames()).toEqual(['aks-nodepool1-12345678-vmss000000', 'aks-nodepool1-12345678-vmss000001'])
    const added = await arm(sim, 'PUT', `${CLUSTER_PATH}/agentPools/userpool?${API}`, {
      token: alice,
      body: { properties: { count: 1, mode: 'User', vmSize: 'Standard_D4s_v5' } },
    })
    expect(added.status).toBe(201)
    await finish(added)
    expect(nodeNames()).toEqual([
      'aks-nodepool1-12345678-vmss000000',
      'aks-nodepool1-12345678-vmss000001',
      'aks-userpool-12345678-vmss000000',
    ])
  })
})

kubectlDescribe('1.32.4')('kubectl get nodes', () => {
  it('prints the nodes as a real cluster does', async () => {
    const out = await kubectl(adminKubeconfig, ['get', 'nodes'])
    expect(out.stderr).toBe('')
    const lines = out.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/)
    expect(lines[1]).toMatch(/^aks-nodepool1-12345678-vmss000000\s+Ready\s+agent\s+\S+\s+v1\.32\.4$/)
    expect(lines).toHaveLength(4)
  })
})

describe('upgrade, stop and start', () => {
  it('refuses a skipped minor version and upgrades one minor at a time', async () => {
    expectArmError(
      await putCluster(alice, (p) => (p.kubernetesVersion = '1.30.12')),
      400,
      'OperationNotAllowed',
      /^Upgrading Kubernetes version 1\.32\.4 to 1\.30\.12 is not allowed\. Available upgrades: \[1\.33\.1 1\.33\.0 1\.32\.5\]\./,
    )
    const res = await putCluster(alice, (p) => {
      p.kubernetesVersion = '1.33.1'
      for (const a of p.agentPoolProfiles) a.orchestratorVersion = '1.33.1'
    })
    expect(res.body.properties).toMatchObject({
      provisioningState: 'Upgrading',
      kubernetesVersion: '1.33.1',
      currentKubernetesVersion: '1.32.4',
    })
    await finish(res)
    expect((await getCluster()).properties.currentKubernetesVersion).toBe('1.33.1')
    const nodes = sim.kube.server.store.list(sim.kube.server.registry.byResource('', 'nodes')!)
    expect(nodes.map((n: any) => n.status.nodeInfo.kubeletVersion)).toEqual(['v1.33.1', 'v1.33.1', 'v1.33.1'])
  })

  it('stop removes the nodes and start brings the same ones back', async () => {
    const before = nodeNames()
    const stop = await arm(sim, 'POST', `${CLUSTER_PATH}/stop?${API}`, { token: alice })
    expect(stop.status).toBe(202)
    expect(stop.body).toBeUndefined()
    expect((await getCluster()).properties.provisioningState).toBe('Stopping')
    await finish(stop)
    expect((await getCluster()).properties.powerState).toEqual({ code: 'Stopped' })
    expect(nodeNames()).toEqual([])
    expectArmError(
      await arm(sim, 'POST', `${CLUSTER_PATH}/stop?${API}`, { token: alice }),
      409,
      'OperationNotAllowed',
      'managed cluster is in Provisioning State(Succeeded) and Power State(Stopped), stopping cannot be performed',
    )
    await finish(await arm(sim, 'POST', `${CLUSTER_PATH}/start?${API}`, { token: alice }))
    expect((await getCluster()).properties.powerState).toEqual({ code: 'Running' })
    expect(nodeNames()).toEqual(before)
  })
})

describe('the access toggles', () => {
  it('disableLocalAccounts refuses the admin credential and the admin client certificate', async () => {
    if (!noKubectl) expect((await kubectl(adminKubeconfig, ['get', 'nodes'])).code).toBe(0)
    await finish(await putCluster(alice, (p) => (p.disableLocalAccounts = true)))
    expectArmError(
      await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterAdminCredential?${API}`, { token: alice }),
      400,
      'BadRequest',
      'Getting static credential is not allowed because this cluster is set to disable local accounts.',
    )
    if (noKubectl) return
    const refused = await kubectl(adminKubeconfig, ['get', 'nodes'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/the server has asked for the client to provide credentials/)
  })

  kubectlIt('1.32.4')(
    'enableAzureRBAC off takes the authorization webhook out of the chain (kubectl as frank)',
    async () => {
      // frank's only access is an Azure RBAC role on namespace prod.
      const frank = tokenKubeconfig(sim, { token: await deviceCodeToken(sim, FRANK) })
      expect((await kubectl(frank, ['get', 'configmaps', '-n', 'prod'])).code).toBe(0)
      await finish(await putCluster(alice, (p) => (p.aadProfile.enableAzureRBAC = false)))
      expect((await getCluster()).properties.aadProfile.enableAzureRBAC).toBe(false)
      const refused = await kubectl(frank, ['get', 'configmaps', '-n', 'prod'])
      expect(refused.stderr).toMatch(/Forbidden/)
      await finish(await putCluster(alice, (p) => (p.aadProfile.enableAzureRBAC = true)))
      expect((await kubectl(frank, ['get', 'configmaps', '-n', 'prod'])).code).toBe(0)
    },
  )
})
