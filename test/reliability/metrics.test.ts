import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { kubectl, tokenKubeconfig } from '../helpers/kubectl.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { adminAuthorization, BOB, startTestSimulator } from '../helpers/sim.js'
import { callWebhook, tokenReview } from '../helpers/webhook.js'

let sim: Simulator

function get(url: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    // The admin API's token (docs/security.md), as a Prometheus scrape config's bearer_token_file gives it.
    request(url, { ca: sim.caPem, headers: adminAuthorization(sim) }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () =>
        resolve({ status: res.statusCode!, type: String(res.headers['content-type']), text }),
      )
    })
      .on('error', reject)
      .end()
  })
}

const scrape = async () => {
  const res = await get(`${sim.endpoints.admin}/metrics`)
  expect(res.status).toBe(200)
  expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/)
  return res.text
}

/** The sum of the samples of `name` whose labels include all of `labels`. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    )
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3])
  }
  return sum
}

beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

describe('GET /metrics on the admin listener', () => {
  let before: string
  let after: string
  let listed: { code: number; stderr: string }

  beforeAll(async () => {
    before = await scrape()
    const token = await deviceCodeToken(sim, BOB)
    listed = await kubectl(tokenKubeconfig(sim, { token }), ['auth', 'whoami'])
    await kubectl(tokenKubeconfig(sim, { token: 'not-a-token' }), ['get', 'pods'])
    // The same review twice: the second is answered from the webhook's review cache.
    await callWebhook(sim, '/tokenreviews', tokenReview(token))
    await callWebhook(sim, '/tokenreviews', tokenReview(token))
    await callWebhook(sim, '/tokenreviews', tokenReview(`${token} `))
    after = await scrape()
  }, 120_000)

  const moved = (name: string, labels: Record<string, string> = {}) =>
    value(after, name, labels) - value(before, name, labels)

  it('counts tokens issued by grant and device codes by event and state', () => {
    expect(moved('aks_auth_sim_tokens_issued_total', { grant: 'device_code' })).toBe(1)
    expect(moved('aks_auth_sim_device_codes_total', { event: 'issued' })).toBe(1)
    expect(moved('aks_auth_sim_device_codes_total', { event: 'approved' })).toBe(1)
    expect(value(after, 'aks_auth_sim_device_codes', { state: 'redeemed' })).toBeGreaterThanOrEqual(1)
  })

  it('counts per-service requests and latency by status', () => {
    expect(
      moved('aks_auth_sim_http_requests_total', { service: 'entra', method: 'POST', code: '200' }),
    ).toBeGreaterThan(0)
    expect(
      moved('aks_auth_sim_http_request_duration_seconds_count', {
        service: 'entra',
        method: 'POST',
        code: '200',
      }),
    ).toBe(moved('aks_auth_sim_http_requests_total', { service: 'entra', method: 'POST', code: '200' }))
    expect(moved('aks_auth_sim_http_requests_total', { service: 'apiserver', code: '401' })).toBeGreaterThan(
      0,
    )
  })

  it('has the API server’s own metrics: requests, latency, authentication, authorization', () => {
    expect(listed.code, listed.stderr).toBe(0)
    expect(
      moved('apiserver_request_total', {
        verb: 'POST',
        group: 'authentication.k8s.io',
        resource: 'selfsubjectreviews',
        scope: 'cluster',
        code: '201',
      }),
    ).toBeGreaterThanOrEqual(1)
    expect(
      moved('apiserver_request_duration_seconds_count', {
        verb: 'POST',
        resource: 'selfsubjectreviews',
        component: 'apiserver',
      }),
    ).toBeGreaterThanOrEqual(1)
    expect(moved('authentication_attempts', { result: 'success' })).toBeGreaterThanOrEqual(1)
    expect(moved('authentication_attempts', { result: 'failure' })).toBeGreaterThanOrEqual(1)
    expect(
      moved('apiserver_authorization_decisions_total', { type: 'RBAC', decision: 'allowed' }),
    ).toBeGreaterThanOrEqual(1)
  })

  it('has guard’s TokenReview counters and the outcomes by reason and cache hit', () => {
    expect(
      moved('tokenreviews_handler_requests_total', { code: '200', method: 'POST' }),
    ).toBeGreaterThanOrEqual(4)
    expect(
      moved('aks_auth_sim_token_reviews_total', { outcome: 'authenticated', cached: 'true' }),
    ).toBeGreaterThanOrEqual(1)
    expect(
      moved('aks_auth_sim_token_reviews_total', { outcome: 'rejected', reason: 'malformed' }),
    ).toBeGreaterThanOrEqual(2)
    expect(moved('request_duration_seconds_count', { handler: 'tokenreviews' })).toBeGreaterThanOrEqual(4)
  })

  it('has the process metrics', () => {
    expect(value(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
    expect(value(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
  })

  it('never carries a token in a label', async () => {
    const token = await deviceCodeToken(sim, BOB)
    await callWebhook(sim, '/tokenreviews', tokenReview(token))
    const text = await scrape()
    expect(text).not.toContain(token.split('.')[2]!)
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/)
  })
})
