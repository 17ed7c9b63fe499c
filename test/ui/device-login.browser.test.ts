/**
 * The device login page in a real browser while a real client (@azure/msal-node, kubelogin's client
 * and scope) polls: the verification_uri it is given is the UI's page; entering the code, signing in
 * with the scenario password and continuing completes its sign-in; Cancel declines it; wrong,
 * expired and disabled cases show the page's messages.
 */
import { PublicClientApplication } from '@azure/msal-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, DEMO_PASSWORD, type Simulator } from '../../src/index.js'
import { BOB, ERIN, startTestSimulator } from '../helpers/sim.js'
import { openBrowser, poll, type TestBrowser } from './browser.js'

let sim: Simulator
let browser: TestBrowser

beforeAll(async () => {
  sim = await startTestSimulator()
  browser = await openBrowser()
})
afterAll(async () => {
  await browser?.close()
  await sim?.stop()
})

/** Starts a kubelogin-like device-code sign-in; resolves once the client has printed its message. */
async function startSignIn() {
  const app = new PublicClientApplication({
    auth: {
      clientId: AKS_CLIENT_APP_ID,
      authority: `${sim.endpoints.authority}/${sim.endpoints.tenantId}`,
      knownAuthorities: [new URL(sim.endpoints.authority).host],
    },
  })
  let info: { userCode: string; verificationUri: string; message: string } | undefined
  const result = app.acquireTokenByDeviceCode({
    scopes: [`${AKS_SERVER_APP_ID}/.default`],
    deviceCodeCallback: (r) => void (info = r),
  })
  // Keep an early rejection from being unhandled while the page is driven.
  result.catch(() => undefined)
  await poll(() => info).toBeDefined()
  return { result, ...info! }
}

describe('device login page (the verification_uri) in chromium', () => {
  it('completes a polling msal-node sign-in with the scenario password', async () => {
    const { page } = browser
    const { result, userCode, verificationUri, message } = await startSignIn()
    expect(verificationUri).toBe(`${String(sim.endpoints.ui)}/devicelogin`)
    expect(message).toContain(verificationUri)

    await page.goto(verificationUri)
    await poll(() => page.title()).toBe('Enter code')
    await page.getByLabel('Code').fill(userCode.toLowerCase())
    await browser.screenshot('device-login-1-enter-code')
    await page.getByRole('button', { name: 'Next' }).click()

    await poll(() => page.getByRole('heading', { name: 'Pick an account' }).isVisible()).toBe(true)
    expect(await page.textContent('main')).toContain('Azure Kubernetes Service AAD Server')
    await page.getByLabel('Email, phone, or Skype').fill(BOB)
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await poll(() => page.getByRole('alert').textContent()).toBe(
      "Your account or password is incorrect. If you don't remember your password, reset it now.",
    )
    // The username stays, as on Entra's page (issue 18); only the password is typed again.
    expect(await page.getByLabel('Email, phone, or Skype').inputValue()).toBe(BOB)
    await page.getByLabel('Password').fill(DEMO_PASSWORD)
    await browser.screenshot('device-login-2-account')
    await page.getByRole('button', { name: 'Sign in' }).click()

    const confirm = page.getByRole('heading', {
      name: 'Are you trying to sign in to Azure Kubernetes Service AAD Client?',
    })
    await poll(() => confirm.isVisible()).toBe(true)
    const facts = await page.textContent('dl')
    expect(facts).toContain(AKS_CLIENT_APP_ID)
    expect(facts).toContain(AKS_SERVER_APP_ID)
    expect(facts).toContain('user.read')
    await browser.screenshot('device-login-3-confirm')
    await page.getByRole('button', { name: 'Continue' }).click()

    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('You have signed in to the application on your device. You may now close this window.')
    await browser.screenshot('device-login-4-signed-in')
    const token = await result
    expect(token!.account!.username).toBe(BOB)
    expect(browser.errors).toEqual([])
  })

  it('picks an account from the list and declines: the client gets authorization_declined', async () => {
    const { page } = browser
    const { result, userCode, verificationUri } = await startSignIn()
    await page.goto(verificationUri)
    await page.getByLabel('Code').fill(userCode)
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: /Bob Builder/ }).click()
    // An account picked from the list asks for its password (Entra does, with no session): issue 18.
    await poll(() => page.title()).toBe('Enter password')
    expect(await page.locator('#account').textContent()).toBe(BOB)
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await poll(() => page.getByRole('alert').textContent()).toBe(
      "Your account or password is incorrect. If you don't remember your password, reset it now.",
    )
    await page.getByLabel('Password').fill(DEMO_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('button', { name: 'Cancel' }).click()
    await poll(() => page.getByRole('heading', { name: 'Sign-in canceled' }).isVisible()).toBe(true)
    // msal-node reports any polling error other than authorization_pending as post_request_failed.
    await expect(result).rejects.toMatchObject({
      errorCode: 'post_request_failed',
      errorMessage: 'authorization_declined',
    })
    expect(browser.errors).toEqual([])
  })

  it('shows the page messages for a wrong code, a disabled account and an expired code', async () => {
    const { page } = browser
    await page.goto(`${String(sim.endpoints.ui)}/devicelogin`)
    await page.getByLabel('Code').fill('NOTACODE1')
    await page.getByRole('button', { name: 'Next' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe("That code didn't work. Check the code and try again.")
    expect(await page.getByLabel('Code').getAttribute('aria-invalid')).toBe('true')
    await browser.screenshot('device-login-5-wrong-code')

    const disabled = await startSignIn()
    await page.getByLabel('Code').fill(disabled.userCode)
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByRole('button', { name: /Erin Former/ }).click()
    await page.getByLabel('Password').fill(DEMO_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Your account has been disabled. Contact your administrator. (AADSTS50057)')
    // Title, heading and text agree: disabled, not locked (issue 18).
    expect(await page.title()).toBe('Account disabled')
    expect(await page.getByRole('heading').textContent()).toBe('Your account has been disabled')
    await browser.screenshot('device-login-6-disabled')
    // The client's next poll is refused as for a disabled account.
    await expect(disabled.result).rejects.toMatchObject({
      errorCode: 'post_request_failed',
      errorMessage: 'invalid_grant',
    })
    expect(sim.directory.user(ERIN)!.accountEnabled).toBe(false)

    const late = await startSignIn()
    sim.advanceClock(901)
    await page.goto(`${String(sim.endpoints.ui)}/devicelogin`)
    await page.getByLabel('Code').fill(late.userCode)
    await page.getByRole('button', { name: 'Next' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('That code has expired. Go back to the app and request a new code.')
    await browser.screenshot('device-login-7-expired')
    await expect(late.result).rejects.toMatchObject({
      errorCode: 'post_request_failed',
      errorMessage: 'expired_token',
    })
    expect(browser.errors).toEqual([])
  })
})
