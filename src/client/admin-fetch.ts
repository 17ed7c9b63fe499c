/**
 * The admin API for programs and test suites, with the admin token they would otherwise have to read:
 * `adminFetch(sim, '/clock/advance', …)` for a simulator started in process, or
 * `adminFetch({ stateDir }, …)` for one started elsewhere by the same user (endpoints.json, the CA and
 * `<state-dir>/admin-token`).
 */
import { readFileSync } from 'node:fs'
import { adminTokenFile, readAdminToken } from '../kernel/admin-token.js'
import { SignInError } from './errors.js'
import { createHttpsFetch, trustedCas } from './http.js'
import { readEndpointsFile } from './locate.js'

export type AdminTarget = { endpoints: { admin: string }; adminToken: string } | { stateDir: string }

/** `fetch` on the admin API at `path` (`/clock`, `/device-codes/…`), with `Authorization: Bearer <admin token>`. */
export async function adminFetch(
  target: AdminTarget,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers)
  if ('adminToken' in target) {
    headers.set('authorization', `Bearer ${target.adminToken}`)
    return fetch(`${target.endpoints.admin}${path}`, { ...init, headers })
  }
  const endpoints = readEndpointsFile(target.stateDir)
  const token = readAdminToken(target.stateDir)
  if (!endpoints?.admin || token === undefined)
    throw new SignInError(
      'unreachable',
      `no simulator in ${target.stateDir}: its endpoints.json or ${adminTokenFile(target.stateDir)} is missing`,
    )
  headers.set('authorization', `Bearer ${token}`)
  const ca = endpoints.caFile ? [readFileSync(endpoints.caFile, 'utf8')] : []
  return createHttpsFetch({ ca: trustedCas(ca) })(`${endpoints.admin}${path}`, { ...init, headers })
}
