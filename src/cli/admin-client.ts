/**
 * How CLI commands reach a running simulator: read `<state-dir>/endpoints.json`, then call the admin
 * API over HTTPS trusting the simulator's CA.
 */
import { existsSync, readFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import type { Endpoints } from '../composition/endpoints.js'
import { CliError } from './errors.js'

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
  const url = new URL(path, ep.admin)
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: readFileSync(ep.caFile),
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
        timeout: 10_000,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => {
          const isJson = String(res.headers['content-type'] ?? '').includes('json')
          const parsed: unknown = text && isJson ? JSON.parse(text) : text || undefined
          if ((res.statusCode ?? 500) >= 400) {
            const e = (parsed as { error?: { message?: string } } | undefined)?.error
            reject(new CliError(e?.message ?? `admin API answered ${res.statusCode}`))
          } else resolve(parsed)
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', (err) =>
      reject(
        new CliError(
          `cannot reach the simulator's admin API at ${ep.admin} (${err.message}). Is it running?`,
        ),
      ),
    )
    req.end(payload)
  })
}
