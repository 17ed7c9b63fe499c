/**
 * Debian's chromium driven by playwright-core, for the UI tests. Missing chromium is a failure, not a
 * skip. Every page records console errors and uncaught exceptions; tests assert there were none.
 * Screenshots go to test-results/screenshots/ (the CI artifacts).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { isolatedEnv } from '../helpers/isolation.js'

export const CHROMIUM = '/usr/bin/chromium'
export const SCREENSHOTS = resolve('test-results/screenshots')

export interface TestBrowser {
  context: BrowserContext
  page: Page
  /** Console errors and page errors seen so far, on every page of the context. */
  errors: string[]
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

export async function openBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    )
  const userDataDir = mkdtempSync(join(tmpdir(), 'aks-auth-sim-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // The simulator's CA is not in chromium's store; kubectl and Node clients trust it explicitly instead.
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    // A private HOME and no cloud credentials, like every child process of the tests.
    env: isolatedEnv({}, { base: 'inherit' }),
  })
  const errors: string[] = []
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`)
    })
    page.on('pageerror', (err) => errors.push(`page: ${err.message}`))
  }
  context.pages().forEach(watch)
  context.on('page', watch)
  const page = context.pages()[0] ?? (await context.newPage())
  mkdirSync(SCREENSHOTS, { recursive: true })
  return {
    context,
    page,
    errors,
    async screenshot(name) {
      const path = join(SCREENSHOTS, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
    async close() {
      await context.close()
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

/** expect.poll with room for a busy machine (key generation, kubectl start-up). */
export const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 })
