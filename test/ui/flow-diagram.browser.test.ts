/**
 * The picture of the flow in chromium at a projector's 1280 × 720: real kubectl requests (allowed,
 * Forbidden, and dave's with Microsoft Graph failing) light the numbered arrows of the AKS sign-in in
 * the state each step ended in, with the step's reason on hover and on click or keyboard; a request
 * made while the page is open lights up on the picture as it arrives. Screenshots go to a temp
 * directory (DIAGRAM_SCREENSHOTS names another) and are meant to be looked at.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { BOB, DAVE, startTestSimulator } from '../helpers/sim.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { kubectl as kubectlWith, kubectlIt, tokenKubeconfig } from '../helpers/kubectl.js'
import { runIdentityClient } from '../pod-identity/helpers.js'
import { openBrowser, poll, type TestBrowser } from './browser.js'
import { kubectlAs } from './kubectl.js'

const itK = kubectlIt()
const SHOTS = process.env.DIAGRAM_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'aks-auth-sim-diagram-'))

let sim: Simulator
let browser: TestBrowser
let page: Page

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  sim = await startTestSimulator()
  browser = await openBrowser()
  page = browser.page
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto(`${String(sim.endpoints.ui)}/#flow`)
  await page.locator('#live-state', { hasText: 'live' }).waitFor()
})
afterAll(async () => {
  await browser?.close()
  await sim?.stop()
})

const diagram = () => page.locator('#flow-diagram')
const arrow = (n: number): Locator => diagram().locator(`g.arrow[data-step="${n}"]`)
/** The arrow's numbered circle: where a person points and clicks. */
const number = (n: number): Locator => arrow(n).locator('circle.num')
const flowItem = (title: string | RegExp): Locator =>
  page.locator('#flow-list > li').filter({ has: page.locator('.flow-title', { hasText: title }) })

/** Every arrow's state on the picture, step number → state. */
const states = () =>
  diagram()
    .locator('g.arrow')
    .evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [Number(e.getAttribute('data-step')), e.getAttribute('data-state')])),
    )

/** Opens a flow of the list: the picture shows it (and stops following). */
async function select(flow: Locator) {
  await poll(() => flow.count()).toBe(1)
  const id = (await flow.getAttribute('id'))!.replace(/^flow-/, '')
  if ((await flow.locator('details.flow').getAttribute('open')) === null)
    await flow.locator('details.flow > summary').click()
  await poll(() => diagram().getAttribute('data-flow')).toBe(id)
  return id
}

