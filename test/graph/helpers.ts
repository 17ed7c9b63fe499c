/**
 * Shared fixtures for the Graph and app-grant tests: a scenario that extends the demo tenant with
 * confidential apps (secrets, a certificate, various Graph permissions), a middle-tier API for
 * on-behalf-of, a group holding a service principal and a membership cycle; certificate generation;
 * raw token-endpoint helpers.
 */
import 'reflect-metadata'
import { createHash, webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { expect } from 'vitest'
import { AKS_SERVER_APP_ID, demoScenario, type Scenario, type Simulator } from '../../src/index.js'
import { stableGuid } from '../../src/kernel/ids.js'
import { exportPkcs8Pem } from '../../src/kernel/pem.js'

x509.cryptoProvider.set(webcrypto as unknown as Crypto)

const id = (name: string) => stableGuid('aks-auth-sim/graph-tests', name)

export const READER = { name: 'graph-reader', appId: id('app:reader'), secret: 'reader-secret-value-0001' }
export const NOTHING = { name: 'graph-nothing', appId: id('app:nothing'), secret: 'nothing-secret-value-01' }
export const MEMBERS_ONLY = {
  name: 'graph-members-only',
  appId: id('app:members'),
  secret: 'members-secret-value-1',
}
export const MIDDLE_TIER = {
  name: 'middle-tier-api',
  appId: id('app:middle'),
  secret: 'middle-tier-secret-val-1',
  uri: 'api://middle-tier',
}
export const NO_CONSENT = {
  name: 'no-consent-api',
  appId: id('app:noconsent'),
  secret: 'no-consent-secret-01',
}
export const PUBLIC_CLIENT = { name: 'test-public-client', appId: id('app:public') }
export const AUTOMATION_GROUP = { displayName: 'automation', id: id('group:automation') }
export const DISTRIBUTION = { displayName: 'newsletter', id: id('group:newsletter') }
export const AKS_SERVER_SECRET = 'aks-server-secret-value-01'
export const CYCLE_A = { displayName: 'cycle-a', id: id('group:cycle-a') }
export const CYCLE_B = { displayName: 'cycle-b', id: id('group:cycle-b') }

export interface TestCert {
  certPem: string
  keyPem: string
  /** base64url SHA-1 and SHA-256 of the DER (x5t / x5t#S256). */
  x5t: string
  x5tS256: string
  privateKey: webcrypto.CryptoKey
}

export async function makeCert(
  cn = 'graph-reader',
  notAfter = Date.now() + 365 * 86_400_000,
): Promise<TestCert> {
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  }
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber:
      '01' +
      createHash('sha1')
        .update(cn + Math.random())
        .digest('hex')
        .slice(0, 14),
    name: `CN=${cn}`,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(notAfter),
    signingAlgorithm: alg,
    keys,
  })
  const der = Buffer.from(cert.rawData)
  return {
    certPem: cert.toString('pem'),
    keyPem: await exportPkcs8Pem(keys.privateKey),
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    privateKey: keys.privateKey,
  }
}

const GRAPH = 'https://graph.microsoft.com'

export function graphScenario(certs: string[] = []): Scenario {
  const s = demoScenario()
  s.applications = [
    ...(s.applications ?? []),
    {
      name: READER.name,
      appId: READER.appId,
      secrets: [{ value: READER.secret }],
      certificates: certs.map((certificatePem) => ({ certificatePem })),
      permissions: [
        {
          resource: GRAPH,
          applicationPermissions: [
            'User.Read.All',
            'GroupMember.Read.All',
            'Directory.Read.All',
            'Application.Read.All',
          ],
        },
      ],
    },
    { name: NOTHING.name, appId: NOTHING.appId, secrets: [{ value: NOTHING.secret }] },
    {
      name: MEMBERS_ONLY.name,
      appId: MEMBERS_ONLY.appId,
      secrets: [{ value: MEMBERS_ONLY.secret }],
      permissions: [{ resource: GRAPH, applicationPermissions: ['GroupMember.Read.All'] }],
    },
    {
      name: MIDDLE_TIER.name,
      appId: MIDDLE_TIER.appId,
      secrets: [{ value: MIDDLE_TIER.secret }],
      identifierUris: [MIDDLE_TIER.uri],
      exposedScopes: ['access_as_user'],
      permissions: [{ resource: GRAPH, delegatedPermissions: ['User.Read', 'GroupMember.Read.All'] }],
    },
    {
      name: NO_CONSENT.name,
      appId: NO_CONSENT.appId,
      secrets: [{ value: NO_CONSENT.secret }],
      exposedScopes: ['access_as_user'],
    },
    { name: PUBLIC_CLIENT.name, appId: PUBLIC_CLIENT.appId, publicClient: true },
    {
      // The AKS server app with a secret and consented delegated Graph permissions: guard's `obo` mode.
      name: 'Azure Kubernetes Service AAD Server',
      appId: AKS_SERVER_APP_ID,
      accessTokenVersion: 1,
      groupMembershipClaims: 'SecurityGroup',
      exposedScopes: ['user.read'],
      secrets: [{ value: AKS_SERVER_SECRET }],
      permissions: [{ resource: GRAPH, delegatedPermissions: ['User.Read', 'GroupMember.Read.All'] }],
    },
  ]
  s.groups = [
    ...(s.groups ?? []),
    {
      ...AUTOMATION_GROUP,
      description: 'Robots and their operators',
      members: { users: ['bob@contoso.onmicrosoft.com'], groups: ['sre'], servicePrincipals: [READER.name] },
    },
    {
      ...DISTRIBUTION,
      securityEnabled: false,
      mailEnabled: true,
      members: { users: ['bob@contoso.onmicrosoft.com'] },
    },
    { ...CYCLE_A, members: { groups: [CYCLE_B.displayName] } },
    { ...CYCLE_B, members: { groups: [CYCLE_A.displayName], users: ['frank@contoso.onmicrosoft.com'] } },
  ]
  return s
}

