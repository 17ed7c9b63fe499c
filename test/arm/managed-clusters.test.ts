/**
 * The mock ARM's managed cluster surface over HTTPS with real tokens from the simulator's Entra
 * (openid-client device code, the Azure CLI's client id): the resource shape, both credential
 * actions with their kubeconfigs, authorization by Azure role assignments, and disableLocalAccounts.
 */
import { existsSync } from 'node:fs'
import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { demoScenario, type Simulator } from '../../src/index.js'
import { ALICE, BOB, DAVE, FRANK, startTestSimulator } from '../helpers/sim.js'
import { armToken } from '../client/helpers.js'
import { API, CLUSTER_PATH, RG, SUB, arm, authorizationFailed, expectArmError } from './helpers.js'

const oid = (sim: Simulator, upn: string) => sim.endpoints.directory.users.find((u) => u.upn === upn)!.oid
const decode = (v: string) => parse(Buffer.from(v, 'base64').toString('utf8'))

let sim: Simulator
let bob: string
let alice: string
beforeAll(async () => {
  sim = await startTestSimulator()
  ;[bob, alice] = await Promise.all([armToken(sim, BOB), armToken(sim, ALICE)])
})
afterAll(() => sim.stop())

describe('GET managedClusters/{name}', () => {
  it('returns the cluster as ARM does, with the REST field names of the AAD profile', async () => {
    const res = await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`, { token: bob })
    expect(res.status).toBe(200)
    const admins = sim.endpoints.directory.groups.find((g) => g.name === 'aks-admins')!.oid
    expect(res.body).toMatchObject({
      id: `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-demo`,
      name: 'aks-demo',
      location: 'eastus',
      type: 'Microsoft.ContainerService/ManagedClusters',
      properties: {
        provisioningState: 'Succeeded',
        kubernetesVersion: '1.32.4',
        enableRBAC: true,
        disableLocalAccounts: false,
        aadProfile: {
          managed: true,
          enableAzureRBAC: true,
          adminGroupObjectIDs: [admins],
          tenantID: sim.endpoints.tenantId,
        },
      },
    })
    expect(res.body.properties.fqdn).toMatch(/^[a-z0-9-]+-[0-9a-f]{8}\.hcp\.eastus\.azmk8s\.io$/)
    // The issuer federated credentials must name: the one the cluster's service-account tokens carry.
    const issuerUrl = (sim.endpoints.oidcIssuer as { clusters: Record<string, string> }).clusters['aks-demo']
    expect(res.body.properties.oidcIssuerProfile).toEqual({ enabled: true, issuerURL: issuerUrl })
    expect(issuerUrl).toMatch(/\/$/)
    expect(res.body.properties.securityProfile).toEqual({ workloadIdentity: { enabled: true } })
    const discovery = await fetch(`${issuerUrl}.well-known/openid-configuration`)
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuerUrl)
    expect(res.headers.get('x-ms-correlation-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('lists the clusters of the resource group the caller may read, and only those', async () => {
    const rgPath = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters?${API}`
    expect((await arm(sim, 'GET', rgPath, { token: bob })).body.value.map((c: any) => c.name)).toEqual([
      'aks-demo',
    ])
    const frank = await armToken(sim, FRANK)
    expect((await arm(sim, 'GET', rgPath, { token: frank })).body).toEqual({ value: [] })
  })

  it('refuses a caller without …/read with AuthorizationFailed naming the action and scope', async () => {
    const frank = await armToken(sim, FRANK)
    const res = await arm(sim, 'GET', `${CLUSTER_PATH}?${API}`, { token: frank })
    expectArmError(
      res,
      403,
      'AuthorizationFailed',
      authorizationFailed(
        FRANK,
        oid(sim, FRANK),
        'Microsoft.ContainerService/managedClusters/read',
        CLUSTER_PATH,
      ),
    )
  })
})