async function shot(name: string) {
  await page.locator('#flow-diagram').scrollIntoViewIfNeeded()
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

describe('the picture of the flow', () => {
  itK('lights an allowed and a Forbidden kubectl request, with the reason on hover and click', async () => {
    const kubectl = kubectlAs(sim, await deviceCodeToken(sim, BOB))
    expect((await kubectl('get', 'pods', '-n', 'dev')).code).toBe(0)
    const allowedId = await select(flowItem(/^list pods -n dev$/))
    expect(await diagram().getAttribute('data-picture')).toBe('aks')
    const allowed = await states()
    expect(Object.keys(allowed).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    // The sign-in came before; kubectl took the token from its kubeconfig (not seen by the simulator).
    expect(allowed).toMatchObject({ 1: 'ok', 2: 'ok', 4: 'ok', 9: 'ok', 10: 'ok', 11: 'ok' })
    expect(['ok', 'cached']).toContain(allowed[5])
    expect(Object.values(allowed)).not.toContain('failed')
    await number(9).hover()
    await poll(() => page.locator('#diagram-detail').textContent()).toContain('RBAC: allowed by RoleBinding')
    await shot('diagram-1-allowed')

    const denied = await kubectl('get', 'pods', '-n', 'prod')
    expect(denied.code).toBe(1)
    // Following is off: the picture stays on the flow it shows until another is opened.
    expect(await diagram().getAttribute('data-flow')).toBe(allowedId)
    await select(flowItem(/^list pods -n prod$/))
    expect(await states()).toMatchObject({ 4: 'ok', 9: 'failed', 10: 'failed', 11: 'failed' })
    // A click (or Enter on the focused arrow) pins the step's reason, and its accessible name says it.
    await number(9).click()
    expect(await arrow(9).getAttribute('aria-pressed')).toBe('true')
    await page.mouse.move(5, 5)
    const reason =
      'Deny by Webhook — User does not have access to the resource in Azure. Update role assignment to allow access.'
    await poll(() => page.locator('#diagram-detail').textContent()).toContain(reason)
    expect(await arrow(9).getAttribute('aria-label')).toBe('Step 9: failed')
    expect(await arrow(9).locator('title').textContent()).toMatch(
      /^Step 9, Authorization: .*: failed — Deny by Webhook/,
    )
    await arrow(11).focus()
    await page.keyboard.press('Enter')
    expect(await arrow(11).getAttribute('aria-pressed')).toBe('true')
    expect(await arrow(9).getAttribute('aria-pressed')).toBe('false')
    await poll(() => page.locator('#diagram-detail').textContent()).toContain(
      'Error from server (Forbidden): pods is forbidden',
    )
    await page.getByRole('button', { name: 'Step 9: failed' }).focus()
    await page.keyboard.press(' ')
    expect(await arrow(9).getAttribute('aria-pressed')).toBe('true')
    await shot('diagram-2-forbidden')
    expect(browser.errors).toEqual([])
  })

  itK("lights the failed Graph step of dave's request (groups overage) while Graph fails", async () => {
    const kubectl = kubectlAs(sim, await deviceCodeToken(sim, DAVE))
    sim.faults.set('graph.*', { status: 503 })
    try {
      // One request (no discovery first): kube-apiserver retries the failing webhook, then refuses it.
      const run = await kubectl('get', '--raw', '/api/v1/namespaces/dev/pods')
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('Unauthorized')
    } finally {
      sim.faults.clear()
    }
    const flow = page.locator('#flow-list > li[data-kind="kubectl"][data-outcome="unauthorized"]').first()
    await select(flow)
    expect(await flow.locator('.flow-reason').textContent()).toContain('getMemberGroups')
    const lit = await states()
    expect(lit).toMatchObject({ 4: 'ok', 7: 'failed', 10: 'failed', 11: 'failed' })
    // Nothing after the failed authentication was authorized.
    expect(lit[9]).not.toBe('ok')
    await number(7).click()
    await poll(() => page.locator('#diagram-detail').textContent()).toMatch(/^Step 7, .*: failed — /)
    await shot('diagram-3-graph-fault')
    expect(browser.errors).toEqual([])
  })

  itK(
    'follows new requests live: a request made while the page is open lights up as it arrives',
    async () => {
      await page.getByLabel('Follow new requests').check()
      const kubectl = kubectlAs(sim, await deviceCodeToken(sim, BOB))
      expect((await kubectl('get', 'configmaps', '-n', 'dev')).code).toBe(0)
      const flow = flowItem(/^list configmaps -n dev$/)
      await poll(() => flow.count()).toBe(1)
      const id = (await flow.getAttribute('id'))!.replace(/^flow-/, '')
      await poll(() => diagram().getAttribute('data-flow')).toBe(id)
      expect(await flow.getAttribute('aria-current')).toBe('true')
      expect(await states()).toMatchObject({ 4: 'ok', 9: 'ok', 10: 'ok', 11: 'ok' })
      // The steps this request changed on the picture light up in order (animated).
      expect(await arrow(9).getAttribute('class')).toBe('arrow lit enter')
      await shot('diagram-4-live')
      expect(browser.errors).toEqual([])
    },
  )
})

describe('the pictures of the pod identities and the registry pull', () => {
  it('draws a workload identity exchange and an IMDS managed-identity token on their own pictures', async () => {
    await page.getByLabel('Follow new requests').check()
    const env = await sim.podIdentity.pods.environment('dev', 'orders-api-0')
    const r = await runIdentityClient('workload', env)
    expect(r.ok, r.message).toBe(true)
    const wi = page.locator('#flow-list > li[data-kind="workload-identity"]').first()
    await select(wi)
    expect(await diagram().getAttribute('data-picture')).toBe('workload-identity')
    // The kubelet projected the token when the pod started; the exchange went through.
    expect(await states()).toEqual({ 1: 'ok', 2: 'ok', 3: 'ok', 4: 'ok', 5: 'ok', 6: 'ok' })
    await number(4).hover()
    await poll(() => page.locator('#diagram-detail').textContent()).toMatch(
      /^Step 4, Entra ID matches a federated credential: issuer, subject, audience: done — federated credential/,
    )
    // The step list names the picture's steps, not the AKS sign-in's.
    expect(await wi.locator('li.step[data-step="3"] .step-title').textContent()).toBe(
      'The pod sends the token to Entra ID as a client assertion',
    )
    await shot('diagram-5-workload-identity')

    await sim.podIdentity.pods.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'plain-0', namespace: 'dev' },
      spec: { containers: [{ name: 'app', image: 'x' }] },
    })
    // A pod without workload identity: only IMDS, for the identity it names.
    const plainEnv = await sim.podIdentity.pods.environment('dev', 'plain-0')
    const mi = await runIdentityClient('managed', {
      ...plainEnv,
      TEST_MI_CLIENT_ID: DEMO_POD_IDENTITY.ordersClientId,
    })
    expect(mi.ok, mi.message).toBe(true)
    await select(page.locator('#flow-list > li[data-kind="managed-identity"]').first())
    expect(await diagram().getAttribute('data-picture')).toBe('managed-identity')
    expect(await states()).toEqual({ 1: 'ok', 2: 'ok', 3: 'ok' })
    await shot('diagram-6-managed-identity')
    expect(browser.errors).toEqual([])
  })

  itK("draws the kubelet's registry pull: refused without AcrPull, pulled with it", async () => {
    const admin = tokenKubeconfig(sim, { token: sim.kube.staticToken.token })
    const registry = sim.endpoints.registries!.find((x) => x.name === 'contosoacr')!
    const image = `${registry.loginServer}/orders/api:1.2.0`
    // The demo kubelet identity holds AcrPull on contosoacr (--attach-acr); take it away first.
    const attached = sim
      .azureRbac!.roleAssignments()
      .find(
        (a) =>
          a.principalId === DEMO_POD_IDENTITY.kubeletPrincipalId.toLowerCase() &&
          a.scope.toLowerCase() === registry.resourceId.toLowerCase(),
      )
    expect(attached).toBeDefined()
    sim.azureRbac!.deleteRoleAssignment(attached!.id)
    expect((await kubectlWith(admin, ['run', 'before', `--image=${image}`, '-n', 'default'])).stderr).toBe('')
    const refused = page
      .locator('#flow-list > li[data-kind="registry-pull"]')
      .filter({ has: page.locator('.flow-title', { hasText: 'for pod default/before' }) })
    await poll(() => refused.getAttribute('data-outcome')).toBe('forbidden')
    await select(refused)
    expect(await diagram().getAttribute('data-picture')).toBe('registry-pull')
    const lit = await states()
    expect(lit).toMatchObject({ 1: 'ok', 2: 'ok', 3: 'ok' })
    expect(Object.values(lit)).toContain('failed')
    expect(Object.values(lit)).not.toContain('not-reached')
    await shot('diagram-7-registry-refused')

    // What `az aks update --attach-acr contosoacr` assigns: AcrPull on the registry to the kubelet identity.
    sim.azureRbac!.createRoleAssignment({
      principalId: DEMO_POD_IDENTITY.kubeletPrincipalId,
      principalType: 'ServicePrincipal',
      roleDefinitionId: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
      scope: registry.resourceId,
    })
    expect((await kubectlWith(admin, ['run', 'orders', `--image=${image}`, '-n', 'default'])).stderr).toBe('')
    const pulled = page
      .locator('#flow-list > li[data-kind="registry-pull"]')
      .filter({ has: page.locator('.flow-title', { hasText: 'for pod default/orders' }) })
    await poll(() => pulled.getAttribute('data-outcome')).toBe('allowed')
    await select(pulled)
    expect(await states()).toEqual({ 1: 'ok', 2: 'ok', 3: 'ok', 4: 'ok', 5: 'ok' })
    await shot('diagram-8-registry-pulled')
    expect(browser.errors).toEqual([])
  })
})