export const tokenUrl = (sim: Simulator, v: 'v1' | 'v2' = 'v2') =>
  `${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/${v === 'v2' ? 'v2.0/' : ''}token`

export async function postToken(
  sim: Simulator,
  params: Record<string, string>,
  opts: { v?: 'v1' | 'v2'; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(tokenUrl(sim, opts.v), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    body: new URLSearchParams(params).toString(),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** An app-only Graph token by client secret. */
export async function appToken(
  sim: Simulator,
  app: { appId: string; secret: string },
  scope = `${GRAPH}/.default`,
) {
  const r = await postToken(sim, {
    grant_type: 'client_credentials',
    client_id: app.appId,
    client_secret: app.secret,
    scope,
  })
  if (r.status !== 200) throw new Error(`token request failed: ${JSON.stringify(r.body)}`)
  return r.body.access_token as string
}

/** A user token for `scope` through the device code flow, approved through the simulator's controls. */
export async function userToken(sim: Simulator, user: string, scope: string, clientId = PUBLIC_CLIENT.appId) {
  const base = `${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0`
  const start = (await (
    await fetch(`${base}/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: clientId,
        scope: `${scope} openid profile offline_access`,
      }).toString(),
    })
  ).json()) as { user_code: string; device_code: string }
  sim.approveDeviceCode(start.user_code, user)
  const r = await postToken(sim, {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    client_id: clientId,
    device_code: start.device_code,
  })
  if (r.status !== 200) throw new Error(`device code redeem failed: ${JSON.stringify(r.body)}`)
  return r.body as { access_token: string; refresh_token: string; id_token: string }
}

export interface GraphAnswer {
  status: number
  headers: Headers
  body: any
  text: string
}

export async function graphFetch(
  sim: Simulator,
  path: string,
  opts: {
    token?: string
    method?: string
    body?: unknown
    headers?: Record<string, string>
    rawBody?: string
  } = {},
): Promise<GraphAnswer> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  let body: string | undefined = opts.rawBody
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['content-type'] ??= 'application/json'
  }
  const res = await fetch(`${sim.endpoints.graph as string}${path}`, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body !== undefined && { body }),
  })
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: res.status, headers: res.headers, body: parsed, text }
}

/** Asserts Graph's error shape and returns the error object. */
export function graphError(a: GraphAnswer): {
  code: string
  message: string
  innerError: Record<string, string>
} {
  const e = a.body?.error
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.innerError !== 'object')
    throw new Error(`not a Graph error body (HTTP ${a.status}): ${a.text}`)
  return e
}

/** Asserts a Graph error answer: status, code, message, and the innerError / header ids. */
export function expectGraphError(a: GraphAnswer, status: number, code: string, message?: string | RegExp) {
  expect(a.status).toBe(status)
  expect(a.headers.get('content-type')).toMatch(/^application\/json/)
  const e = graphError(a)
  expect(e.code).toBe(code)
  if (message !== undefined) expect(e.message).toMatch(message)
  expect(e.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)
  expect(e.innerError['request-id']).toBe(a.headers.get('request-id'))
  expect(e.innerError['client-request-id']).toBe(a.headers.get('client-request-id'))
  return e
}
