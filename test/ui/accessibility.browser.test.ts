/**
 * Accessibility checks in chromium on every page of the UI and on the device login page: every form
 * control has a label, every button a name, text meets WCAG AA contrast (4.5:1) against its actual
 * background, and the pages work from the keyboard alone.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { callWebhook, tokenReview } from '../helpers/webhook.js'
import { openBrowser, poll, type TestBrowser } from './browser.js'

let sim: Simulator
let browser: TestBrowser
let page: Page

beforeAll(async () => {
  sim = await startTestSimulator()
  browser = await openBrowser()
  page = browser.page
  // Something in every state the flow view draws.
  await callWebhook(sim, '/tokenreviews', tokenReview(await deviceCodeToken(sim, BOB)))
  await callWebhook(sim, '/tokenreviews', tokenReview('not-a-token'))
})
afterAll(async () => {
  await browser?.close()
  await sim?.stop()
})

/** Controls without a label, buttons without a name, and text below 4.5:1, among visible elements. */
function audit(p: Page) {
  return p.evaluate(() => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect()
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
    }
    const unlabelled = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter(visible)
      .filter((el) => {
        const c = el as HTMLInputElement
        return !(c.labels?.length || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby'))
      })
      .map((el) => el.outerHTML.slice(0, 80))
    const nameless = [...document.querySelectorAll('button, a[href]')]
      .filter(visible)
      .filter((el) => !(el.textContent ?? '').trim() && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML.slice(0, 80))
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number)
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!)
    }
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor)
        if (c.length === 3 || (c.length === 4 && c[3]! > 0)) return c.slice(0, 3)
      }
      return [255, 255, 255]
    }
    const lowContrast: string[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      if (!el || !(n.textContent ?? '').trim() || !visible(el)) continue
      const fg = lum(rgb(getComputedStyle(el).color))
      const bg = lum(background(el))
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05)
      if (ratio < 4.5)
        lowContrast.push(
          `${ratio.toFixed(2)} ${el.tagName}.${el.className}: ${n.textContent!.trim().slice(0, 40)}`,
        )
    }
    return { unlabelled, nameless, lowContrast }
  })
}

describe('accessibility', () => {
  it('labels every control and meets AA contrast on every page', async () => {
    await page.goto(`${String(sim.endpoints.ui)}/#flow`)
    await poll(() => page.locator('#flow-list > li').count()).toBeGreaterThan(2)
    // Open every flow so steps, facts and badges are all on screen.
    for (const summary of await page.locator('details.flow > summary').all()) await summary.click()
    for (const hash of ['#flow', '#explorer', '#controls']) {
      await page.goto(`${String(sim.endpoints.ui)}/${hash}`)
      await page.waitForLoadState('networkidle')
      if (hash === '#flow')
        for (const s of await page.locator('details.flow > summary').all()) await s.click()
      if (hash === '#explorer') {
        await page.locator('#page-explorer').getByRole('button', { name: 'Check access' }).click()
        await page.locator('#access-result section.answer').waitFor()
      }
      expect(await audit(page), hash).toEqual({ unlabelled: [], nameless: [], lowContrast: [] })
    }
    await page.goto(`${String(sim.endpoints.ui)}/devicelogin`)
    await page.getByLabel('Code').fill('WRONGCODE')
    await page.keyboard.press('Enter')
    await page.getByRole('alert').waitFor()
    expect(await audit(page), 'device login').toEqual({ unlabelled: [], nameless: [], lowContrast: [] })
    expect(browser.errors).toEqual([])
  })

  it('works from the keyboard: skip link, page tabs, the access check', async () => {
    await page.goto(`${String(sim.endpoints.ui)}/#flow`)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    let guard = 0
    while (
      (await page.evaluate(() => document.activeElement?.textContent)) !== 'Access explorer' &&
      guard++ < 20
    )
      await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await poll(() => page.locator('#page-explorer').isVisible()).toBe(true)
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Access explorer')
    // From the user field to the Check access button with Tab alone, then Enter.
    await page.locator('#page-explorer').getByLabel('User', { exact: true }).focus()
    guard = 0
    while (
      (await page.evaluate(() => document.activeElement?.textContent)) !== 'Check access' &&
      guard++ < 20
    )
      await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await poll(() => page.locator('#access-result section.answer h2 .badge').textContent()).toMatch(
      /Allowed|Forbidden/,
    )
    await browser.screenshot('accessibility-keyboard-check')
    expect(browser.errors).toEqual([])
  })
})
