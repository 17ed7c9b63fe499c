/**
 * Vitest global setup: builds dist/ when src/ changed since the last build. Tests import src/ directly, but
 * every child process that runs the `aks-auth-sim` command (the CLI tests, kubectl's exec credential plugin)
 * runs bin/aks-auth-sim.js, which runs the compiled dist/ — as an installed package does.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { isolatedEnv } from './helpers/isolation.js'

export default function setup(): void {
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url)), '--if-stale'],
    { stdio: 'inherit', env: isolatedEnv({}, { base: 'inherit' }) },
  )
}
