/**
 * `aks-auth-sim start --host 0.0.0.0 --public-host …` (issue 15, findings 4 and 6): the warning names
 * what is exposed; the admin API refuses a request without the token and accepts the token from
 * `<state-dir>/admin-token`; the server certificate, endpoints.json and the banner carry the public
 * names; the UI's API needs the host's sign-in; secrets, keys and tokens are 0600 in a 0700 state dir.
 */
import { execFile, spawn } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { request } from 'node:https'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Endpoints } from '../../src/index.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { waitFor } from '../helpers/wait.js'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '../../bin/aks-auth-sim.js')
/**
 * The first public host is in every URL, which the CLI and the services use: an address of this machine
 * (its first external IPv4; a loopback address other than 127.0.0.1 on a machine without one).
 */
const PUBLIC_ADDRESS =
  Object.values(networkInterfaces())
    .flat()
    .find((i) => i?.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.2'
/** A second name: only in the certificate and the names the listeners answer to. */
const PUBLIC_NAME = 'sim.example.test'
const stateDir = mkdtempSync(join(tmpdir(), 'aks-exposed-'))
let proc: ReturnType<typeof spawn>
let stderr = ''
let ep: Endpoints
let ca: string

beforeAll(async () => {
  // The run's CA, which this worker trusts; the server certificate is re-issued for the public names.
  cpSync(process.env.AKS_SIM_TEST_PKI_DIR!, join(stateDir, 'pki'), { recursive: true })
  ca = readFileSync(join(stateDir, 'pki', 'ca.crt'), 'utf8')
  proc = spawn(
    process.execPath,
    [
      BIN,
      'start',
      '--state-dir',
      stateDir,
      '--port-base',
      '0',
      '--host',
      '0.0.0.0',
      '--public-host',
      PUBLIC_ADDRESS,
      '--public-host',
      PUBLIC_NAME,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: isolatedEnv({}, { base: 'inherit' }) },
  )
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  await waitFor(() => stderr.includes('Press Ctrl-C'), 'the simulator to start')
  ep = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as Endpoints
})
afterAll(() => {
  proc.kill('SIGTERM')
  rmSync(stateDir, { recursive: true, force: true })
})

/** A request to a listener through the loopback interface, naming `host` in the Host header. */
function call(
  url: string,
  o: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: o.method ?? 'GET',
        servername: PUBLIC_NAME,
        ca,
        headers: { host: `${o.host ?? PUBLIC_NAME}:${u.port}`, ...o.headers },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
      },
    )
    req.on('error', reject)
    req.end(o.body)
  })
}

const token = () => readFileSync(join(stateDir, 'admin-token'), 'utf8').trim()

