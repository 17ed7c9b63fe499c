import { PublicClientApplication } from '@azure/msal-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, DEMO_PASSWORD, type Simulator } from '../../src/index.js'
import { post, urls } from '../helpers/entra.js'
import { adminFetch, BOB, ERIN, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

const page = (path: string, form: Record<string, string>) => post(`${sim.endpoints.authority}${path}`, form)

describe('device login page', () => {
  it('completes an msal-node sign-in through the page with the scenario password', async () => {
    const app = new PublicClientApplication({
      auth: {
        clientId: AKS_CLIENT_APP_ID,
        authority: `${sim.endpoints.authority}/${sim.endpoints.tenantId}`,
        knownAuthorities: [new URL(sim.endpoints.authority).host],
      },
    })
    let userCode = ''
    const pending = app.acquireTokenByDeviceCode({
      scopes: [`${AKS_SERVER_APP_ID}/.default`],
      deviceCodeCallback: (r) => void (userCode = r.userCode),
    })
    await expect.poll(() => userCode).not.toBe('')
    const form = await fetch(sim.endpoints.deviceLogin)
    expect(form.status).toBe(200)
    expect(await form.text()).toContain('<label for="otc">Code</label>')
    const pick = await page('/devicelogin', { otc: userCode.toLowerCase() })
    expect(pick.status).toBe(200)
    expect(pick.body).toContain('Azure Kubernetes Service AAD Client')
    expect(pick.body).toContain('Azure Kubernetes Service AAD Server')
    const wrong = await page('/devicelogin/decide', {
      otc: userCode,
      user: BOB,
      password: 'nope',
      decision: 'approve',
    })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toContain('Your account or password is incorrect.')
    const done = await page('/devicelogin/decide', {
      otc: userCode,
      user: BOB,
      password: DEMO_PASSWORD,
      decision: 'approve',
    })
    expect(done.status).toBe(200)
    expect(done.body).toContain('You have signed in to the application on your device.')
    const result = await pending
    expect(result!.account!.username).toBe(BOB)
  })

  it('shows the real messages for unknown, used and expired codes, and for a disabled account', async () => {
    const bad = await page('/devicelogin', { otc: 'NOPE12345' })
    expect(bad.status).toBe(400)
    expect(bad.body).toContain('That code didn&#39;t work. Check the code and try again.')
    const u = urls(sim)
    const start = (
      await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: `${AKS_SERVER_APP_ID}/.default` })
    ).body
    const disabled = await page('/devicelogin/decide', {
      otc: start.user_code,
      user: ERIN,
      decision: 'approve',
    })
    expect(disabled.body).toContain('AADSTS50057')
    const used = await page('/devicelogin', { otc: start.user_code })
    expect(used.body).toContain('That code didn&#39;t work.')
    const late = (
      await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: `${AKS_SERVER_APP_ID}/.default` })
    ).body
    sim.advanceClock(901)
    const expired = await page('/devicelogin/decide', { otc: late.user_code, user: BOB, decision: 'approve' })
    expect(expired.status).toBe(410)
    expect(expired.body).toContain('That code has expired.')
  })

  it('asks for the password of an account picked from the list, and keeps the username after a wrong password (issue 18)', async () => {
    const u = urls(sim)
    const start = (
      await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: `${AKS_SERVER_APP_ID}/.default` })
    ).body
    const bob = sim.directory.user(BOB)!
    const picked = await page('/devicelogin/account', { otc: start.user_code, user: bob.id })
    expect(picked.status).toBe(200)
    expect(picked.body).toContain('<title>Enter password</title>')
    expect(picked.body).toContain(BOB)
    expect(picked.body).not.toContain('Are you trying to sign in')
    const wrongPick = await page('/devicelogin/account', {
      otc: start.user_code,
      user: BOB,
      picked: 'list',
      password: 'nope',
    })
    expect(wrongPick.status).toBe(401)
    expect(wrongPick.body).toContain('<title>Enter password</title>')
    expect(wrongPick.body).toContain('Your account or password is incorrect.')
    const typed = await page('/devicelogin/account', { otc: start.user_code, user: BOB, password: 'nope' })
    expect(typed.status).toBe(401)
    expect(typed.body).toContain(`name="user" value="${BOB}"`)
    const right = await page('/devicelogin/account', {
      otc: start.user_code,
      user: BOB,
      picked: 'list',
      password: DEMO_PASSWORD,
    })
    expect(right.body).toContain('Are you trying to sign in to Azure Kubernetes Service AAD Client?')
  })

  it("titles erin's page as the disabled account it is (AADSTS50057, not locked)", async () => {
    const u = urls(sim)
    const start = (
      await post(u.devicecode, { client_id: AKS_CLIENT_APP_ID, scope: `${AKS_SERVER_APP_ID}/.default` })
    ).body
    const res = await page('/devicelogin/account', {
      otc: start.user_code,
      user: ERIN,
      password: DEMO_PASSWORD,
    })
    expect(res.body).toContain('<title>Account disabled</title>')
    expect(res.body).toContain('<h1>Your account has been disabled</h1>')
    expect(res.body).not.toMatch(/locked/i)
    // The client's poll is refused; the device-code list says refused with the AADSTS reason, not redeemed.
    const poll = await post(u.token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: AKS_CLIENT_APP_ID,
      device_code: start.device_code,
    })
    expect(poll.status).toBe(400)
    expect(poll.body.error_codes).toEqual([50057])
    const listed = await adminFetch(sim, '/device-codes')
    const erin = ((await listed.json()) as { value: Record<string, unknown>[] }).value.find(
      (c) => c.userCode === start.user_code,
    )
    expect(erin).toMatchObject({
      state: 'refused',
      user: ERIN,
      reason: 'invalid_grant AADSTS50057: The user account is disabled.',
    })
  })

  it('escapes what it echoes', async () => {
    const res = await page('/devicelogin', { otc: '<script>alert(1)</script>' })
    expect(res.body).not.toContain('<script>alert(1)</script>')
    expect(res.body).toContain('&#60;script&#62;')
  })
})
