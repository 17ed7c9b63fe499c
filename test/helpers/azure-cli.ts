/**
 * Running the machine's real Azure CLI (Debian's azure-cli, /usr/bin/az) against a test simulator:
 * always with a private AZURE_CONFIG_DIR under the temp dir (isolatedEnv's `allowAzureCli`), never
 * ~/.azure. Where az is not installed the suites skip and say why (.ci/run installs it).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe } from 'vitest'
import { readSimEndpoints, writeCaBundle, writeCloudConfig } from '../../src/cli/commands/az-config.js'
import type { Simulator } from '../../src/index.js'
import { isolatedEnv } from './isolation.js'

export const AZ = '/usr/bin/az'
const BIN = join(import.meta.dirname, '../../bin/aks-auth-sim.js')

export const azSkipReason = existsSync(AZ)
  ? undefined
  : `${AZ} is not installed (.ci/run installs Debian's azure-cli)`

/** `describe`, skipped with the reason in its title where the Azure CLI is missing. */
export const azDescribe = (title: string, fn: () => void) =>
  azSkipReason ? describe.skip(`${title} [skipped: ${azSkipReason}]`, fn) : describe(title, fn)

export interface Run {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs a program; when its stderr shows a device code, approves it as `approveAs` (what a user does on
 * the device login page).
 */
export function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  approve?: { sim: Simulator; as: string },
): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let approved = false
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      const code = /enter the code ([A-Z0-9]+) to authenticate/.exec(stderr)?.[1]
      if (code && approve && !approved) {
        approved = true
        void approve.sim.approveDeviceCode(code, approve.as)
      }
    })
    const timer = setTimeout(() => child.kill('SIGTERM'), 90_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      done({ code: code ?? 1, stdout, stderr })
    })
  })
}

/** `aks-auth-sim az --state-dir <sim's> …`: az with the config dir under the simulator's state dir. */
export function simAz(sim: Simulator, args: string[], approveAs?: string): Promise<Run> {
  const stateDir = sim.endpoints.stateDir
  const env = isolatedEnv(
    { AZURE_CORE_NO_COLOR: 'true' },
    { base: 'inherit', allowAzureCli: { configDir: join(stateDir, 'azure-cli') } },
  )
  return run(
    process.execPath,
    [BIN, 'az', '--state-dir', stateDir, ...args],
    env,
    approveAs ? { sim, as: approveAs } : undefined,
  )
}

/** A private az config dir set up for the simulator as `aks-auth-sim az` sets its own up; its runner. */
export function privateAz(sim: Simulator): {
  configDir: string
  az: (args: string[], approveAs?: string) => Promise<Run>
} {
  const configDir = mkdtempSync(join(tmpdir(), 'aks-sim-az-'))
  const endpoints = readSimEndpoints(sim.endpoints.stateDir)
  writeCloudConfig(configDir, endpoints)
  const bundle = writeCaBundle(join(configDir, 'ca-bundle.pem'), endpoints.caFile)
  const env = isolatedEnv(
    { REQUESTS_CA_BUNDLE: bundle, AZURE_CORE_NO_COLOR: 'true' },
    { base: 'inherit', allowAzureCli: { configDir } },
  )
  return {
    configDir,
    az: (args, approveAs) => run(AZ, args, env, approveAs ? { sim, as: approveAs } : undefined),
  }
}

/** The JSON az printed (its `-o json` output). */
export function json<T = Record<string, unknown>>(r: Run): T {
  if (r.code !== 0) throw new Error(`az failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}
