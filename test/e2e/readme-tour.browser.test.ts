/**
 * The README's tour, top to bottom, as written: every command of its `sh tour` blocks runs in bash
 * with the real kubectl and the real CLI (by its short name, as after `npm link`), in a private HOME
 * whose ~/.aks-auth-sim is the simulator's state dir — the defaults the README relies on. A command
 * marked `# sign in as <user>` prints a device code; Chromium enters it on the device login page and
 * signs in as that user, as an attendee would. `# → text` is checked against what the command
 * printed; an expected "Error…" or "error:" means the command fails. The tour's commands come from the
 * README itself, so the doc and this test cannot drift.
 */
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { kubectlDescribe } from '../helpers/kubectl.js'
import { openBrowser, poll, type TestBrowser } from '../ui/browser.js'

const describeK = kubectlDescribe()

export interface TourCommand {
  /** The README step (the `N.` of the list item the block is in). */
  step: string
  command: string
  signInAs?: string
  expect?: string
}

/** The commands of the ```sh tour blocks of a Markdown text, in order. */
export function tourCommands(markdown: string): TourCommand[] {
  const out: TourCommand[] = []
  let step = '?'
  let inTour = false
  for (const line of markdown.split('\n')) {
    const item = /^(\d+)\. \*\*/.exec(line)
    if (item) step = item[1]!
    const fence = /^\s*```(.*)$/.exec(line)
    if (fence) {
      inTour = !inTour && fence[1]!.trim() === 'sh tour'
      continue
    }
    if (!inTour || line.trim() === '') continue
    const [command, comment = ''] = line.trim().split(/\s+#\s+/, 2) as [string, string?]
    const signIn = /^sign in as (\w+)/.exec(comment)
    const arrow = /→ (.+)$/.exec(comment)
    out.push({
      step,
      command,
      ...(signIn && { signInAs: signIn[1]! }),
      ...(arrow && { expect: arrow[1]!.trim() }),
    })
  }
  return out
}

const README = readFileSync(resolve('README.md'), 'utf8')
const PASSWORD = 'Workshop-2026!'

let sim: Simulator
let browser: TestBrowser
let page: Page
const home = mkdtempSync(join(tmpdir(), 'aks-tour-home-'))
const bin = join(home, 'bin')

beforeAll(async () => {
  // `npm link` puts the short name on PATH; the shim does the same for this checkout.
  mkdirSync(bin)
  writeFileSync(
    join(bin, 'aks-auth-sim'),
    `#!/bin/sh\nexec '${process.execPath}' '${resolve('bin/aks-auth-sim.js')}' "$@"\n`,
  )
  chmodSync(join(bin, 'aks-auth-sim'), 0o755)
  // `npm start`'s state dir is ~/.aks-auth-sim: the CLI finds this simulator there, as in the README.
  sim = await startTestSimulator({ stateDir: join(home, '.aks-auth-sim') })
  browser = await openBrowser()
  page = browser.page
})
afterAll(async () => {
  await browser?.close()
  await sim?.stop()
  rmSync(home, { recursive: true, force: true })
})

/** Signs in on the device login page as `user`, the way the README says. */
async function signIn(url: string, code: string, user: string): Promise<void> {
  await page.goto(url)
  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Next' }).click()
  // Each account's button reads "<display name> <upn>".
  await page.getByRole('button', { name: new RegExp(`\\b${user}@`) }).click()
  // The account picker may ask for the password ("type the password when asked").
  const password = page.locator('input[type=password]:visible')
  const next = page.locator('input[type=password]:visible, button:has-text("Continue")').first()
  await next.waitFor()
  if ((await password.count()) > 0) {
    await password.fill(PASSWORD)
    await password.press('Enter')
  }
  await page.getByRole('button', { name: 'Continue' }).click()
  await poll(() => page.getByRole('status').textContent()).toContain('You have signed in')
}

function runStep(c: TourCommand): Promise<{ code: number; output: string }> {
  const child = spawn('/bin/bash', ['-c', c.command], {
    cwd: home,
    // The short name first, then the system's programs (kubectl is /usr/bin/kubectl); the guards go before all.
    env: isolatedEnv({ PATH: `${bin}:/usr/local/bin:/usr/bin:/bin` }, { home }),
  })
  let output = ''
  child.stdout.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr.on('data', (b: Buffer) => (output += b.toString()))
  const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)))
  const signedIn = (async () => {
    if (!c.signInAs) return
    await poll(() => /open the page (\S+) and enter the code ([A-Z0-9]+)/.test(output)).toBe(true)
    const [, url, code] = /open the page (\S+) and enter the code ([A-Z0-9]+)/.exec(output)!
    await signIn(url!, code!, c.signInAs)
  })()
  return Promise.all([exited, signedIn]).then(([code]) => ({ code, output }))
}

describeK('the README tour, as written, with kubectl and Chromium', () => {
  const commands = tourCommands(README)

  it('has its commands in sh tour blocks, with sign-ins and expected output', () => {
    expect(commands.length).toBeGreaterThan(15)
    expect(commands.filter((c) => c.signInAs).map((c) => c.signInAs)).toEqual(['bob', 'bob', 'dave', 'alice'])
  })

  it('runs top to bottom', async () => {
    for (const c of commands) {
      const { code, output } = await runStep(c)
      const what = `step ${c.step}: ${c.command}\n${output}`
      const fails = c.expect !== undefined && /^(Error|error:)/.test(c.expect)
      if (fails) expect(code, what).not.toBe(0)
      else expect(code, what).toBe(0)
      if (c.expect !== undefined) expect(output, what).toContain(c.expect)
      // One device code per command, however the sign-in went.
      expect((output.match(/enter the code/g) ?? []).length, what).toBe(c.signInAs ? 1 : 0)
    }
    await page.goto(`${String(sim.endpoints.ui)}/#flow`)
    await browser.screenshot('readme-tour-live-flow')
    expect(browser.errors).toEqual([])
    // About a minute on an idle machine: 20 commands, 4 device code sign-ins in Chromium.
  }, 300_000)
})