describe('POST listClusterUserCredential', () => {
  it('returns the exec kubeconfig AKS writes, running this checkout’s CLI by absolute paths', async () => {
    const res = await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}`, { token: bob })
    expect(res.status).toBe(200)
    expect(res.body.kubeconfigs).toHaveLength(1)
    expect(res.body.kubeconfigs[0].name).toBe('clusterUser')
    const kc = decode(res.body.kubeconfigs[0].value)
    expect(kc).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'aks-demo',
      clusters: [{ name: 'aks-demo', cluster: { server: sim.endpoints.apiServer } }],
      contexts: [
        { name: 'aks-demo', context: { cluster: 'aks-demo', user: 'clusterUser_rg-aks-demo_aks-demo' } },
      ],
      users: [{ name: 'clusterUser_rg-aks-demo_aks-demo' }],
    })
    expect(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(
      sim.caPem,
    )
    const exec = kc.users[0].user.exec
    expect(exec.apiVersion).toBe('client.authentication.k8s.io/v1beta1')
    expect(exec.interactiveMode).toBe('IfAvailable')
    expect(exec.provideClusterInfo).toBe(false)
    expect(exec.command).toBe(process.execPath)
    expect(exec.args[0]).toMatch(/^\/.*\/bin\/aks-auth-sim\.js$/)
    expect(existsSync(exec.args[0])).toBe(true)
    expect(exec.args.slice(1)).toEqual([
      'get-token',
      '--login',
      'devicecode',
      '--server-id',
      '6dae42f8-4368-4678-94ff-3960e28e3630',
      '--client-id',
      '80faf920-1908-4b52-b5ef-a8e7bedfc67a',
      '--tenant-id',
      sim.endpoints.tenantId,
      '--environment',
      'AzurePublicCloud',
      '--authority-host',
      `${sim.endpoints.authority}/`,
    ])
    expect(exec.env).toEqual([{ name: 'AKS_AUTH_SIM_STATE_DIR', value: sim.endpoints.stateDir }])
  })

  it('returns the legacy auth-provider kubeconfig with format=azure', async () => {
    const res = await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}&format=azure`, {
      token: bob,
    })
    expect(res.status).toBe(200)
    expect(decode(res.body.kubeconfigs[0].value).users[0].user).toEqual({
      'auth-provider': {
        name: 'azure',
        config: {
          'apiserver-id': '6dae42f8-4368-4678-94ff-3960e28e3630',
          'client-id': '80faf920-1908-4b52-b5ef-a8e7bedfc67a',
          'config-mode': '1',
          environment: 'AzurePublicCloud',
          'tenant-id': sim.endpoints.tenantId,
        },
      },
    })
    expectArmError(
      await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}&format=yaml`, { token: bob }),
      400,
      'BadRequest',
    )
  })

  it('authorizes through group assignments resolved in the directory (dave via sre, overage user)', async () => {
    const dave = await armToken(sim, DAVE)
    const res = await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}`, { token: dave })
    expect(res.status).toBe(200)
  })

  it('refuses frank (RBAC Reader on a namespace only) with the user credential action', async () => {
    const frank = await armToken(sim, FRANK)
    const res = await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}`, { token: frank })
    expectArmError(
      res,
      403,
      'AuthorizationFailed',
      authorizationFailed(
        FRANK,
        oid(sim, FRANK),
        'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
        CLUSTER_PATH,
      ),
    )
  })
})

describe('POST listClusterAdminCredential', () => {
  it('gives alice (Cluster Admin Role) the masterclient certificate from the cluster CA', async () => {
    const res = await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterAdminCredential?${API}`, { token: alice })
    expect(res.status).toBe(200)
    expect(res.body.kubeconfigs[0].name).toBe('clusterAdmin')
    const kc = decode(res.body.kubeconfigs[0].value)
    expect(kc.users[0].name).toBe('clusterAdmin_rg-aks-demo_aks-demo')
    expect(kc.contexts[0].context.user).toBe('clusterAdmin_rg-aks-demo_aks-demo')
    const user = kc.users[0].user
    const cert = new X509Certificate(Buffer.from(user['client-certificate-data'], 'base64'))
    expect(cert.subject.split('\n').sort()).toEqual(['CN=masterclient', 'O=system:masters'])
    expect(cert.checkIssued(new X509Certificate(sim.caPem))).toBe(true)
    expect(Buffer.from(user['client-key-data'], 'base64').toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(typeof user.token).toBe('string')
  })

  it('refuses bob (Cluster User Role) with the admin action in the message', async () => {
    const res = await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterAdminCredential?${API}`, { token: bob })
    expectArmError(
      res,
      403,
      'AuthorizationFailed',
      authorizationFailed(
        BOB,
        oid(sim, BOB),
        'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action',
        CLUSTER_PATH,
      ),
    )
  })
})

describe('disableLocalAccounts', () => {
  it('answers listClusterAdminCredential with AKS’s 400, even for a Cluster Admin', async () => {
    const scenario = demoScenario()
    scenario.azure!.managedClusters[0]!.disableLocalAccounts = true
    const locked = await startTestSimulator({ scenario })
    try {
      const token = await armToken(locked, ALICE)
      const res = await arm(locked, 'POST', `${CLUSTER_PATH}/listClusterAdminCredential?${API}`, { token })
      expectArmError(
        res,
        400,
        'BadRequest',
        'Getting static credential is not allowed because this cluster is set to disable local accounts.',
      )
      expect(
        (await arm(locked, 'GET', `${CLUSTER_PATH}?${API}`, { token })).body.properties.disableLocalAccounts,
      ).toBe(true)
      // The user credential is unaffected: Entra sign-in is the way in. (Cluster Admin Role alone does
      // not include listClusterUserCredential, so this is bob's.)
      const bobToken = await armToken(locked, BOB)
      const user = await arm(locked, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}`, {
        token: bobToken,
      })
      expect(user.status).toBe(200)
    } finally {
      await locked.stop()
    }
  })
})
