/**
 * aad-pod-identity's CRDs served by the mock API server (pod-managed identity mode), driven by the real
 * kubectl and @kubernetes/client-node: discovery, server-side printing with the CRDs' printer columns,
 * structural-schema pruning and validation, custom-resource patch types, `kubectl explain` from the
 * published OpenAPI, and MIC's AzureAssignedIdentity objects moving from Created to Assigned.
 */
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { demoScenario } from '../../src/scenario/demo.js'
import { kubectl, kubectlDescribe, tokenKubeconfig } from '../helpers/kubectl.js'
import { startTestSimulator } from '../helpers/sim.js'
import { runIdentityClient } from '../pod-identity/helpers.js'

// Where kubectl cannot run these, they are skipped with the reason in the title (test/helpers/kubectl.ts).
const describeK = kubectlDescribe()

const ORDERS = DEMO_POD_IDENTITY.ordersClientId
const MI =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-aks-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-api-identity'
let sim: Simulator
let admin: string

beforeAll(async () => {
  const scenario = demoScenario()
  scenario.podIdentity!.podManagedIdentity = { enabled: true, assignmentDelaySeconds: 90 }
  sim = await startTestSimulator({ scenario })
  sim.podIdentity.settings.nmi.pollIntervalMs = 10
  admin = tokenKubeconfig(sim, { token: sim.kube.staticToken.token })
})
afterAll(() => sim.stop())

const k = (...args: string[]) => kubectl(admin, args)
const apply = (yaml: string, ...args: string[]) => kubectl(admin, ['apply', '-f', '-', ...args], {}, yaml)

const IDENTITY = `apiVersion: aadpodidentity.k8s.io/v1
kind: AzureIdentity
metadata: {name: orders, namespace: dev}
spec: {type: 0, resourceID: ${MI}, clientID: ${ORDERS}}
---
apiVersion: aadpodidentity.k8s.io/v1
kind: AzureIdentityBinding
metadata: {name: orders-binding, namespace: dev}
spec: {azureIdentity: orders, selector: orders}
`

