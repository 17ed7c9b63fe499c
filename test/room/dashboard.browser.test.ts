/**
 * The host dashboard in Chromium (docs/room.md): an attendee signs in on the device login page as a person
 * does (code, user name and password, Continue) and makes a kubectl request; the dashboard, open on the
 * host's screen, shows the row change over the live stream without a reload. The device login page lists no
 * accounts in a room. The attendee sheet page shows every attendee's password on their card, and the demo
 * users' drawn passwords in a host-only section that is not printed.
 */
import { join } from 'node:path'
import { PublicClientApplication } from '@azure/msal-node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { openBrowser, poll, SCREENSHOTS, type TestBrowser } from '../ui/browser.js'

const A1 = 'attendee01@contoso.onmicrosoft.com'
const ALICE = 'alice@contoso.onmicrosoft.com'
let sim: Simulator
let browser: TestBrowser

beforeAll(async () => {
  sim = await startTestSimulator({ room: { attendees: 2 } })
  browser = await openBrowser()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await sim?.stop()
})

it('a sign-in and a request by attendee01 light up their row, live', async () => {
  const ui = String(sim.endpoints.ui)
  const host = browser.page
  await host.goto(`${ui}/room.html`)
  const row = host.locator('tr[data-user="attendee01@contoso.onmicrosoft.com"]')
  const cell = (col: string) => row.locator(`td[data-col="${col}"]`)
  await poll(() => cell('signedIn').getAttribute('data-done')).toBe('no')
  await poll(() => host.locator('#room-live').textContent()).toBe('live')

  // The attendee, in a tab of their own: kubelogin's device code flow, signed in through the page.
  const attendee = await browser.context.newPage()
  const app = new PublicClientApplication({
    auth: {
      clientId: AKS_CLIENT_APP_ID,
      authority: `${sim.endpoints.authority}/${sim.endpoints.tenantId}`,
      knownAuthorities: [new URL(sim.endpoints.authority).host],
    },
  })
  const password = sim.directory.user(A1)!.password!
  const signInPage = { title: '', lists: -1 }
  const result = await app.acquireTokenByDeviceCode({
    scopes: [`${AKS_SERVER_APP_ID}/.default`],
    deviceCodeCallback: (r) =>
      void (async () => {
        await attendee.goto(`${ui}/devicelogin`)
        await attendee.getByLabel('Code').fill(r.userCode)
        await attendee.getByRole('button', { name: 'Next' }).click()
        await attendee.getByLabel('Email, phone, or Skype').fill(A1)
        // No account list in a room: the attendee types their own name (asserted below).
        signInPage.title = await attendee.title()
        signInPage.lists = await attendee.getByRole('list', { name: 'Accounts' }).count()
        await attendee.screenshot({ path: join(SCREENSHOTS, 'room-device-login.png') })
        await attendee.getByLabel('Password').fill(password)
        await attendee.getByRole('button', { name: 'Sign in' }).click()
        await attendee.getByRole('button', { name: 'Continue' }).click()
      })(),
  })
  expect(signInPage).toEqual({ title: 'Sign in', lists: 0 })
  await poll(() => cell('signedIn').getAttribute('data-done')).toBe('yes')
  expect(await cell('firstAllowed').getAttribute('data-done')).toBe('no')

  const list = await fetch(`${String(sim.endpoints.apiServer)}/api/v1/namespaces/attendee01/pods`, {
    headers: { authorization: `Bearer ${result!.accessToken}` },
  })
  expect(list.status).toBe(200)
  await poll(() => cell('firstAllowed').getAttribute('data-done')).toBe('yes')
  expect(await cell('firstAllowed').getAttribute('title')).toBe('list pods -n attendee01')
  const forbidden = await fetch(`${String(sim.endpoints.apiServer)}/api/v1/namespaces/prod/pods`, {
    headers: { authorization: `Bearer ${result!.accessToken}` },
  })
  expect(forbidden.status).toBe(403)
  await poll(() => cell('firstForbidden').getAttribute('data-done')).toBe('yes')
  // attendee02 did nothing.
  const other = host.locator('tr[data-user="attendee02@contoso.onmicrosoft.com"] td[data-col="signedIn"]')
  expect(await other.getAttribute('data-done')).toBe('no')
  await browser.screenshot('room-dashboard')

  await host.goto(`${ui}/attendees.html`)
  await poll(() => host.locator('.sheet-card').count()).toBe(2)
  expect(
    await host.locator('.sheet-card[data-user="attendee01@contoso.onmicrosoft.com"]').textContent(),
  ).toContain(password)
  const alice = sim.directory.user(ALICE)!.password!
  const demo = host.getByRole('region', { name: 'Demo users (host only)' })
  await poll(() => demo.isVisible()).toBe(true)
  expect(await demo.locator('tr', { hasText: ALICE }).textContent()).toContain(alice)
  expect(await host.locator('#sheet').textContent()).not.toContain(alice)
  await browser.screenshot('room-attendee-sheet')
  await host.emulateMedia({ media: 'print' })
  expect(await demo.isVisible()).toBe(false)
  expect(await host.locator('.sheet-card').first().isVisible()).toBe(true)
  await host.emulateMedia({ media: 'screen' })
  expect(browser.errors).toEqual([])
}, 120_000)
