/**
 * How CLI commands reach a running simulator: read `<state-dir>/endpoints.json` and the admin token
 * (`<state-dir>/admin-token`, 0600), then call the admin API over HTTPS trusting the simulator's CA.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { adminTokenFile, readAdminToken } from '../kernel/admin-token.js'
import type { Endpoints } from '../kernel/endpoints.js'
import { sendHttps, type HttpsAnswer } from '../http/index.js'
import { AdminApiError, CliError } from './errors.js'

export function readEndpoints(stateDir: string): Endpoints {
  const file = join(stateDir, 'endpoints.json')
  if (!existsSync(file))
    throw new CliError(
      `no simulator found: ${file} does not exist. Start one with 'aks-auth-sim start --state-dir ${stateDir}'.`,
    )
  return JSON.parse(readFileSync(file, 'utf8')) as Endpoints
}

export async function callAdmin(
  stateDir: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const ep = readEndpoints(stateDir)
  let token: string | undefined
  try {
    token = readAdminToken(stateDir)
  } catch (err) {
    throw new CliError(`cannot read the admin token ${adminTokenFile(stateDir)}: ${(err as Error).message}`)
  }
  if (token === undefined)
    throw new CliError(
      `no admin token in ${adminTokenFile(stateDir)}: restart the simulator of ${stateDir} with this version of aks-auth-sim.`,
    )
  const payload = body === undefined ? undefined : JSON.stringify(body)
  let answer: HttpsAnswer
  try {
    answer = await sendHttps(new URL(path, ep.admin), {
      method,
      ca: readFileSync(ep.caFile),
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload && { 'content-type': 'application/json' }),
      },
      ...(payload !== undefined && { body: payload }),
      timeoutMs: 10_000,
      timeoutError: () => new Error('timed out'),
    })
  } catch (err) {
    throw new CliError(
      `cannot reach the simulator's admin API at ${ep.admin} (${(err as Error).message}). Is it running?`,
    )
  }
  const text = answer.body.toString('utf8')
  const isJson = String(answer.headers['content-type'] ?? '').includes('json')
  const parsed: unknown = text && isJson ? JSON.parse(text) : text || undefined
  if ((answer.status ?? 500) >= 400) {
    const e = (parsed as { error?: { message?: string } } | undefined)?.error
    throw new AdminApiError(e?.message ?? `admin API answered ${answer.status}`, answer.status ?? 500)
  }
  return parsed
}
