/**
 * The whole workshop path in chromium: `kubectl get pods` runs the exec credential plugin
 * (`aks-auth-sim get-token --login devicecode`, kubelogin's flags), which prints the device code
 * message; the code is entered on the UI's device login page; kubectl gets its answer; and the flow
 * view shows that request on all 11 steps, tied to the sign-in that issued its token.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, DEMO_PASSWORD, type Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { kubectlDescribe } from '../helpers/kubectl.js'
import { openBrowser, poll, type TestBrowser } from './browser.js'

// Where kubectl cannot run these, they are skipped with the reason in the title (test/helpers/kubectl.ts).
const describeK = kubectlDescribe()

let sim: Simulator
let browser: TestBrowser
let page: Page
const dir = mkdtempSync(join(tmpdir(), 'ui-chain-'))

beforeAll(async () => {
  sim = await startTestSimulator({ stateDir: join(dir, 'state') })
  browser = await openBrowser()
  page = browser.page
})
afterAll(async () => {
  await browser?.close()
  await sim?.stop()
})

/** A user kubeconfig whose exec plugin signs in with the device code, as `az aks get-credentials` + kubelogin write it. */
function userKubeconfig(): string {
  const file = join(dir, 'kubeconfig')
  const args = [
    resolve('bin/aks-auth-sim.js'),
    'get-token',
    '--login',
    'devicecode',
    '--server-id',
    AKS_SERVER_APP_ID,
    '--client-id',
    AKS_CLIENT_APP_ID,
    '--tenant-id',
    sim.endpoints.tenantId,
    '--state-dir',
    sim.endpoints.stateDir,
    '--cache-dir',
    join(dir, 'kubelogin-cache'),
  ]
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: aks-demo',
      '  cluster:',
      `    server: ${String(sim.endpoints.apiServer)}`,
      `    certificate-authority: ${sim.endpoints.caFile}`,
      'users:',
      '- name: clusterUser_rg-aks-demo_aks-demo',
      '  user:',
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1beta1',
      `      command: ${process.execPath}`,
      '      args:',
      ...args.map((a) => `      - ${JSON.stringify(a)}`),
      '      interactiveMode: IfAvailable',
      'contexts:',
      '- name: aks-demo',
      '  context: {cluster: aks-demo, user: clusterUser_rg-aks-demo_aks-demo}',
      'current-context: aks-demo',
      '',
    ].join('\n'),
  )
  return file
}

describeK('kubectl → exec plugin → device login page → API server → webhook → RBAC, in the flow view', () => {
  it('signs in through the page while kubectl waits, and draws the request on the 11 steps', async () => {
    const config = userKubeconfig()
    let stderr = ''
    let stdout = ''
    const child = spawn(
      '/usr/bin/kubectl',
      ['--kubeconfig', config, '--cache-dir', join(dir, 'kube-cache'), 'get', 'pods', '-n', 'dev'],
      {
        env: isolatedEnv({ NODE_EXTRA_CA_CERTS: sim.endpoints.caFile }, { home: dir }),
      },
    )
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)))

    await poll(() => /enter the code ([A-Z0-9]+) to authenticate/.test(stderr)).toBe(true)
    const [, url, code] = /open the page (\S+) and enter the code ([A-Z0-9]+)/.exec(stderr)!
    expect(url).toBe(`${String(sim.endpoints.ui)}/devicelogin`)

    await page.goto(url!)
    await page.getByLabel('Code').fill(code!)
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByRole('button', { name: /Bob Builder/ }).click()
    // Picking an account asks for its password, as Entra does (issue 18).
    await page.getByLabel('Password').fill(DEMO_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('button', { name: 'Continue' }).click()
    await poll(() => page.getByRole('status').textContent()).toContain('You have signed in')

    expect(await exited).toBe(0)
    expect(stdout).toContain('web-5d8f7b9c6d-x2k4p')

    await page.goto(`${String(sim.endpoints.ui)}/#flow`)
    const flow = page
      .locator('#flow-list > li')
      .filter({ has: page.locator('.flow-title', { hasText: /^list pods -n dev$/ }) })
    await poll(() => flow.count()).toBe(1)
    await flow.locator('details.flow > summary').click()
    const steps = flow.locator('li.step')
    expect(await steps.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step'))))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ])
    expect(await steps.nth(0).locator('.step-summary').textContent()).toContain(`(code ${code})`)
    expect(await steps.nth(2).textContent()).toContain('kubectl/v1.32')
    expect(await steps.nth(8).locator('.step-summary').textContent()).toContain(
      'Allow by RBAC — RBAC: allowed by RoleBinding "engineering-edit/dev" of ClusterRole "edit"',
    )
    expect(await steps.nth(10).locator('.step-summary').textContent()).toBe('success: HTTP 200')
    const signIn = page
      .locator('#flow-list > li')
      .filter({ has: page.locator('.flow-title', { hasText: `(code ${code})` }) })
    await signIn.locator('details.flow > summary').click()
    expect(await signIn.locator('li.step[data-step="1"] .step-summary').textContent()).toBe(
      'approved by bob@contoso.onmicrosoft.com',
    )
    await browser.screenshot('full-chain-kubectl-exec-plugin')
    expect(browser.errors).toEqual([])
  })
})
