import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { SignJWT, generateKeyPair } from 'jose'
import type { Simulator } from '../../src/index.js'
import { isolatedEnv } from '../helpers/isolation.js'

const run = promisify(execFile)
const CLIENT = fileURLToPath(new URL('./fixtures/identity-client.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default'
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

export interface ClientResult {
  kind: string
  ok: boolean
  token?: string
  expiresOnTimestamp?: number
  cached?: boolean
  call?: { status: number; body: any }
  name?: string
  message?: string
  errors?: { name: string; message: string }[]
}

/**
 * Runs @azure/identity in its own process with exactly `env` (plus a private HOME and the guarded PATH,
 * test/helpers/isolation.ts): msal-node caches its managed identity source per process, and a pod's
 * process sees only its own environment — and no Azure CLI sign-in.
 */
export async function runIdentityClient(
  kind: 'workload' | 'managed' | 'default',
  env: Record<string, string>,
  opts: { scope?: string; call?: string } = {},
): Promise<ClientResult> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', CLIENT, kind, opts.scope ?? GRAPH_SCOPE, ...(opts.call ? [opts.call] : [])],
    {
      env: isolatedEnv(env),
      cwd: ROOT,
      timeout: 120_000,
    },
  )
  return JSON.parse(stdout.trim().split('\n').pop()!) as ClientResult
}

export const claimsOf = (jwt: string): Record<string, any> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'))

export const tokenUrl = (sim: Simulator) =>
  `${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`

/** A service-account token for a pod, minted through TokenRequest like the kubelet's. */
export async function podToken(
  sim: Simulator,
  ns: string,
  pod: string,
  audience = 'api://AzureADTokenExchange',
) {
  const p = sim.podIdentity.objects.get('Pod', ns, pod)!
  const sa = (p.spec as { serviceAccountName: string }).serviceAccountName
  const r = await sim.podIdentity.tokenRequest({
    namespace: ns,
    name: sa,
    body: {
      spec: {
        audiences: [audience],
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod, uid: p.metadata.uid },
      },
    },
  })
  return (r.body.status as { token: string }).token
}

/** Posts a client_credentials exchange with `assertion` for `clientId`. */
export async function exchange(sim: Simulator, clientId: string, assertion: string, scope = GRAPH_SCOPE) {
  const res = await fetch(tokenUrl(sim), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: clientId,
      scope,
      grant_type: 'client_credentials',
      client_assertion: assertion,
      client_assertion_type: TOKEN_EXCHANGE,
    }).toString(),
  })
  const text = await res.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {
    // asserted by the caller
  }
  return { status: res.status, headers: res.headers, body }
}

/** A JWT with the claims of `template` but signed by a key the issuer never published. */
export async function foreignSigned(template: string, header: Record<string, unknown> = {}) {
  const { privateKey } = await generateKeyPair('RS256')
  const h = JSON.parse(Buffer.from(template.split('.')[0]!, 'base64url').toString())
  return new SignJWT(claimsOf(template)).setProtectedHeader({ ...h, ...header }).sign(privateKey)
}
