/**
 * Test fixtures for the API server slice: an API server on an OS-chosen port with the test run's
 * CA (client certificates requested and verified), client certificates and kubeconfigs for real
 * kubectl, and a small HTTPS client.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClock } from '../../src/kernel/clock.js'
import { createEventBus, type EventBus } from '../../src/kernel/events.js'
import { loadOrCreatePki, type Pki } from '../../src/kernel/tls.js'
import { listen, type Listener } from '../../src/http/index.js'
import { createApiServer, type ApiServer, type ApiServerDeps } from '../../src/apiserver/index.js'

export interface TestApiServer {
  url: string
  port: number
  api: ApiServer
  events: EventBus
  pki: Pki
  dir: string
  close(): Promise<void>
}

export async function testPki(): Promise<Pki> {
  const dir = process.env.AKS_SIM_TEST_PKI_DIR
  if (!dir) throw new Error('test/global-setup.ts did not run')
  return loadOrCreatePki(dir)
}

export async function startApiServer(overrides: Partial<ApiServerDeps> = {}): Promise<TestApiServer> {
  const pki = await testPki()
  const clock = createClock()
  const events = createEventBus(() => clock.now())
  const dir = mkdtempSync(join(tmpdir(), 'apiserver-test-'))
  const api = createApiServer({
    clock,
    events,
    caPem: pki.ca.certPem,
    onUnexpectedError: (err) => {
      console.error('apiserver unexpected error in test:', err)
    },
    ...overrides,
  })
  const listener: Listener = await listen(api.handler, {
    host: '127.0.0.1',
    port: 0,
    tls: { cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true },
  })
  return {
    url: listener.url,
    port: listener.port,
    api,
    events,
    pki,
    dir,
    async close() {
      api.close()
      await listener.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface HttpResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: any
}

export function call(
  server: { url: string; pki: Pki },
  method: string,
  path: string,
  opts: {
    body?: string | Buffer
    headers?: Record<string, string | string[]>
    cert?: { certPem: string; keyPem: string }
    token?: string
  } = {},
): Promise<HttpResult> {
  const u = new URL(path, server.url)
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        method,
        hostname: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        ca: server.pki.ca.certPem,
        ...(opts.cert && { cert: opts.cert.certPem, key: opts.cert.keyPem }),
        headers: {
          ...(opts.token && { authorization: `Bearer ${opts.token}` }),
          ...(opts.body !== undefined && { 'content-length': String(Buffer.byteLength(opts.body)) }),
          ...opts.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
      },
    )
    req.on('error', reject)
    if (opts.body !== undefined) req.write(opts.body)
    req.end()
  })
}

/** A scratch directory removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function writeKubeconfig(
  path: string,
  server: { url: string; pki: Pki },
  user: { token?: string; cert?: { certPem: string; keyPem: string } },
  namespace = 'default',
): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64')
  const userBlock = user.token
    ? `    token: ${user.token}\n`
    : `    client-certificate-data: ${b64(user.cert!.certPem)}\n    client-key-data: ${b64(user.cert!.keyPem)}\n`
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster:
    server: ${server.url}
    certificate-authority-data: ${b64(server.pki.ca.certPem)}
users:
- name: user
  user:
${userBlock}contexts:
- name: sim
  context:
    cluster: sim
    user: user
    namespace: ${namespace}
current-context: sim
`,
  )
  return path
}
