/**
 * Custom resources (the aad-pod-identity CRDs) through every kubectl build the dispatcher runs:
 * 1.27 reads /openapi/v2 in protobuf before `apply`, later builds read /openapi/v3; all of them must
 * apply, print with the CRDs' printer columns, explain, and get the custom-resource errors.
 */
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aadPodIdentityCrds } from '../../src/pod-identity/crds.js'
import { scratchDir, startApiServer, writeKubeconfig, type TestApiServer } from '../apiserver/helpers.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { kubectlSkipReason, kubectlTitle } from '../helpers/kubectl.js'

const MANIFEST = `apiVersion: aadpodidentity.k8s.io/v1
kind: AzureIdentity
metadata: {name: app-id, namespace: default}
spec: {type: 0, resourceID: /subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-id, clientID: 11111111-2222-3333-4444-555555555555}
---
apiVersion: aadpodidentity.k8s.io/v1
kind: AzurePodIdentityException
metadata: {name: skip-me, namespace: default}
spec: {podLabels: {app: probe}}
`

// Without a kubectl for every one of these server minors, the tests skip and say why (test/helpers/kubectl.ts).
const noKubectl = kubectlSkipReason('1.32.4', '1.29.7', '1.27.16')

describe.skipIf(noKubectl).each([['1.32.4'], ['1.29.7'], ['1.27.16']])(
  kubectlTitle('kubectl against a %s API server with CRDs', noKubectl),
  (version) => {
    let server: TestApiServer
    const scratch = scratchDir('kubectl-crd-')
    let config: string
    let n = 0

    beforeAll(async () => {
      server = await startApiServer({ version, customResources: aadPodIdentityCrds() })
      const admin = await server.pki.clientCert('crd-admin', { cn: 'masterclient', o: ['system:masters'] })
      config = writeKubeconfig(join(scratch.dir, 'admin.kubeconfig'), server, { cert: admin })
    })
    afterAll(async () => {
      await server.close()
      scratch.cleanup()
    })

    function kubectl(args: string[], input?: string) {
      const home = join(scratch.dir, `home-${n++}`)
      mkdirSync(home, { recursive: true })
      return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          '/usr/bin/kubectl',
          ['--kubeconfig', config, '--cache-dir', join(home, 'cache'), ...args],
          { env: isolatedEnv({}, { home }), timeout: 60_000 },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        )
        if (input !== undefined) child.stdin?.end(input)
      })
    }

    it('applies, re-applies and prints custom resources', async () => {
      const created = await kubectl(['apply', '-f', '-'], MANIFEST)
      expect(created.stderr).toBe('')
      expect(created.stdout).toBe(
        'azureidentity.aadpodidentity.k8s.io/app-id created\nazurepodidentityexception.aadpodidentity.k8s.io/skip-me created\n',
      )
      const again = await kubectl(['apply', '-f', '-'], MANIFEST)
      expect(again.stdout).toBe(
        'azureidentity.aadpodidentity.k8s.io/app-id unchanged\nazurepodidentityexception.aadpodidentity.k8s.io/skip-me unchanged\n',
      )
      const ids = await kubectl(['get', 'azureidentities'])
      expect(ids.stdout).toMatch(
        /^NAME +TYPE +CLIENTID +AGE\napp-id +0 +11111111-2222-3333-4444-555555555555 +\d+s\n$/,
      )
      // No printer columns in the CRD: the Age column CRD defaulting adds.
      const exceptions = await kubectl(['get', 'azurepodidentityexceptions'])
      expect(exceptions.stdout).toMatch(/^NAME +AGE\nskip-me +\d+s\n$/)
    })

    it('refuses unknown fields (strict by default) and wrong types', async () => {
      const unknown = await kubectl(
        ['apply', '-f', '-'],
        'apiVersion: aadpodidentity.k8s.io/v1\nkind: AzureIdentity\nmetadata: {name: typo}\nspec: {clientId: x}\n',
      )
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toContain('unknown field "spec.clientId"')
      const wrongType = await kubectl(
        ['create', '-f', '-'],
        'apiVersion: aadpodidentity.k8s.io/v1\nkind: AzureIdentityBinding\nmetadata: {name: b}\nspec: {selector: 7, weight: "1"}\n',
      )
      expect(wrongType.code).toBe(1)
      expect(wrongType.stderr.trim()).toBe(
        'The AzureIdentityBinding "b" is invalid: \n* spec.selector: Invalid value: "integer": spec.selector in body must be of type string: "integer"\n* spec.weight: Invalid value: "string": spec.weight in body must be of type integer: "string"',
      )
    })

    it('lists the installed CRDs (read-only here)', async () => {
      const crds = await kubectl(['get', 'crd'])
      expect(crds.stdout).toMatch(
        /^NAME +CREATED AT\nazureassignedidentities\.aadpodidentity\.k8s\.io +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/,
      )
      expect(crds.stdout.trim().split('\n')).toHaveLength(5)
      const established = await kubectl([
        'get',
        'crd',
        'azureidentities.aadpodidentity.k8s.io',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Established")].status} {.spec.versions[0].additionalPrinterColumns[1].jsonPath}',
      ])
      expect(established.stdout).toBe('True .spec.clientID')
      const del = await kubectl(['delete', 'crd', 'azureidentities.aadpodidentity.k8s.io'])
      expect(del.code).toBe(1)
      expect(del.stderr).toContain('MethodNotAllowed')
    })

    it('explains the published schema', async () => {
      const r = await kubectl(['explain', 'azureidentitybinding.spec'])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('selector')
      expect(r.stdout).toContain('azureIdentity')
    })
  },
)
