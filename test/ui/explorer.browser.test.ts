/**
 * The access explorer in chromium: the answer for a denied request (the exact line kubectl prints,
 * the authorizer that decided, the closest Kubernetes bindings and every Azure assignment
 * considered), "who can", and a role granted from the host controls — which live requests only see
 * once the webhook's and the API server's caches expire, as on AKS.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { openBrowser, poll, type TestBrowser } from './browser.js'
import { kubectlDescribe } from '../helpers/kubectl.js'
import { kubectlAs, type KubectlRun } from './kubectl.js'

// Where kubectl cannot run these, they are skipped with the reason in the title (test/helpers/kubectl.ts).
const describeK = kubectlDescribe()

let sim: Simulator
let browser: TestBrowser
let page: Page
let kubectl: (...args: string[]) => Promise<KubectlRun>

beforeAll(async () => {
  sim = await startTestSimulator()
  browser = await openBrowser()
  page = browser.page
  kubectl = kubectlAs(sim, await deviceCodeToken(sim, BOB))
})
afterAll(async () => {
  await browser?.close()
  await sim?.stop()
})

const explorer = () => page.locator('#page-explorer')
const controls = () => page.locator('#page-controls')

async function ask(user: string, verb: string, resource: string, namespace: string) {
  await explorer().getByLabel('User', { exact: true }).selectOption(user)
  await explorer().getByLabel('Verb').selectOption(verb)
  await explorer().getByLabel('Resource').fill(resource)
  await explorer().getByLabel('Namespace').selectOption(namespace)
  await explorer().getByRole('button', { name: 'Check access' }).click()
}

describeK('access explorer', () => {
  it("explains a denied request with kubectl's own words, the closest bindings and the Azure assignments", async () => {
    const live = await kubectl('get', 'pods', '-n', 'prod')
    expect(live.code).toBe(1)

    await page.goto(`${String(sim.endpoints.ui)}/#explorer`)
    await poll(() => explorer().getByLabel('Namespace').locator('option[value="prod"]').count()).toBe(1)
    await ask(BOB, 'list', 'pods', 'prod')
    const answer = page.locator('#access-result section.answer')
    await poll(() => answer.locator('h2 .badge').textContent()).toBe('Forbidden')
    const said = (await answer.locator('pre.kubectl').textContent())!
    expect(live.stderr.trim().split('\n')).toContain(said)
    const text = (await answer.textContent())!
    expect(text).toContain('Decided by: Webhook (Azure RBAC)')
    expect(text).toContain('RBAC: NoOpinion')
    // Kubernetes RBAC: bob's group is bound in dev only — the closest binding says so.
    expect(text).toContain('RoleBinding dev/engineering-edit')
    expect(text).toContain(
      'namespace: RoleBinding in namespace "dev" only grants inside "dev" (request namespace: "prod")',
    )
    // Azure RBAC: the one assignment bob has grants no data actions.
    expect(text).toContain('no role assignment grants Microsoft.ContainerService/managedClusters/pods/read')
    expect(text).toContain('Azure Kubernetes Service Cluster User Role')
    expect(text).toContain('not-in-role')
    await browser.screenshot('explorer-1-denied')

    await explorer().getByRole('button', { name: 'Who can do this?' }).click()
    const who = page.locator('#access-result section.answer')
    await poll(() => who.locator('h2').textContent()).toBe('Who can list pods in prod?')
    const rows = await who.locator('table').first().locator('tbody tr').allTextContents()
    const row = (name: string) => rows.find((r) => r.includes(name)) ?? ''
    expect(row('Frank Reader')).toContain('allowed')
    expect(row('Frank Reader')).toContain('Webhook (Azure RBAC)')
    expect(row('Alice Admin')).toContain('allowed')
    expect(row('Bob Builder')).toMatch(/Bob Builder.*no/)
    expect(row('Erin Former')).toContain('authentication')
    await browser.screenshot('explorer-2-who-can')
    expect(browser.errors).toEqual([])
  })

  it('shows a role granted from the host controls at once; live requests follow when the caches expire', async () => {
    await page.getByRole('link', { name: 'Host controls' }).click()
    const role = controls().getByLabel('Role', { exact: true })
    await poll(() => role.locator('option').count()).toBeGreaterThan(0)
    await controls().getByLabel('Principal').selectOption(BOB)
    await role.selectOption('Azure Kubernetes Service RBAC Reader')
    await controls().getByLabel('Scope').selectOption('prod')
    await controls().getByRole('button', { name: 'Grant' }).click()
    await poll(() => page.getByRole('status').textContent()).toBe('Grant the role: done')
    await poll(() =>
      controls()
        .getByRole('button', { name: 'Revoke Azure Kubernetes Service RBAC Reader from Bob Builder' })
        .count(),
    ).toBe(1)

    await page.getByRole('link', { name: 'Access explorer' }).click()
    await ask(BOB, 'list', 'pods', 'prod')
    const answer = page.locator('#access-result section.answer')
    await poll(() => answer.locator('h2 .badge').textContent()).toBe('Allowed')
    expect(await answer.textContent()).toContain('Access allowed by Azure RBAC Role Assignment')
    await browser.screenshot('explorer-3-granted')

    // The denied answer is still cached by the API server (30 s) and by the webhook (3 min).
    expect((await kubectl('get', 'pods', '-n', 'prod')).code).toBe(1)
    await page.getByRole('link', { name: 'Host controls' }).click()
    await controls().getByLabel('Seconds').fill('181')
    await controls().getByRole('button', { name: 'Advance', exact: true }).click()
    await poll(() => page.getByRole('status').textContent()).toBe('Advance the clock by 181 s: done')
    const after = await kubectl('get', 'pods', '-n', 'prod')
    expect(after.code).toBe(0)
    expect(after.stdout).toContain('api-6b7f8c9d54-q8n2m')

    await page.getByRole('link', { name: 'Live flow' }).click()
    const flow = page
      .locator('#flow-list > li')
      .filter({ has: page.locator('.flow-title', { hasText: /^list pods -n prod$/ }) })
      .first()
    await poll(() => flow.getAttribute('data-outcome')).toBe('allowed')
    await flow.locator('details.flow > summary').click()
    expect(await flow.locator('li.step[data-step="9"] .step-summary').textContent()).toContain(
      'Allow by Webhook — Access allowed by Azure RBAC Role Assignment',
    )
    const changes = await page.locator('#flow-list > li[data-kind="control"] .flow-title').allTextContents()
    expect(changes).toContain('Clock advanced by 181 s')
    expect(
      changes.some((c) =>
        c.startsWith('Azure role assignment granted: Azure Kubernetes Service RBAC Reader'),
      ),
    ).toBe(true)
    await browser.screenshot('explorer-4-live-after-cache')
    expect(browser.errors).toEqual([])
  })
})
