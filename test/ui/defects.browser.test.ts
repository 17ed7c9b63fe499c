/**
 * Issue 18's UI defects, as a person sees them in chromium: no empty status bar; no default user for
 * Approve; nested group members in the Access explorer; an abandoned device code shown expired after
 * +1 h; ARM's credential read badged Read with its caller; a failing webhook's step 5 failed with the
 * total time and 5 attempts; a refused request found by the user filter, marked unverified; a request
 * answered from the token cache linking to the hidden discovery request that made the TokenReview.
 */
import { PublicClientApplication } from '@azure/msal-node'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { armToken } from '../client/helpers.js'
import { API, CLUSTER_PATH, arm } from '../arm/helpers.js'
import { kubectlIt } from '../helpers/kubectl.js'
import { BOB, DAVE, startTestSimulator } from '../helpers/sim.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { openBrowser, poll, type TestBrowser } from './browser.js'
import { kubectlAs } from './kubectl.js'

const itK = kubectlIt()

let sim: Simulator
let browser: TestBrowser
let page: Page

beforeAll(async () => {
  sim = await startTestSimulator()
  browser = await openBrowser()
  page = browser.page
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
const stepNumbers = (flow: Locator) =>
  flow.locator('li.step').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step'))))

/** A device-code sign-in nobody answers; its polling ends with expired_token. */
async function abandonedSignIn() {
  const app = new PublicClientApplication({
    auth: {
      clientId: AKS_CLIENT_APP_ID,
      authority: `${sim.endpoints.authority}/${sim.endpoints.tenantId}`,
      knownAuthorities: [new URL(sim.endpoints.authority).host],
    },
  })
  let code = ''
  const result = app.acquireTokenByDeviceCode({
    scopes: [`${AKS_SERVER_APP_ID}/.default`],
    deviceCodeCallback: (r) => void (code = r.userCode),
  })
  result.catch(() => undefined)
  await poll(() => code).not.toBe('')
  return { code, result }
}

describe('issue 18 UI defects', () => {
  it('f: the Access explorer lists the members all-employees has through nested groups', async () => {
    await page.goto(`${String(sim.endpoints.ui)}/#explorer`)
    const group = page
      .locator('#page-explorer ul.tree li')
      .filter({ has: page.locator(':scope > strong', { hasText: /^all-employees$/ }) })
      .first()
    await poll(() => group.count()).toBe(1)
    const members = group.locator(':scope > .members')
    await poll(() => members.count()).toBe(2)
    expect(await members.first().textContent()).toContain('nested groups: engineering')
    const nested = (await members.nth(1).textContent())!
    expect(nested).toMatch(/^Members through nested groups \(transitive\): /)
    expect(nested).toContain(`${BOB} (via engineering)`)
    await group.scrollIntoViewIfNeeded()
    await browser.screenshot('defects-3-nested-members')
    expect(browser.errors).toEqual([])
  })

  it("g: ARM's listClusterUserCredential is badged Read, with the caller", async () => {
    await page.goto(`${String(sim.endpoints.ui)}/#flow`)
    await page.locator('#live-state', { hasText: 'live' }).waitFor()
    const token = await armToken(sim, BOB)
    const res = await arm(sim, 'POST', `${CLUSTER_PATH}/listClusterUserCredential?${API}`, { token })
    expect(res.status).toBe(200)
    const flow = flowItem(/listClusterUserCredential/)
    await poll(() => flow.count()).toBe(1)
    expect(await flow.locator('.badge').first().textContent()).toBe('Read')
    expect(await flow.locator('.flow-user').textContent()).toBe(BOB)
    await expand(flow)
    expect(await flow.locator('.decision').textContent()).toContain(
      'listClusterUserCredential (POST action, a read): HTTP 200',
    )
    expect(browser.errors).toEqual([])
  })

  it('b: with Graph failing, step 5 shows the webhook call failed with the total time and 5 attempts', async () => {
    await page.goto(`${String(sim.endpoints.ui)}/#flow`)
    await page.locator('#live-state', { hasText: 'live' }).waitFor()
    const token = await deviceCodeToken(sim, DAVE) // dave's groups overflow: the webhook asks Graph
    sim.faults.set('graph.getMemberGroups', { status: 503 })
    try {
      const res = await fetch(`${String(sim.endpoints.apiServer)}/api/v1/namespaces/dev/pods`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(res.status).toBe(401)
    } finally {
      sim.faults.clear('graph.getMemberGroups')
    }
    const flow = page
      .locator('#flow-list > li[data-kind="kubectl"][data-outcome="unauthorized"]')
      .filter({ has: page.locator('.flow-title', { hasText: /^list pods -n dev$/ }) })
    await expand(flow)
    expect(await stepNumbers(flow)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    const five = step(flow, 5)
    expect(await five.locator('.state').textContent()).toContain('failed')
    expect(await five.locator('.step-summary').textContent()).toMatch(
      /^the webhook call failed: HTTP 500 on each of 5 attempts \(kube-apiserver retries with backoff\), \d+ ms in all$/,
    )
    // The step's time is the call's total (all attempts), not one attempt's few milliseconds.
    const total = (await five.locator('.duration').textContent())!
    expect(total).toMatch(/^\d+(\.\d+)? s$/)
    expect(await five.textContent()).toContain('attempt 5')
    expect(await step(flow, 7).locator('.state').textContent()).toContain('failed')
    expect(await step(flow, 8).locator('.state').textContent()).toContain('not reached')
    // The refusal is filed under dave, whom the webhook identified before Graph failed.
    expect(await flow.locator('.flow-user').textContent()).toBe(DAVE)
    await browser.screenshot('defects-4-webhook-failing')
    expect(browser.errors).toEqual([])
  })

  itK(
    'c, d: a forged token is filed under its claimed user (unverified); the cached steps link to the discovery request',
    async () => {
      await page.goto(`${String(sim.endpoints.ui)}/#flow`)
      await page.locator('#live-state', { hasText: 'live' }).waitFor()
      const token = await deviceCodeToken(sim, BOB)

      // d: kubectl discovers the API first (hidden by default); that request made the TokenReview.
      const run = await kubectlAs(sim, token)('get', 'pods', '-n', 'dev')
      expect(run.code).toBe(0)
      const visible = page
        .locator('#flow-list > li:not([hidden])')
        .filter({ has: page.locator('.flow-title', { hasText: /^list pods -n dev$/ }) })
        .first()
      await poll(() => visible.count()).toBe(1)
      await visible.locator('details.flow > summary').click()
      const five = step(visible, 5)
      expect(await five.locator('.state').textContent()).toContain('cached')
      const link = five.locator('.step-ref a')
      const refTitle = (await link.textContent())!.replace('Show the request: ', '')
      expect(refTitle).toMatch(/^GET \/(api|apis|version)\b/)
      expect(await five.locator('.step-ref').textContent()).toContain('hidden by the filters')
      expect(await five.locator('.step-reason').textContent()).toBe(
        `answered from cache on request "${refTitle}", which made the TokenReview`,
      )
      const refId = (await link.getAttribute('data-ref'))!
      const target = page.locator(`#flow-${refId}`)
      expect(await target.isHidden()).toBe(true)
      await link.click()
      await poll(() => target.isVisible()).toBe(true)
      expect(await target.locator('details.flow').getAttribute('open')).not.toBeNull()
      expect(await step(target, 5).locator('.state').textContent()).toContain('done')
      await browser.screenshot('defects-5-cached-link')

      // c: the same token with a broken signature: refused, yet found under bob, marked unverified.
      const [header, payload, signature] = token.split('.')
      const forged = `${header}.${payload}.${signature!.slice(0, -6)}AAAAAA`
      const refused = await kubectlAs(sim, forged)('get', 'pods', '-n', 'dev')
      expect(refused.code).toBe(1)
      await page.locator('#page-flow').getByLabel('User', { exact: true }).selectOption(BOB)
      await page.locator('#page-flow').getByLabel('Outcome').selectOption('unauthorized')
      const rows = page.locator('#flow-list > li:not([hidden])[data-kind="kubectl"]')
      await poll(() => rows.count()).toBeGreaterThan(0)
      expect(new Set(await rows.locator('.flow-user').allTextContents())).toEqual(
        new Set([`${BOB} (unverified)`]),
      )
      expect(await rows.first().locator('.flow-user').getAttribute('title')).toContain('unverified')
      await browser.screenshot('defects-6-unverified-user')
      await page.locator('#page-flow').getByLabel('User', { exact: true }).selectOption('')
      await page.locator('#page-flow').getByLabel('Outcome').selectOption('')
      expect(browser.errors).toEqual([])
    },
  )

  // Last: it moves the simulator clock an hour on, past the tokens other clients check against real time.
  it('j, m, h: no empty status bar; Approve has no default user; an abandoned code expires after +1 h', async () => {
    await page.goto(`${String(sim.endpoints.ui)}/#flow`)
    await page.locator('#live-state', { hasText: 'live' }).waitFor()
    // j: the status line takes no room until it has something to say.
    expect(await page.locator('#status').isVisible()).toBe(false)
    expect(await page.locator('#status').evaluate((el) => el.getBoundingClientRect().height)).toBe(0)

    const { code, result } = await abandonedSignIn()
    await page.getByRole('link', { name: 'Host controls' }).click()
    const approve = page.getByRole('button', { name: `Approve ${code}` })
    await poll(() => approve.isVisible()).toBe(true)
    // m: nobody is chosen, and Approve waits for a choice.
    const who = page.getByLabel(`Sign in code ${code} as`)
    expect(await who.inputValue()).toBe('')
    expect(await approve.isDisabled()).toBe(true)
    await who.selectOption(BOB)
    expect(await approve.isDisabled()).toBe(false)
    await who.selectOption('')
    expect(await approve.isDisabled()).toBe(true)
    await browser.screenshot('defects-1-approve-no-default')
    await page.getByRole('button', { name: '+1 hour' }).click()
    // j: the status line shows once it has content.
    await poll(() => page.locator('#status').textContent()).toContain('Advance the clock by 3600 s: done')
    expect(await page.locator('#status').isVisible()).toBe(true)

    // h: the code is not "Pending" any more: it expired on the simulator clock.
    await page.getByRole('link', { name: 'Live flow' }).click()
    const signIn = flowItem(`(code ${code})`)
    await poll(() => signIn.getAttribute('data-outcome')).toBe('unauthorized')
    await expand(signIn)
    expect(await signIn.locator('.flow-reason').textContent()).toMatch(
      /^expired_token: the code expired at \d\d:\d\d:\d\d \(simulator clock\) without anyone entering it$/,
    )
    expect(await signIn.locator('.badge').first().textContent()).not.toBe('Pending')
    expect(await stepNumbers(signIn)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(await step(signIn, 3).locator('.state').textContent()).toContain('not reached')
    await page.locator('#page-flow').getByLabel('Outcome').selectOption('pending')
    await poll(() => signIn.isHidden()).toBe(true)
    await page.locator('#page-flow').getByLabel('Outcome').selectOption('')
    await browser.screenshot('defects-2-expired-code')
    await expect(result).rejects.toMatchObject({ errorMessage: 'expired_token' })
    expect(browser.errors).toEqual([])
  })
})
