/**
 * The live flow view in chromium: a sign-in, TokenReviews and a SubjectAccessReview posted straight
 * to the webhook, and real kubectl requests through the API server appear as they happen, laid out
 * on the 11 steps with the right decision and reason; the filters work; host actions show up.
 */
import { PublicClientApplication } from '@azure/msal-node'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { BOB, DAVE, startTestSimulator } from '../helpers/sim.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { callWebhook, tokenReview } from '../helpers/webhook.js'
import { openBrowser, poll, type TestBrowser } from './browser.js'
import { kubectlIt } from '../helpers/kubectl.js'
import { kubectlAs } from './kubectl.js'

// Where kubectl cannot run these, they are skipped with the reason in the title (test/helpers/kubectl.ts).
const itK = kubectlIt()

let sim: Simulator
let browser: TestBrowser
let page: Page

beforeAll(async () => {
  sim = await startTestSimulator()
  browser = await openBrowser()
  page = browser.page
  await page.goto(`${String(sim.endpoints.ui)}/#flow`)
  await page.locator('#live-state', { hasText: 'live' }).waitFor()
})
afterAll(async () => {
  await browser?.close()
  await sim?.stop()
})

const flowItem = (title: string | RegExp): Locator =>
  page.locator('#flow-list > li').filter({ has: page.locator('.flow-title', { hasText: title }) })

const step = (flow: Locator, n: number) => flow.locator(`li.step[data-step="${n}"]`)

async function expand(flow: Locator) {
  await poll(() => flow.count()).toBe(1)
  if ((await flow.locator('details.flow').getAttribute('open')) === null)
    await flow.locator('details.flow > summary').click()
}