describeK('aadpodidentity.k8s.io served by the API server', () => {
  it('is discovered and applied with kubectl, and printed with the CRD printer columns', async () => {
    const resources = await k('api-resources', '--api-group=aadpodidentity.k8s.io', '-o', 'name')
    expect(resources.stdout.trim().split('\n').sort()).toEqual([
      'azureassignedidentities.aadpodidentity.k8s.io',
      'azureidentities.aadpodidentity.k8s.io',
      'azureidentitybindings.aadpodidentity.k8s.io',
      'azurepodidentityexceptions.aadpodidentity.k8s.io',
    ])
    const applied = await apply(IDENTITY)
    expect(applied.stderr).toBe('')
    expect(applied.stdout).toBe(
      'azureidentity.aadpodidentity.k8s.io/orders created\nazureidentitybinding.aadpodidentity.k8s.io/orders-binding created\n',
    )
    const ids = await k('get', 'azureidentities', '-n', 'dev')
    expect(ids.stdout).toMatch(new RegExp(`^NAME +TYPE +CLIENTID +AGE\norders +0 +${ORDERS} +\\d+s\n$`))
    const bindings = await k('get', 'azureidentitybinding', '-n', 'dev')
    expect(bindings.stdout).toMatch(
      /^NAME +AZUREIDENTITY +SELECTOR +AGE\norders-binding +orders +orders +\d+s\n$/,
    )
    const yaml = await k(
      'get',
      'azureidentity',
      'orders',
      '-n',
      'dev',
      '-o',
      'jsonpath={.apiVersion} {.spec.clientID} {.metadata.generation}',
    )
    expect(yaml.stdout).toBe(`aadpodidentity.k8s.io/v1 ${ORDERS} 1`)
    // Re-applying the same manifest changes nothing (client-side apply computes a merge patch).
    expect((await apply(IDENTITY)).stdout).toContain('azureidentity.aadpodidentity.k8s.io/orders unchanged')
  })

  it('prunes and validates against the structural schema, as apiextensions-apiserver does', async () => {
    const unknown = await apply(
      'apiVersion: aadpodidentity.k8s.io/v1\nkind: AzureIdentity\nmetadata: {name: typo, namespace: dev}\nspec: {type: 0, clientId: x}\n',
    )
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain(
      'AzureIdentity in version "v1" cannot be handled as a AzureIdentity: strict decoding error: unknown field "spec.clientId"',
    )
    const warned = await apply(
      'apiVersion: aadpodidentity.k8s.io/v1\nkind: AzureIdentity\nmetadata: {name: typo, namespace: dev}\nspec: {type: 0, clientId: x}\n',
      '--validate=warn',
    )
    expect(warned.code).toBe(0)
    expect(warned.stderr).toContain('unknown field "spec.clientId"')
    const stored = await k('get', 'azureidentity', 'typo', '-n', 'dev', '-o', 'jsonpath={.spec}')
    expect(JSON.parse(stored.stdout)).toEqual({ type: 0 })
    const wrongType = await apply(
      'apiVersion: aadpodidentity.k8s.io/v1\nkind: AzureIdentity\nmetadata: {name: bad, namespace: dev}\nspec: {type: zero}\n',
    )
    expect(wrongType.code).toBe(1)
    expect(wrongType.stderr).toContain(
      'The AzureIdentity "bad" is invalid: spec.type: Invalid value: "string": spec.type in body must be of type integer: "string"',
    )
  })

  it('accepts merge and JSON patches but refuses strategic merge, which custom resources lack', async () => {
    const strategic = await k(
      'patch',
      'azureidentitybinding',
      'orders-binding',
      '-n',
      'dev',
      '-p',
      '{"spec":{"weight":1}}',
    )
    expect(strategic.code).toBe(1)
    // kubectl words the server's 415 itself for a custom resource.
    expect(strategic.stderr.trim()).toBe(
      'error: application/strategic-merge-patch+json is not supported by aadpodidentity.k8s.io/v1, Kind=AzureIdentityBinding: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    )
    const merge = await k(
      'patch',
      'azureidentitybinding',
      'orders-binding',
      '-n',
      'dev',
      '--type=merge',
      '-p',
      '{"spec":{"weight":1}}',
    )
    expect(merge.stdout).toBe('azureidentitybinding.aadpodidentity.k8s.io/orders-binding patched\n')
    const gen = await k(
      'get',
      'azureidentitybinding',
      'orders-binding',
      '-n',
      'dev',
      '-o',
      'jsonpath={.metadata.generation}',
    )
    expect(gen.stdout).toBe('2')
  })

  it('publishes the CRD schemas in OpenAPI: kubectl explain reads them', async () => {
    const explain = await k('explain', 'azureidentity.spec.clientID')
    expect(explain.code).toBe(0)
    expect(explain.stdout).toContain('GROUP:      aadpodidentity.k8s.io')
    expect(explain.stdout).toContain('FIELD: clientID <string>')
    expect(explain.stdout).toContain('Both User Assigned MSI and SP can use this field.')
  })

  it('serves @kubernetes/client-node CustomObjectsApi', async () => {
    const kc = new KubeConfig()
    kc.loadFromFile(admin)
    const api = kc.makeApiClient(CustomObjectsApi)
    const list = (await api.listNamespacedCustomObject({
      group: 'aadpodidentity.k8s.io',
      version: 'v1',
      namespace: 'dev',
      plural: 'azureidentities',
    })) as { kind: string; items: { metadata: { name: string } }[] }
    expect(list.kind).toBe('AzureIdentityList')
    expect(list.items.map((i) => i.metadata.name).sort()).toEqual(['orders', 'typo'])
    await api.deleteNamespacedCustomObject({
      group: 'aadpodidentity.k8s.io',
      version: 'v1',
      namespace: 'dev',
      plural: 'azureidentities',
      name: 'typo',
    })
    expect((await k('get', 'azureidentity', 'typo', '-n', 'dev')).stderr.trim()).toBe(
      'Error from server (NotFound): azureidentities.aadpodidentity.k8s.io "typo" not found',
    )
  })

  it("shows MIC's AzureAssignedIdentity go Created → Assigned, after which NMI answers the pod", async () => {
    const pod = await apply(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: legacy-0, namespace: dev, labels: {aadpodidbinding: orders}}\nspec: {containers: [{name: app, image: x}]}\n',
    )
    expect(pod.stdout).toBe('pod/legacy-0 created\n')
    const columns = [
      '-o',
      'custom-columns=NAME:.metadata.name,NS:.metadata.namespace,POD:.spec.pod,STATUS:.status.status',
    ]
    await expect
      .poll(async () => (await k('get', 'azureassignedidentities', '-A', ...columns)).stdout)
      .toMatch(/legacy-0-dev-orders +default +legacy-0 +Created/)
    sim.clockSource.advance(91_000)
    await expect
      .poll(async () => (await k('get', 'azureassignedidentities', '-A', ...columns)).stdout)
      .toMatch(/legacy-0-dev-orders +default +legacy-0 +Assigned/)
    const r = await runIdentityClient('managed', {
      AZURE_POD_IDENTITY_AUTHORITY_HOST: `${sim.endpoints.imds as string}/pods/dev/legacy-0`,
      IDENTITY_ENDPOINT: '',
    })
    expect(r.ok).toBe(true)
    // Deleting the binding takes the assignment away.
    await k('delete', 'azureidentitybinding', 'orders-binding', '-n', 'dev')
    await expect
      .poll(async () => (await k('get', 'azureassignedidentities', '-A', '-o', 'name')).stdout)
      .toBe('')
  })
})