describe('start --host 0.0.0.0 --public-host', () => {
  it('warns, naming what is exposed and what protects it', () => {
    expect(stderr).toContain('WARNING: listening on 0.0.0.0: every service is reachable from other machines')
    for (const what of [
      'admin API (admin token required',
      "web UI's",
      'host sign-in',
      'IMDS',
      'trusted network',
    ])
      expect(stderr).toContain(what)
    expect(stderr).toContain(`reachable from other machines as ${PUBLIC_ADDRESS}, ${PUBLIC_NAME}`)
  })

  it('puts the first public name in every URL of endpoints.json and the banner', () => {
    const origin = (url: unknown) => `${new URL(String(url)).protocol}//${new URL(String(url)).hostname}`
    for (const url of [ep.authority, ep.admin, ep.ui, ep.apiServer, ep.deviceLogin, ep.graph, ep.arm])
      expect(origin(url)).toBe(`https://${PUBLIC_ADDRESS}`)
    expect(origin(ep.imds)).toBe(`http://${PUBLIC_ADDRESS}`)
    expect(ep.publicHosts).toEqual([PUBLIC_ADDRESS, PUBLIC_NAME])
    expect(stderr).toContain(`admin API                ${ep.admin}`)
    const kubeconfig = readFileSync(ep.kubeconfigs.webhookAuthn!, 'utf8')
    expect(kubeconfig).toContain(`server: https://${PUBLIC_ADDRESS}:`)
  })

  it('serves a certificate naming the public names and the loopback names', async () => {
    const cert = new X509Certificate(readFileSync(join(stateDir, 'pki', 'server.crt')))
    expect(cert.subjectAltName!.split(', ').sort()).toEqual(
      [
        'DNS:localhost',
        `DNS:${PUBLIC_NAME}`,
        'IP Address:127.0.0.1',
        'IP Address:0:0:0:0:0:0:0:1',
        `IP Address:${PUBLIC_ADDRESS}`,
      ].sort(),
    )
    // What the listener presents verifies as the public name.
    const port = Number(new URL(ep.admin).port)
    const served = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: PUBLIC_NAME, ca }, () => {
        resolve(socket.getPeerX509Certificate()!.subjectAltName!)
        socket.end()
      })
      socket.on('error', reject)
    })
    expect(served).toContain(`DNS:${PUBLIC_NAME}`)
  })

  it('the admin API refuses a request without the token, and accepts the one in admin-token', async () => {
    const none = await call(`${ep.admin}/device-codes`)
    expect(none.status).toBe(401)
    expect(JSON.parse(none.text)).toMatchObject({ error: { code: 'unauthorized' } })
    const wrong = await call(`${ep.admin}/keys/rotate`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token' },
    })
    expect(wrong.status).toBe(401)
    const ok = await call(`${ep.admin}/device-codes`, { headers: { authorization: `Bearer ${token()}` } })
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.text)).toEqual({ value: expect.any(Array) })
    // The CLI reads the token itself.
    const cli = await run(process.execPath, [BIN, 'clock', 'advance', '0', '--state-dir', stateDir], {
      env: isolatedEnv({}, { base: 'inherit' }),
    })
    expect(JSON.parse(cli.stdout)).toHaveProperty('offsetSeconds')
  })

  it('answers only to its names: a foreign Host is 421', async () => {
    expect((await call(`${String(ep.ui)}/`, { host: 'other.example' })).status).toBe(421)
    expect((await call(`${String(ep.ui)}/`, { host: PUBLIC_ADDRESS })).status).toBe(200)
  })

  it("the UI's API needs the host's sign-in; the device login page does not", async () => {
    const refused = await call(`${String(ep.ui)}/api/state`)
    expect(refused.status).toBe(401)
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'host_sign_in_required' } })
    expect((await call(`${String(ep.ui)}/devicelogin`)).status).toBe(200)
    const form = (t: string) =>
      call(`${String(ep.ui)}/host-signin`, {
        method: 'POST',
        // The sign-in page's own form post (Referrer-Policy: no-referrer makes its Origin null).
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'null',
          'sec-fetch-site': 'same-origin',
        },
        body: new URLSearchParams({ token: t }).toString(),
      })
    expect((await form('wrong')).status).toBe(401)
    const signedIn = await form(token())
    expect(signedIn.status).toBe(303)
    const cookie = String(signedIn.headers['set-cookie'])
    expect(cookie).toMatch(/^__Host-aks-sim-host=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
    const state = await call(`${String(ep.ui)}/api/state`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(state.status).toBe(200)
    expect(JSON.parse(state.text).tenant.id).toBe(ep.tenantId)
  })

  it('keeps every file 0600 in 0700 directories, but for public ones; endpoints.json holds no secret', () => {
    const mode = (p: string) => statSync(p).mode & 0o777
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f)
        return statSync(p).isDirectory() ? [p, ...walk(p)] : [p]
      })
    // Certificates, where the services listen, the lock, and the pod webhook's configuration (a CA bundle).
    const PUBLIC = /(\.crt|\/endpoints\.json|\/instance\.json|\/mutating-webhook-configuration\.yaml)$/
    const all = [stateDir, ...walk(stateDir)]
    const seen = all.map((p) => ({
      path: p.slice(stateDir.length) || '/',
      mode: mode(p).toString(8),
    }))
    const expected = all.map((p) => ({
      path: p.slice(stateDir.length) || '/',
      mode: statSync(p).isDirectory() ? '700' : PUBLIC.test(p) ? '644' : '600',
    }))
    expect(seen).toEqual(expected)
    // What must be there: the admin token, the client secrets, keys, the object store, projected tokens.
    const paths = seen.map((s) => s.path)
    for (const wanted of [
      /^\/admin-token$/,
      /^\/secrets\.json$/,
      /^\/pki\/server\.key$/,
      /^\/keys\//,
      /^\/kubeconfigs\/webhook-authn\.yaml$/,
      /^\/kube\/core\//,
      /\/azure-identity-token\/azure-identity-token$/,
    ])
      expect(
        paths.some((p) => wanted.test(p)),
        String(wanted),
      ).toBe(true)
    const endpointsText = readFileSync(join(stateDir, 'endpoints.json'), 'utf8')
    const secrets = JSON.parse(readFileSync(join(stateDir, 'secrets.json'), 'utf8')) as {
      applications: { name: string; secret: string }[]
    }
    expect(secrets.applications.length).toBeGreaterThan(0)
    for (const a of secrets.applications) expect(endpointsText).not.toContain(a.secret)
    expect(endpointsText).not.toContain(token())
  })
})
