/**
 * Helpers for the client-side tests: run this checkout's CLI (and kubectl) as child processes with a
 * scratch HOME, answer device codes as a named user the way a person at the login page would, and
 * obtain ARM tokens with openid-client (the Azure CLI's client id and scope).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as client from 'openid-client'
import type { SimEvent, Simulator } from '../../src/index.js'
import { isolatedEnv } from '../helpers/isolation.js'

export const CLI = resolve(import.meta.dirname, '../../bin/aks-auth-sim.js')
export const KUBECTL = '/usr/bin/kubectl'
export const AZURE_CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
export const AKS_SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630'
export const AKS_CLIENT = '80faf920-1908-4b52-b5ef-a8e7bedfc67a'

export interface Run {
  code: number
  stdout: string
  stderr: string
}

/** A scratch directory removed by `cleanup()`. */
export function scratch(prefix: string): { dir: string; sub(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    sub(name) {
      const d = join(dir, name)
      mkdirSync(d, { recursive: true })
      return d
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/**
 * A clean environment: the guarded PATH, HOME and KUBECONFIG under it only (no NODE_EXTRA_CA_CERTS, no
 * AZURE_* from the caller; test/helpers/isolation.ts), plus `extra`.
 */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return isolatedEnv(extra, { home })
}

export function run(
  file: string,
  args: string[],
  opts: { env: Record<string, string>; input?: string; timeoutMs?: number; cwd?: string },
): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      file,
      args,
      {
        env: isolatedEnv(opts.env),
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
        ...(opts.cwd !== undefined && { cwd: opts.cwd }),
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0
        done({ code, stdout, stderr })
      },
    )
    child.stdin?.end(opts.input ?? '')
  })
}

/** The CLI by absolute paths, as the kubeconfig runs it. */
export const cli = (
  args: string[],
  opts: { env: Record<string, string>; timeoutMs?: number; cwd?: string },
) => run(process.execPath, [CLI, ...args], opts)

type Answer = { as: string; decline?: boolean } | 'ignore'

/**
 * Answers every device code the simulator issues, as the current plan says (approve as a user,
 * decline as a user, or leave it pending), and records the codes.
 */
export function deviceCodeAnswerer(sim: Simulator) {
  const issued: { userCode: string; clientId: string; aud: string }[] = []
  let plan: Answer = 'ignore'
  const unsubscribe = sim.eventBus.subscribe((e: SimEvent) => {
    if (e.type !== 'device_code.issued') return
    const userCode = String(e.data.userCode)
    issued.push({ userCode, clientId: String(e.data.clientId), aud: String(e.data.aud) })
    const answer = plan
    if (answer === 'ignore') return
    // A person needs a moment to type the code; the client is already polling.
    setTimeout(() => {
      try {
        if (answer.decline) sim.declineDeviceCode(userCode, answer.as)
        else sim.approveDeviceCode(userCode, answer.as)
      } catch {
        // The code may have expired (a test that advanced the clock); the client reports that.
      }
    }, 100)
  })
  return {
    issued,
    approveAs(upn: string) {
      plan = { as: upn }
    },
    declineAs(upn: string) {
      plan = { as: upn, decline: true }
    },
    ignore() {
      plan = 'ignore'
    },
    stop: unsubscribe,
  }
}

/** Number of events of `type` (optionally matching `where`) since event id `since`. */
export function countEvents(
  sim: Simulator,
  type: string,
  since: number,
  where: (d: Record<string, unknown>) => boolean = () => true,
): number {
  return sim.eventBus.recent({ type, sinceId: since, limit: 5000 }).filter((e) => where(e.data)).length
}

export const lastEventId = (sim: Simulator): number => sim.eventBus.recent({ limit: 1 }).at(-1)?.id ?? 0

/** An ARM token for `upn` through the device code flow of the Azure CLI client (openid-client). */
export async function armToken(sim: Simulator, upn: string): Promise<string> {
  const config = await client.discovery(
    new URL(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/v2.0`),
    AZURE_CLI,
  )
  const start = await client.initiateDeviceAuthorization(config, {
    scope: 'https://management.azure.com//.default openid offline_access profile',
  })
  sim.approveDeviceCode(start.user_code, upn)
  const tokens = await client.pollDeviceAuthorizationGrant(config, start)
  return tokens.access_token
}

/** An app-only ARM token (client credentials). */
export async function armAppToken(sim: Simulator, appId: string, secret: string): Promise<string> {
  const config = await client.discovery(
    new URL(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/v2.0`),
    appId,
    secret,
  )
  const tokens = await client.clientCredentialsGrant(config, {
    scope: 'https://management.azure.com//.default',
  })
  return tokens.access_token
}

export const claimsOf = (jwt: string): Record<string, any> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString())