describe('live flow view', () => {
  it('shows TokenReviews and a SubjectAccessReview posted to the webhook, with the Graph overage call', async () => {
    const bobToken = await deviceCodeToken(sim, BOB)
    const signIn = flowItem(/Device code sign-in/).first()
    await poll(() => signIn.getAttribute('data-outcome')).toBe('allowed')

    const tr = await callWebhook(sim, '/tokenreviews', tokenReview(bobToken))
    expect(tr.body.status.authenticated).toBe(true)
    const bobReview = flowItem(`TokenReview for ${BOB}`)
    await expand(bobReview)
    expect(await step(bobReview, 6).locator('.state').textContent()).toContain('done')
    expect(await step(bobReview, 7).locator('.step-summary').textContent()).toContain(
      "groups from the token's groups claim — no Graph call",
    )
    expect(await step(bobReview, 8).locator('.step-summary').textContent()).toContain(
      `authenticated as ${BOB}`,
    )

    const daveToken = await deviceCodeToken(sim, DAVE)
    await callWebhook(sim, '/tokenreviews', tokenReview(daveToken))
    const daveReview = flowItem(`TokenReview for ${DAVE}`)
    await expand(daveReview)
    expect(await step(daveReview, 7).locator('.step-summary').textContent()).toMatch(
      /groups overage claim: Microsoft Graph getMemberGroups returned 250 groups/,
    )
    expect(await step(daveReview, 7).textContent()).toContain('getMemberGroups → 200')

    const bob = sim.directory.user(BOB)!
    const sar = await callWebhook(sim, '/subjectaccessreviews', {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: {
        resourceAttributes: { namespace: 'prod', verb: 'delete', resource: 'pods' },
        user: BOB,
        groups: sim.directory.transitiveGroups(bob.id).map((g) => g.id),
        extra: { oid: [bob.id] },
      },
    })
    expect(sar.body.status).toMatchObject({ allowed: false, denied: true })
    const review = flowItem('SubjectAccessReview: delete pods -n prod')
    await expand(review)
    expect(await review.getAttribute('data-outcome')).toBe('forbidden')
    expect(await step(review, 9).locator('.step-summary').textContent()).toBe(
      `Azure RBAC webhook: Deny — ${sar.body.status.reason}`,
    )
    expect(await step(review, 9).textContent()).toContain(
      'Microsoft.ContainerService/managedClusters/pods/delete',
    )
    await browser.screenshot('flow-1-webhook-reviews')
    expect(browser.errors).toEqual([])
  })

  itK("draws a kubectl request's 11 steps with the decision kubectl printed", async () => {
    const kubectl = kubectlAs(sim, await deviceCodeToken(sim, BOB))
    const denied = await kubectl('get', 'pods', '-n', 'prod')
    expect(denied.code).toBe(1)
    expect(denied.stderr).toContain('Error from server (Forbidden): pods is forbidden')

    const flow = flowItem(/^list pods -n prod$/)
    await expand(flow)
    expect(await flow.getAttribute('data-outcome')).toBe('forbidden')
    expect(await flow.locator('.badge').first().textContent()).toBe('Forbidden')
    const numbers = await flow
      .locator('li.step')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step'))))
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(await step(flow, 1).locator('.step-summary').textContent()).toContain('signed in earlier')
    expect(await step(flow, 4).locator('.step-summary').textContent()).toBe(
      'GET /api/v1/namespaces/prod/pods',
    )
    expect(await step(flow, 9).locator('.state').textContent()).toContain('failed')
    expect(await step(flow, 9).locator('.step-summary').textContent()).toBe(
      'Deny by Webhook — User does not have access to the resource in Azure. Update role assignment to allow access.',
    )
    expect(await step(flow, 9).textContent()).toContain(
      'Microsoft.ContainerService/managedClusters/pods/read',
    )
    // Step 11 is exactly what kubectl printed.
    const said = (await step(flow, 11).locator('.step-summary').textContent())!
    expect(denied.stderr.trim().split('\n')).toContain(said)
    await browser.screenshot('flow-2-kubectl-forbidden')

    const allowed = await kubectl('get', 'pods', '-n', 'dev')
    expect(allowed.code).toBe(0)
    const ok = flowItem(/^list pods -n dev$/)
    await expand(ok)
    expect(await ok.getAttribute('data-outcome')).toBe('allowed')
    expect(await step(ok, 9).locator('.step-summary').textContent()).toContain(
      'RBAC: allowed by RoleBinding "engineering-edit/dev" of ClusterRole "edit"',
    )

    const bad = kubectlAs(sim, 'not-a-token')
    const refused = await bad('get', 'pods', '-n', 'dev')
    expect(refused.code).toBe(1)
    const unauthorized = page
      .locator('#flow-list > li[data-kind="kubectl"][data-outcome="unauthorized"]')
      .first()
    await expand(unauthorized)
    const message = (await step(unauthorized, 11).locator('.step-summary').textContent())!
    expect(message).toMatch(/^error: You must be logged in to the server \(/)
    expect(refused.stderr.trim().split('\n')).toContain(message)
    expect(await unauthorized.locator('.flow-reason').textContent()).toContain('malformed')
    expect(browser.errors).toEqual([])
  })

  it('filters by outcome, user and namespace', async () => {
    await page.locator('#page-flow').getByLabel('Outcome').selectOption('forbidden')
    const shown = page.locator('#flow-list > li:not([hidden])')
    await poll(() => shown.count()).toBeGreaterThan(0)
    expect(new Set(await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome'))))).toEqual(
      new Set(['forbidden']),
    )
    await page.locator('#page-flow').getByLabel('Outcome').selectOption('')
    await page.locator('#page-flow').getByLabel('Namespace').selectOption('dev')
    const titles = await shown.locator('.flow-title').allTextContents()
    expect(titles.length).toBeGreaterThan(0)
    expect(titles.every((t) => t.endsWith('-n dev'))).toBe(true)
    await page.locator('#page-flow').getByLabel('Namespace').selectOption('')
    await page.locator('#page-flow').getByLabel('User').selectOption(DAVE)
    expect(new Set(await shown.locator('.flow-user').allTextContents())).toEqual(new Set([DAVE]))
    await browser.screenshot('flow-3-filtered-by-user')
    await page.locator('#page-flow').getByLabel('User').selectOption('')
    expect(browser.errors).toEqual([])
  })

  it('shows host actions: a login approved on the controls page, a key rotation', async () => {
    const app = new PublicClientApplication({
      auth: {
        clientId: AKS_CLIENT_APP_ID,
        authority: `${sim.endpoints.authority}/${sim.endpoints.tenantId}`,
        knownAuthorities: [new URL(sim.endpoints.authority).host],
      },
    })
    let code = ''
    const pending = app.acquireTokenByDeviceCode({
      scopes: [`${AKS_SERVER_APP_ID}/.default`],
      deviceCodeCallback: (r) => void (code = r.userCode),
    })
    await poll(() => code).not.toBe('')
    await page.getByRole('link', { name: 'Host controls' }).click()
    const approve = page.getByRole('button', { name: `Approve ${code}` })
    await poll(() => approve.isVisible()).toBe(true)
    await page.getByLabel(`Sign in code ${code} as`).selectOption(DAVE)
    await browser.screenshot('flow-4-controls-pending-login')
    await approve.click()
    expect((await pending)!.account!.username).toBe(DAVE)
    await page.getByRole('button', { name: 'Rotate keys' }).click()
    await poll(() => page.getByRole('status').first().textContent()).toContain(
      'Rotate the signing keys: done',
    )

    await page.getByRole('link', { name: 'Live flow' }).click()
    const rotated = flowItem('Signing keys rotated')
    await expand(rotated)
    expect(await step(rotated, 6).locator('.step-summary').textContent()).toContain(sim.keys().current)
    const signIn = flowItem(`(code ${code})`)
    await expand(signIn)
    expect(await step(signIn, 1).locator('.step-summary').textContent()).toBe(`approved by ${DAVE}`)
    expect(await signIn.getAttribute('data-outcome')).toBe('allowed')
    await browser.screenshot('flow-5-host-actions')
    expect(browser.errors).toEqual([])
  })
})
