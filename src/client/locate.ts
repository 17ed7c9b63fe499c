/**
 * How the client commands find the simulator: `<state-dir>/endpoints.json` (the state dir from
 * `--state-dir`, then AKS_AUTH_SIM_STATE_DIR — which the kubeconfigs the simulator writes set — then
 * `~/.aks-auth-sim`), with `--authority-host` (kubelogin's flag) overriding where Entra is. The
 * simulator's CA comes from endpoints.json; its clock offset from the admin API, so that
 * `aks-auth-sim clock advance` ages cached tokens on the client side too.
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { readAdminToken } from '../kernel/admin-token.js'
import { createHttpsFetch, trustedCas, type Fetch } from './http.js'
import { SignInError } from './errors.js'
import { STATE_DIR_ENV } from './well-known.js'

/** The fields of endpoints.json the client reads. */
export interface SimulatorEndpoints {
  tenantId?: string
  tenantDomain?: string
  authority?: string
  admin?: string
  arm?: string
  caFile?: string
  stateDir?: string
  cluster?: { name: string; resourceGroup: string; subscriptionId: string; resourceId: string }
  directory?: {
    users?: { upn: string; oid: string }[]
    groups?: { name: string; oid: string }[]
    applications?: { name: string; appId: string; servicePrincipalId: string }[]
  }
}

export interface SimulatorTarget {
  /** Entra origin, no trailing slash. */
  authority: string
  stateDir: string
  endpoints: SimulatorEndpoints | undefined
  fetch: Fetch
  /** Seconds the simulator's clock is ahead of this machine's (0 when unknown). */
  clockOffset(): Promise<number>
}

export const DEFAULT_STATE_DIR = join(homedir(), '.aks-auth-sim')

export function stateDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env[STATE_DIR_ENV] ?? DEFAULT_STATE_DIR)
}

export function readEndpointsFile(stateDir: string): SimulatorEndpoints | undefined {
  const file = join(stateDir, 'endpoints.json')
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SimulatorEndpoints
  } catch (err) {
    throw new SignInError('usage', `cannot read ${file}: ${(err as Error).message}`)
  }
}

/** `--authority-host https://host:port/` → `https://host:port` (kubelogin requires the trailing slash). */
export function parseAuthorityHost(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new SignInError('usage', `authority host "${value}" is not a valid URL`)
  }
  if (!value.endsWith('/'))
    throw new SignInError('usage', `authority host "${value}" should have a trailing slash`)
  if (url.protocol !== 'https:')
    throw new SignInError('usage', `authority host "${value}" must use https (the Azure SDKs refuse http)`)
  return value.replace(/\/+$/, '')
}

export function locateSimulator(o: { stateDir?: string; authorityHost?: string }): SimulatorTarget {
  const stateDir = stateDirOf(o.stateDir)
  const endpoints = readEndpointsFile(stateDir)
  const authority = o.authorityHost ? parseAuthorityHost(o.authorityHost) : endpoints?.authority
  if (!authority)
    throw new SignInError(
      'unreachable',
      `cannot find the simulator: ${join(stateDir, 'endpoints.json')} does not exist and no --authority-host was given. Start it with 'aks-auth-sim start --state-dir ${stateDir}', or point --state-dir / ${STATE_DIR_ENV} at its state directory.`,
    )
  let ca: string[] = []
  if (endpoints?.caFile) {
    try {
      ca = [readFileSync(endpoints.caFile, 'utf8')]
    } catch {
      // The CA may also be trusted through NODE_EXTRA_CA_CERTS; a TLS error will say so if not.
    }
  }
  const fetch = createHttpsFetch({ ca: trustedCas(ca) })
  let offset: Promise<number> | undefined
  return {
    authority,
    stateDir,
    endpoints,
    fetch,
    clockOffset() {
      offset ??= readClockOffset(fetch, endpoints?.admin, readAdminToken(stateDir))
      return offset
    },
  }
}

async function readClockOffset(
  fetch: Fetch,
  admin: string | undefined,
  adminToken: string | undefined,
): Promise<number> {
  // Without the admin token (another user's simulator) the admin API would refuse: local time it is.
  if (!admin || !adminToken) return 0
  try {
    const res = await fetch(`${admin}/clock`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: AbortSignal.timeout(5000),
    })
    if (!res.ok) return 0
    const body = (await res.json()) as { offsetSeconds?: unknown }
    return typeof body.offsetSeconds === 'number' && Number.isFinite(body.offsetSeconds)
      ? body.offsetSeconds
      : 0
  } catch {
    // No admin API (a remote simulator, or one that is down): local time it is; Entra will say the rest.
    return 0
  }
}
